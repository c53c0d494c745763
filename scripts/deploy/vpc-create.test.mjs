// @ts-check
/** `npm run vpc:create` against a sinon stub of the CloudFormation client. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { CreateStackCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import sinon from 'sinon';
import { createOrUpdateStack, main, stackRequest, templateFile } from './vpc-create.mjs';

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

  it('asks for the stack session-api-<stage>-vpc from infra/vpc.yml, tagged, without NAT by default', () => {
    const request = stackRequest('prod', false);
    assert.equal(request.StackName, 'session-api-prod-vpc');
    assert.equal(request.TemplateBody, readFileSync(templateFile(), 'utf8'));
    assert.deepEqual(request.Parameters, [{ ParameterKey: 'NatGateways', ParameterValue: 'false' }]);
    assert.deepEqual(request.Tags, [
      { Key: 'project', Value: 'session-api' },
      { Key: 'stage', Value: 'prod' },
    ]);
    assert.equal(stackRequest('prod', true).Parameters[0]?.ParameterValue, 'true');
  });

  it('creates a missing stack and waits until it is complete', async () => {
    const cloudFormation = fakeCloudFormation({ exists: false });
    assert.equal(await createOrUpdateStack(cloudFormation, stackRequest('dev', false)), 'created');
    assert.equal(sentOf(cloudFormation.send, CreateStackCommand).length, 1);
    assert.ok(sentOf(cloudFormation.send, DescribeStacksCommand).length >= 2, 'it polled the stack');
  });

  it('updates an existing stack', async () => {
    const cloudFormation = fakeCloudFormation({ exists: true });
    assert.equal(await createOrUpdateStack(cloudFormation, stackRequest('dev', true)), 'updated');
    assert.equal(sentOf(cloudFormation.send, UpdateStackCommand).length, 1);
  });

  it('reports an up-to-date stack as unchanged', async () => {
    const update = async () => Promise.reject(Object.assign(new Error('No updates are to be performed.'), { name: 'ValidationError' }));
    assert.equal(await createOrUpdateStack(fakeCloudFormation({ exists: true, update }), stackRequest('dev', false)), 'unchanged');
  });

  it('npm run vpc:create -- --stage prod --nat-gateways: creates the stack with NAT gateways', async () => {
    const cloudFormation = fakeCloudFormation({ exists: false });
    const lines = /** @type {string[]} */ ([]);
    assert.equal(await main(['--stage', 'prod', '--nat-gateways'], { cloudFormation, log: (line) => lines.push(line) }), 0);
    const [create] = sentOf(cloudFormation.send, CreateStackCommand);
    assert.equal(create.input.Parameters[0].ParameterValue, 'true');
    assert.match(lines.at(-1) ?? '', /Stack session-api-prod-vpc: created/);
  });

  it('--dry-run calls nothing, and warns when the stage does not run in a VPC', async () => {
    const cloudFormation = fakeCloudFormation({ exists: false });
    const lines = /** @type {string[]} */ ([]);
    await main(['--stage', 'dev', '--dry-run'], { cloudFormation, log: (line) => lines.push(line) });
    sinon.assert.notCalled(cloudFormation.send);
    assert.match(lines.join('\n'), /runInVpc: false[\s\S]*Would create or update stack session-api-dev-vpc \(us-east-1\)/);
  });
});
