// @ts-check
/** `npm run remove` with sinon stubs for serverless and the AWS clients. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import sinon from 'sinon';
import { main, taggedResources } from './remove.mjs';

/** The credentials check (preflight.mjs, tested on its own), as when they are fine. */
const credentials = async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/learner' });

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/session-api-prod-users';
const KEY_ARN = 'arn:aws:ssm:us-east-1:123456789012:parameter/session-api/prod/signing-key';

/** Two pages of leftovers, as the Resource Groups Tagging API answers them. */
function fakeTagging() {
  const send = sinon.stub();
  send.onFirstCall().resolves({ ResourceTagMappingList: [{ ResourceARN: TABLE_ARN }], PaginationToken: 'page-2' });
  send.onSecondCall().resolves({ ResourceTagMappingList: [{ ResourceARN: KEY_ARN }], PaginationToken: '' });
  return { send };
}

/** A CloudFormation client whose stack is gone once DeleteStack was sent. */
function fakeCloudFormation() {
  const send = sinon.stub().callsFake(async (/** @type {object} */ command) => {
    if (command instanceof DeleteStackCommand) return {};
    if (command instanceof DescribeStacksCommand) throw Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError' });
    throw new Error(`unexpected ${command.constructor.name}`);
  });
  return { send };
}

describe('deploy scripts: remove', () => {
  // The scripts work on the app in the folder they run in, as npm runs them: here final/.
  const startedIn = process.cwd();
  before(() => process.chdir(fileURLToPath(new URL('../../final', import.meta.url))));
  after(() => process.chdir(startedIn));
  it('lists every resource still tagged for the stage, across pages', async () => {
    const tagging = fakeTagging();
    assert.deepEqual(await taggedResources(tagging, 'prod', 'session-api'), [TABLE_ARN, KEY_ARN]);
    const first = /** @type {import('@aws-sdk/client-resource-groups-tagging-api').GetResourcesCommand} */ (tagging.send.firstCall.args[0]);
    assert.deepEqual(first.input.TagFilters, [
      { Key: 'project', Values: ['session-api'] },
      { Key: 'stage', Values: ['prod'] },
    ]);
    assert.equal(/** @type {import('@aws-sdk/client-resource-groups-tagging-api').GetResourcesCommand} */ (tagging.send.secondCall.args[0]).input.PaginationToken, 'page-2');
  });

  it('npm run remove -- --stage prod --vpc --signing-key: the stack, then the VPC stack, the key, and lists what is left', async () => {
    const serverless = sinon.stub().returns(0);
    const cloudFormation = fakeCloudFormation();
    const ssm = { send: sinon.stub().resolves({}) };
    const lines = /** @type {string[]} */ ([]);
    const status = await main(['--stage', 'prod', '--vpc', '--signing-key'], { serverless, cloudFormation, ssm, tagging: fakeTagging(), log: (line) => lines.push(line), credentials });
    assert.equal(status, 0);
    assert.deepEqual(serverless.firstCall.args[0], ['remove', '--stage', 'prod', '--region', 'us-east-1']);
    assert.equal(serverless.firstCall.args[1].deployment, 'session-api');
    assert.deepEqual(/** @type {DeleteStackCommand} */ (cloudFormation.send.firstCall.args[0]).input, { StackName: 'session-api-prod-vpc' });
    assert.deepEqual(/** @type {import('@aws-sdk/client-ssm').DeleteParameterCommand} */ (ssm.send.firstCall.args[0]).input, { Name: '/session-api/prod/signing-key' });
    assert.ok(serverless.calledBefore(cloudFormation.send), 'the service goes first: it imports from the VPC stack');
    const output = lines.join('\n');
    assert.match(output, /tables of prod are kept/);
    assert.match(output, /log groups of prod are kept/);
    assert.match(output, /Still tagged project=session-api, stage=prod in us-east-1:/);
    assert.ok(output.includes(`  ${TABLE_ARN}`));
  });

  it('npm run remove -- --stage dev: only the service stack; says when nothing is left', async () => {
    const cloudFormation = fakeCloudFormation();
    const ssm = { send: sinon.stub() };
    const tagging = { send: sinon.stub().resolves({ ResourceTagMappingList: [] }) };
    const lines = /** @type {string[]} */ ([]);
    await main(['--stage', 'dev'], { serverless: () => 0, cloudFormation, ssm, tagging, log: (line) => lines.push(line), credentials });
    sinon.assert.notCalled(cloudFormation.send);
    sinon.assert.notCalled(ssm.send);
    assert.deepEqual(lines, ['Nothing tagged project=session-api, stage=dev is left in us-east-1.']);
  });

  it('stops when serverless remove fails', async () => {
    const tagging = { send: sinon.stub() };
    assert.equal(await main(['--stage', 'dev', '--vpc'], { serverless: () => 1, tagging, log: () => {}, credentials }), 1);
    sinon.assert.notCalled(tagging.send);
  });

  it('npm run remove -- --stage dev --name ada --account: that deployment only, then the account\'s logging role; checks the credentials first', async () => {
    const serverless = sinon.stub().returns(0);
    const cloudFormation = fakeCloudFormation();
    const tagging = { send: sinon.stub().resolves({ ResourceTagMappingList: [] }) };
    const check = sinon.stub().resolves({});
    const lines = /** @type {string[]} */ ([]);
    await main(['--stage', 'dev', '--name', 'ada', '--account'], { serverless, cloudFormation, tagging, log: (line) => lines.push(line), credentials: check });
    assert.ok(check.calledBefore(serverless));
    assert.equal(serverless.firstCall.args[1].deployment, 'session-api-ada');
    assert.deepEqual(/** @type {DeleteStackCommand} */ (cloudFormation.send.firstCall.args[0]).input, { StackName: 'session-api-account' });
    assert.deepEqual(/** @type {import('@aws-sdk/client-resource-groups-tagging-api').GetResourcesCommand} */ (tagging.send.firstCall.args[0]).input.TagFilters?.[0], { Key: 'project', Values: ['session-api-ada'] });
    assert.equal(lines.at(-1), 'Nothing tagged project=session-api-ada, stage=dev is left in us-east-1.');
  });

  it('--dry-run calls nothing', async () => {
    const tagging = { send: sinon.stub() };
    const cloudFormation = { send: sinon.stub() };
    const lines = /** @type {string[]} */ ([]);
    const check = sinon.stub();
    await main(['--stage', 'test', '--vpc', '--dry-run'], { cloudFormation, tagging, log: (line) => lines.push(line), credentials: check });
    sinon.assert.notCalled(check);
    sinon.assert.notCalled(tagging.send);
    sinon.assert.notCalled(cloudFormation.send);
    assert.deepEqual(lines, [
      'Would run (in final/): serverless remove --stage test --region us-east-1',
      'Would delete stack session-api-test-vpc (us-east-1).',
      'Would list the resources still tagged project=session-api, stage=test (us-east-1).',
    ]);
  });
});
