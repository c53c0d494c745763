/**
 * The optional VPC: infra/vpc.yml (the network stack) and how serverless.yml uses it. Only a
 * stage with runInVpc: true (prod) runs in it, importing the ids the VPC stack exports.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { APP_DIR, lambdaFunctions, STAGES, usePackages, type Resource, type Template } from './packages';

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

  it('lets the functions open HTTPS connections only, and nothing connect to them', () => {
    const group = vpc.Resources['FunctionSecurityGroup']?.Properties ?? {};
    assert.equal(group['SecurityGroupIngress'], undefined);
    assert.deepEqual(group['SecurityGroupEgress'].map((rule: Record<string, unknown>) => [rule['IpProtocol'], rule['FromPort'], rule['ToPort']]), [['tcp', 443, 443]]);
  });

  describe('in the service', function () {
    const packages = usePackages();

    for (const stage of STAGES) {
      it(`${stage}: the functions run ${stage === 'prod' ? 'in the VPC, on ids the VPC stack exports' : 'outside any VPC'}`, () => {
        const inVpc = packages[stage].state.service.custom.settings['runInVpc'] === true;
        assert.equal(inVpc, stage === 'prod', 'config/<stage>.yml runInVpc');
        const exported = new Set(Object.values(vpc.Outputs).map((output) => output.Export.Name['Fn::Sub'].replace('${AWS::StackName}', `session-api-${stage}-vpc`)));
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
