/**
 * Least privilege, read from the packaged templates: each function has its own role, and that
 * role allows exactly the calls of the table below, on exactly those resources. Any widening (a
 * new action, another table, a wildcard, a shared role, a managed policy) fails here, and so does
 * a permission that is no longer needed. The table matches the code: which DynamoDB commands
 * each function's modules send (src/lib/users.ts, sessions.ts, login-throttle.ts) and which
 * functions read the signing key (src/lib/signing-key.ts).
 */
import assert from 'node:assert/strict';
import { lambdaFunctions, resourcesOfType, STAGES, usePackages, type Package } from './packages';

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

function permissionsOf(pkg: Package, functionName: string): string[] {
  const fn = lambdaFunctions(pkg.template).get(functionName);
  assert.ok(fn, `no function ${functionName}`);
  const roleId = (fn.Properties?.['Role'] as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
  assert.ok(roleId, `${functionName} has no role of its own`);
  const role = pkg.template.Resources[roleId];
  assert.equal(role?.Type, 'AWS::IAM::Role');
  const parameter = pkg.state.service.custom.settings['signingKeyParameter'] as string;
  const signingKeyArn = `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${parameter}`;

  const permissions: string[] = [];
  for (const policy of role.Properties?.['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]) {
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

      it('attaches no other policy to the roles', () => {
        assert.deepEqual(resourcesOfType(packages[stage].template, 'AWS::IAM::Policy'), []);
        assert.deepEqual(resourcesOfType(packages[stage].template, 'AWS::IAM::ManagedPolicy'), []);
        for (const [id, role] of resourcesOfType(packages[stage].template, 'AWS::IAM::Role')) {
          // No managed policy either: every permission is written out in infra/iam-roles.yml.
          assert.equal(role.Properties?.['ManagedPolicyArns'], undefined, id);
          assert.equal(role.Properties?.['PermissionsBoundary'], undefined, id);
        }
      });

      it('lets only Lambda assume the roles', () => {
        for (const [id, role] of resourcesOfType(packages[stage].template, 'AWS::IAM::Role')) {
          assert.deepEqual(role.Properties?.['AssumeRolePolicyDocument'].Statement, [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }], id);
        }
      });

      it('grants no Scan, no wildcard and no KMS anywhere in the template', () => {
        const text = JSON.stringify(packages[stage].template);
        assert.doesNotMatch(text, /dynamodb:Scan|dynamodb:Query|dynamodb:\*|ssm:\*|kms:/);
        assert.doesNotMatch(text, /"(Action|Resource)":\s*"\*"|"\*"\]/);
      });
    });
  }
});
