/**
 * A room can share an AWS account: a deployment's name goes into every name AWS holds for it.
 * The test stage is packaged as the deployment session-api-room (`npm run package -- --name
 * room`, packages.ts), the others as session-api; every name that must be unique in an account
 * and region (functions, tables, log groups, alarms, the topic, the API whose name the alarms
 * read), the roles' paths, the signing key's parameter, the tags and the stack carry it, so that
 * two deployments, or workspace/ and final/ under two names, never touch each other's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { APP_DIR, DEPLOYMENTS, NAME, resourcesOfType, STAGES, usePackages, type Json } from './packages';

/** The properties that name a resource in the whole account and region (or that metrics are keyed by). */
const ACCOUNT_WIDE_NAMES: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::ApiGateway::RestApi': 'Name',
  'AWS::WAFv2::WebACL': 'Name',
};

describe('deploy: the deployment\'s name is in every name (a room shares an account)', function () {
  const packages = usePackages();

  for (const stage of STAGES) {
    const deployment = DEPLOYMENTS[stage];
    describe(`${stage} (${deployment})`, () => {
      it(`puts ${deployment}-${stage} into every name that must be unique in the account`, () => {
        const template = packages[stage].template;
        const names: string[] = [];
        for (const [type, property] of Object.entries(ACCOUNT_WIDE_NAMES)) {
          for (const [id, resource] of resourcesOfType(template, type)) {
            const name = resource.Properties?.[property];
            assert.equal(typeof name, 'string', `${id}.${property}`);
            // The API is named <stage>-<deployment> by the Serverless Framework.
            assert.ok(name.includes(`${deployment}-${stage}`) || name === `${stage}-${deployment}`, `${id}: ${name}`);
            names.push(name);
          }
        }
        assert.ok(names.length >= 40, `only ${names.length} names`);
        assert.equal(new Set(names.filter((name) => !name.startsWith('/aws/'))).size, names.filter((name) => !name.startsWith('/aws/')).length, 'no two alike');
      });

      it('gives the roles the deployment\'s path, and the functions its signing key', () => {
        const template = packages[stage].template;
        for (const [id, role] of resourcesOfType(template, 'AWS::IAM::Role')) assert.equal(role.Properties?.['Path'], `/${deployment}/${stage}/`, id);
        const keys = new Set(resourcesOfType(template, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties?.['Environment'].Variables.SIGNING_KEY_PARAMETER).filter(Boolean));
        assert.deepEqual([...keys], [`/${deployment}/${stage}/signing-key`]);
        assert.equal(packages[stage].state.service.provider['stackTags'].project, deployment);
      });
    });
  }

  it(`the named deployment holds nothing of the unnamed one: no session-api-test, no /session-api/test/`, () => {
    const everything = JSON.stringify(packages.test.template);
    assert.doesNotMatch(everything, /session-api-test|\/session-api\/test\/|"test-session-api"/);
    assert.match(everything, new RegExp(`session-api-${NAME}-test`));
  });

  it('deploys the named package to its own stack, telling serverless its name (npm run deploy --dry-run)', () => {
    const result = spawnSync(process.execPath, [require.resolve('@session-api/deploy/bin/app-deploy.mjs'), '--stage', 'test', '--package', packages.test.dir, '--dry-run'], { cwd: APP_DIR, encoding: 'utf8' });
    const output: Json = result.stdout + result.stderr;
    assert.equal(result.status, 0, output);
    assert.match(output, new RegExp(`to stack session-api-${NAME}-test \\(us-east-1\\)`));
    assert.match(output, new RegExp(`SESSION_API_DEPLOYMENT=session-api-${NAME} serverless deploy --stage test`));
    // Another name on the command line than the package's: refused, with the command that fixes it.
    const other = spawnSync(process.execPath, [require.resolve('@session-api/deploy/bin/app-deploy.mjs'), '--stage', 'test', '--name', 'ada', '--package', packages.test.dir, '--dry-run'], { cwd: APP_DIR, encoding: 'utf8' });
    assert.equal(other.status, 2);
    assert.match(other.stderr, /built for the deployment session-api-room, not session-api-ada: package it with npm run package -- --stage test --name ada/);
  });
});
