// @ts-check
/** `npm run account:init` with sinon stubs of API Gateway and CloudFormation. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import sinon from 'sinon';
import { ACCOUNT_STACK, main, templateFile } from './account-init.mjs';

/** The credentials check (preflight.mjs, tested on its own), as when they are fine. */
const credentials = async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/learner' });

describe('deploy scripts: account-init', () => {
  // The scripts work on the app in the folder they run in, as npm runs them: here final/.
  const startedIn = process.cwd();
  before(() => process.chdir(fileURLToPath(new URL('../../final', import.meta.url))));
  after(() => process.chdir(startedIn));

  it('leaves an account whose API Gateway has a role alone', async () => {
    const cloudFormation = { send: sinon.stub() };
    const lines = /** @type {string[]} */ ([]);
    const apiGateway = { send: sinon.stub().resolves({ cloudwatchRoleArn: 'arn:aws:iam::123456789012:role/theirs' }) };
    assert.equal(await main(['--region', 'eu-west-1'], { apiGateway, cloudFormation, credentials, log: (line) => lines.push(line) }), 0);
    sinon.assert.notCalled(cloudFormation.send);
    assert.deepEqual(lines, ['API Gateway writes logs in eu-west-1 with arn:aws:iam::123456789012:role/theirs already: nothing to do.']);
  });

  it('creates session-api-account from infra/account.yml when it has none, and waits for it', async () => {
    let created = false;
    const cloudFormation = {
      send: sinon.stub().callsFake(async (/** @type {object} */ command) => {
        if (command instanceof DescribeStacksCommand) {
          if (!created) throw Object.assign(new Error(`Stack with id ${ACCOUNT_STACK} does not exist`), { name: 'ValidationError' });
          return { Stacks: [{ StackName: ACCOUNT_STACK, StackStatus: 'CREATE_COMPLETE' }] };
        }
        if (command instanceof CreateStackCommand) return (created = true), {};
        throw new Error(`unexpected ${command.constructor.name}`);
      }),
    };
    const lines = /** @type {string[]} */ ([]);
    await main([], { apiGateway: { send: sinon.stub().resolves({}) }, cloudFormation, credentials, log: (line) => lines.push(line) });
    const create = cloudFormation.send.getCalls().map((call) => call.args[0]).find((command) => command instanceof CreateStackCommand);
    assert.ok(create, 'a stack was created');
    assert.equal(create.input.StackName, 'session-api-account');
    assert.equal(create.input.TemplateBody, readFileSync(templateFile(), 'utf8'));
    assert.deepEqual(create.input.Capabilities, ['CAPABILITY_IAM']);
    assert.equal(lines.at(-1), 'Stack session-api-account: created.');
  });

  it('--dry-run asks nothing', async () => {
    const apiGateway = { send: sinon.stub() };
    const lines = /** @type {string[]} */ ([]);
    await main(['--dry-run'], { apiGateway, credentials: sinon.stub(), log: (line) => lines.push(line) });
    sinon.assert.notCalled(apiGateway.send);
    assert.match(lines[0] ?? '', /^Would check the AWS credentials and whether API Gateway has a role to write logs with in us-east-1/);
  });
});
