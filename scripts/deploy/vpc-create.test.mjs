// @ts-check
/** `npm run vpc:create` against a sinon stub of the CloudFormation client. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { CreateStackCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import sinon from 'sinon';
import { createOrUpdateStack, dynamoDbPrefixList, main, stackRequest, templateFile } from './vpc-create.mjs';

/** The credentials check (preflight.mjs, tested on its own), as when they are fine. */
const credentials = async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/learner' });
/** EC2, answering the prefix list of DynamoDB in any region. */
const fakeEc2 = () => ({ send: sinon.stub().callsFake(async (/** @type {import('@aws-sdk/client-ec2').DescribePrefixListsCommand} */ command) => ({ PrefixLists: [{ PrefixListId: 'pl-02cd2c6b', PrefixListName: command.input.Filters?.[0]?.Values?.[0] }] })) });
const request = (/** @type {Partial<Parameters<typeof stackRequest>[0]>} */ given = {}) => stackRequest({ deployment: 'session-api', stage: 'dev', natGateways: false, dynamoDbPrefixList: 'pl-02cd2c6b', ...given });

const notFound = () => Object.assign(new Error('Stack with id session-api-dev-vpc does not exist'), { name: 'ValidationError' });

/**
 * A CloudFormation client whose stack is missing at first, then in `finalStatus`.
 * @param {{ exists: boolean, update?: () => Promise<unknown> }} options
 */
function fakeCloudFormation({ exists, update = async () => ({}) }) {
  let created = exists;
  const send = sinon.stub().callsFake(async (/** @type {object} */ command) => {
    if (command instanceof DescribeStacksCommand) {
      if (!created) throw notFound();
      return { Stacks: [{ StackName: 'session-api-dev-vpc', StackStatus: exists ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE' }] };
    }
    if (command instanceof CreateStackCommand) {
      created = true;
      return { StackId: 'arn:stack' };
    }
    if (command instanceof UpdateStackCommand) return update();
    throw new Error(`unexpected ${command.constructor.name}`);
  });
  return { send };
}

/** @param {sinon.SinonStub} send @param {Function} type */
const sentOf = (send, type) => send.getCalls().map((call) => call.args[0]).filter((command) => command instanceof type);

describe('deploy scripts: vpc-create', () => {
  // The scripts work on the app in the folder they run in, as npm runs them: here final/.
  const startedIn = process.cwd();
  before(() => process.chdir(fileURLToPath(new URL('../../final', import.meta.url))));
  after(() => process.chdir(startedIn));

  it('asks for the stack <deployment>-<stage>-vpc from infra/vpc.yml, tagged, for that deployment, without NAT by default', () => {
    const prod = request({ stage: 'prod' });
    assert.equal(prod.StackName, 'session-api-prod-vpc');
    assert.equal(prod.TemplateBody, readFileSync(templateFile(), 'utf8'));
    assert.deepEqual(prod.Parameters, [
      { ParameterKey: 'Service', ParameterValue: 'session-api' },
      { ParameterKey: 'Stage', ParameterValue: 'prod' },
      { ParameterKey: 'DynamoDbPrefixList', ParameterValue: 'pl-02cd2c6b' },
      { ParameterKey: 'NatGateways', ParameterValue: 'false' },
    ]);
    assert.deepEqual(prod.Tags, [
      { Key: 'project', Value: 'session-api' },
      { Key: 'stage', Value: 'prod' },
    ]);
    assert.equal(request({ natGateways: true }).Parameters.at(-1)?.ParameterValue, 'true');
    assert.equal(request({ deployment: 'session-api-ada' }).StackName, 'session-api-ada-dev-vpc');
  });

  it('looks up the region\'s DynamoDB prefix list by its name', async () => {
    const ec2 = fakeEc2();
    assert.equal(await dynamoDbPrefixList(ec2, 'eu-west-1'), 'pl-02cd2c6b');
    assert.deepEqual(/** @type {import('@aws-sdk/client-ec2').DescribePrefixListsCommand} */ (ec2.send.firstCall.args[0]).input, { Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.eu-west-1.dynamodb'] }] });
    await assert.rejects(dynamoDbPrefixList({ send: sinon.stub().resolves({ PrefixLists: [] }) }, 'eu-west-1'), /no prefix list com\.amazonaws\.eu-west-1\.dynamodb/);
  });

  it('creates a missing stack and waits until it is complete', async () => {
    const cloudFormation = fakeCloudFormation({ exists: false });
    assert.equal(await createOrUpdateStack(cloudFormation, request()), 'created');
    assert.equal(sentOf(cloudFormation.send, CreateStackCommand).length, 1);
    assert.ok(sentOf(cloudFormation.send, DescribeStacksCommand).length >= 2, 'it polled the stack');
  });

  it('updates an existing stack', async () => {
    const cloudFormation = fakeCloudFormation({ exists: true });
    assert.equal(await createOrUpdateStack(cloudFormation, request({ natGateways: true })), 'updated');
    assert.equal(sentOf(cloudFormation.send, UpdateStackCommand).length, 1);
  });

  it('reports an up-to-date stack as unchanged', async () => {
    const update = async () => Promise.reject(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));
    assert.equal(await createOrUpdateStack(fakeCloudFormation({ exists: true, update }), request()), 'unchanged');
  });

  it('npm run vpc:create -- --stage prod --nat-gateways: creates the stack with NAT gateways', async () => {
    const cloudFormation = fakeCloudFormation({ exists: false });
    const lines = /** @type {string[]} */ ([]);
    assert.equal(await main(['--stage', 'prod', '--nat-gateways'], { cloudFormation, ec2: fakeEc2(), log: (line) => lines.push(line), credentials }), 0);
    const [create] = sentOf(cloudFormation.send, CreateStackCommand);
    assert.deepEqual(create.input.Parameters.map((/** @type {{ParameterValue: string}} */ parameter) => parameter.ParameterValue), ['session-api', 'prod', 'pl-02cd2c6b', 'true']);
    assert.match(lines.at(-1) ?? '', /Stack session-api-prod-vpc: created/);
  });

  it('--dry-run calls nothing, and warns when the stage does not run in a VPC', async () => {
    const cloudFormation = fakeCloudFormation({ exists: false });
    const lines = /** @type {string[]} */ ([]);
    const ec2 = fakeEc2();
    const check = sinon.stub();
    await main(['--stage', 'dev', '--dry-run'], { cloudFormation, ec2, log: (line) => lines.push(line), credentials: check });
    sinon.assert.notCalled(cloudFormation.send);
    sinon.assert.notCalled(ec2.send);
    sinon.assert.notCalled(check);
    assert.match(lines.join('\n'), /runInVpc: false[\s\S]*Would check the AWS credentials, look up the DynamoDB prefix list of us-east-1, and create or update stack session-api-dev-vpc \(us-east-1\)/);
  });
});
