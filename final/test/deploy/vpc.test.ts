/**
 * The optional VPC: infra/vpc.yml (the network stack) and how serverless.yml uses it. Only a
 * stage with runInVpc: true (prod) runs in it, importing the ids the VPC stack exports. Its
 * claim, "a compromised dependency cannot send data out", rests on three things checked here: no
 * route out but the endpoints, a security group that opens HTTPS to the endpoints only, and
 * endpoint policies that let through only this deployment's calls on its own tables and key.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { APP_DIR, asCreated, DEPLOYMENTS, lambdaFunctions, STAGES, usePackages, type Json, type Resource, type Template } from './packages';

const vpc = YAML.parse(readFileSync(path.join(APP_DIR, 'infra', 'vpc.yml'), 'utf8')) as Template & {
  Parameters: Record<string, { Default: string }>;
  Outputs: Record<string, { Export: { Name: { 'Fn::Sub': string } } }>;
};
const ofType = (type: string): [string, Resource][] => Object.entries(vpc.Resources).filter(([, resource]) => resource.Type === type);

describe('deploy: VPC (infra/vpc.yml)', () => {
  it('has private subnets in two availability zones', () => {
    const subnets = ofType('AWS::EC2::Subnet').filter(([, subnet]) => subnet.Condition === undefined);
    assert.deepEqual(subnets.map(([id]) => id), ['PrivateSubnetA', 'PrivateSubnetB']);
    const zones = subnets.map(([, subnet]) => subnet.Properties?.['AvailabilityZone']['Fn::Select'][0]);
    assert.deepEqual(zones, [0, 1]);
    for (const [id, subnet] of subnets) assert.notEqual(subnet.Properties?.['MapPublicIpOnLaunch'], true, id);
  });

  it('reaches DynamoDB through a gateway endpoint in every private route table', () => {
    const [[, endpoint] = []] = ofType('AWS::EC2::VPCEndpoint').filter(([, e]) => e.Properties?.['VpcEndpointType'] === 'Gateway');
    assert.deepEqual(endpoint?.Properties?.['ServiceName'], { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.dynamodb' });
    assert.deepEqual(endpoint?.Properties?.['RouteTableIds'], [{ Ref: 'PrivateRouteTableA' }, { Ref: 'PrivateRouteTableB' }]);
  });

  it('reaches SSM through an interface endpoint when there is no NAT gateway', () => {
    const [[, endpoint] = []] = ofType('AWS::EC2::VPCEndpoint').filter(([, e]) => e.Properties?.['VpcEndpointType'] === 'Interface');
    assert.deepEqual(endpoint?.Properties?.['ServiceName'], { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.ssm' });
    assert.equal(endpoint?.Properties?.['PrivateDnsEnabled'], true);
    assert.equal(endpoint?.Condition, 'WithoutNatGateways');
  });

  it('creates NAT gateways, and anything public, only when asked to (off by default)', () => {
    assert.equal(vpc.Parameters['NatGateways']?.Default, 'false');
    const paid = ['AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment'];
    const conditional = Object.entries(vpc.Resources).filter(([, resource]) => paid.includes(resource.Type));
    assert.equal(conditional.filter(([, resource]) => resource.Type === 'AWS::EC2::NatGateway').length, 2);
    for (const [id, resource] of conditional) assert.equal(resource.Condition, 'WithNatGateways', id);
    for (const [id, subnet] of ofType('AWS::EC2::Subnet').filter(([subnetId]) => subnetId.startsWith('Public'))) assert.equal(subnet.Condition, 'WithNatGateways', id);
  });

  it('lets the functions open HTTPS connections to the two endpoints only, and nothing connect to them', () => {
    const group = vpc.Resources['FunctionSecurityGroup']?.Properties ?? {};
    assert.equal(group['SecurityGroupIngress'], undefined);
    assert.deepEqual(group['SecurityGroupEgress'], [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, DestinationPrefixListId: { Ref: 'DynamoDbPrefixList' }, Description: 'HTTPS to DynamoDB' }]);
    const egress = ofType('AWS::EC2::SecurityGroupEgress');
    assert.deepEqual(egress.map(([id, rule]) => [id, rule.Condition, rule.Properties?.['GroupId'], rule.Properties?.['FromPort'], rule.Properties?.['ToPort']]), [
      ['FunctionsToSsmEndpoint', 'WithoutNatGateways', { Ref: 'FunctionSecurityGroup' }, 443, 443],
      ['FunctionsToNatGateways', 'WithNatGateways', { Ref: 'FunctionSecurityGroup' }, 443, 443],
    ]);
    assert.deepEqual(vpc.Resources['FunctionsToSsmEndpoint']?.Properties?.['DestinationSecurityGroupId'], { Ref: 'SsmEndpointSecurityGroup' });
    // 0.0.0.0/0 only through NAT gateways, which exist only when asked for.
    const anywhere = Object.entries(vpc.Resources).filter(([, resource]) => JSON.stringify(resource).includes('0.0.0.0/0'));
    for (const [id, resource] of anywhere) assert.equal(resource.Condition, 'WithNatGateways', id);
  });

  it('routes the private subnets nowhere but the VPC and DynamoDB, unless NAT gateways are asked for', () => {
    for (const [id, route] of ofType('AWS::EC2::Route')) assert.equal(route.Condition, 'WithNatGateways', id);
    const [[, endpoint] = []] = ofType('AWS::EC2::VPCEndpoint').filter(([, e]) => e.Properties?.['VpcEndpointType'] === 'Gateway');
    assert.ok(endpoint);
  });

  it('lets through each endpoint only calls on this deployment\'s tables and key, from this account', () => {
    const policy = (id: string) => vpc.Resources[id]?.Properties?.['PolicyDocument'].Statement;
    const account = { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } };
    assert.deepEqual(policy('DynamoDbEndpoint'), [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Service}-${Stage}-*' },
        Condition: account,
      },
    ]);
    assert.deepEqual(policy('SsmEndpoint'), [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'ssm:GetParameter',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${Service}/${Stage}/*' },
        Condition: account,
      },
    ]);
  });

  describe('in the service', function () {
    const packages = usePackages();

    it('prod: the endpoints let through every call the functions make, and their tables and key are under the endpoints\' names', () => {
      const prod = asCreated(packages.prod.template);
      const tableActions = new Set<string>();
      const parameters = new Set<string>();
      for (const [, role] of Object.entries(prod.Resources).filter(([, resource]) => resource.Type === 'AWS::IAM::Role')) {
        for (const policy of role.Properties?.['Policies'] as { PolicyDocument: { Statement: { Action: string | string[]; Resource: Json }[] } }[]) {
          for (const statement of policy.PolicyDocument.Statement) {
            const actions = [statement.Action].flat();
            if (actions.some((action) => action.startsWith('dynamodb:'))) actions.forEach((action) => tableActions.add(action));
            if (actions.includes('ssm:GetParameter')) parameters.add(statement.Resource['Fn::Sub']);
          }
        }
      }
      const endpointActions = vpc.Resources['DynamoDbEndpoint']?.Properties?.['PolicyDocument'].Statement[0].Action;
      assert.deepEqual([...tableActions].sort(), [...endpointActions].sort());
      const service = packages.prod.state.service.provider['stackTags'].project;
      for (const [, table] of Object.entries(prod.Resources).filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')) {
        assert.ok(String(table.Properties?.['TableName']).startsWith(`${service}-prod-`), table.Properties?.['TableName']);
      }
      assert.deepEqual([...parameters], [`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${service}/prod/signing-key`]);
    });

    for (const stage of STAGES) {
      it(`${stage}: the functions run ${stage === 'prod' ? 'in the VPC, on ids the VPC stack exports' : 'outside any VPC'}`, () => {
        const inVpc = packages[stage].state.service.custom.settings['runInVpc'] === true;
        assert.equal(inVpc, stage === 'prod', 'config/<stage>.yml runInVpc');
        const exported = new Set(Object.values(vpc.Outputs).map((output) => output.Export.Name['Fn::Sub'].replace('${AWS::StackName}', `${DEPLOYMENTS[stage]}-${stage}-vpc`)));
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          const config = fn.Properties?.['VpcConfig'];
          if (!inVpc) {
            assert.equal(config, undefined, name);
            continue;
          }
          const imported = [...config.SecurityGroupIds, ...config.SubnetIds].map((id: { 'Fn::ImportValue': string }) => id['Fn::ImportValue']);
          assert.equal(config.SubnetIds.length, 2, name);
          for (const exportName of imported) assert.ok(exported.has(exportName), `${name} imports ${exportName}, which vpc.yml does not export`);
        }
      });
    }
  });
});
