// @ts-check
/**
 * The checks before a deploy (preflight.mjs) and the command line's region and name
 * (common.mjs): each failure is one line that says what is wrong and what to type. The profile
 * files are real files in a temporary folder, read by the AWS SDK's own reader; STS, SSM,
 * CloudFormation and API Gateway are sinon stubs, so nothing leaves this machine. (The
 * Troubleshooting page's test makes the real commands print these same messages.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { chooseRegion, deploymentName, nameOption, parseOptions } from './common.mjs';
import { checkApiGatewayLogging, checkCredentials, checkSigningKey, checkVpcStack, PreflightError } from './preflight.mjs';

const IDENTITY = { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ada' };

/** @param {string} name @param {string} message @param {Record<string, unknown>} [more] */
const awsError = (name, message, more = {}) => Object.assign(new Error(message), { name, ...more });

describe('deploy scripts: checks before anything is sent (preflight)', () => {
  /** @type {string} */
  let scratch;
  /** @type {Record<string, string | undefined>} */
  const saved = {};
  const FILE_VARIABLES = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];

  /**
   * Profile files with these profiles (config file style: [default], [profile NAME]).
   * @param {string} config  the config file's text
   * @param {string} [credentials]  the credentials file's text
   */
  function profiles(config, credentials = '') {
    writeFileSync(path.join(scratch, 'config'), config);
    writeFileSync(path.join(scratch, 'credentials'), credentials);
  }

  beforeEach(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'session-api-preflight-'));
    for (const name of FILE_VARIABLES) saved[name] = process.env[name];
    process.env['AWS_CONFIG_FILE'] = path.join(scratch, 'config');
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = path.join(scratch, 'credentials');
    profiles('');
  });
  afterEach(() => {
    for (const name of FILE_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  /**
   * checkCredentials with a terminal's variables, a credentials provider and an STS stub.
   * @param {NodeJS.ProcessEnv} env
   * @param {{ found?: boolean, sts?: sinon.SinonStub }} [aws]
   */
  function check(env, { found = true, sts = sinon.stub().resolves(IDENTITY) } = {}) {
    const credentials = found ? sinon.stub().resolves({ accessKeyId: 'AKIA', secretAccessKey: 's' }) : sinon.stub().rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    return { run: checkCredentials({ region: 'us-east-1', env: { ...process.env, ...env }, sts: { send: sts }, credentials }), sts };
  }

  /** @param {Promise<unknown>} run @param {RegExp} message */
  async function refused(run, message) {
    const error = await run.then(() => assert.fail('the check passed'), (/** @type {Error} */ failure) => failure);
    assert.ok(error instanceof PreflightError, `not a PreflightError: ${error.stack}`);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/, 'one line');
    return error.message;
  }

  describe('credentials', () => {
    it('says who they are: the account and the identity, from STS', async () => {
      const { run, sts } = check({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: '' });
      assert.deepEqual(await run, { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ada' });
      sinon.assert.calledOnce(sts);
    });

    it('none anywhere: says where it looked and how to give some, and asks AWS nothing', async () => {
      const { run, sts } = check({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' }, { found: false });
      const message = await refused(run, /^No AWS credentials: none in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, no AWS_PROFILE, and no profile "default" in .*config or .*credentials\. Fix: export AWS_ACCESS_KEY_ID/);
      assert.ok(message.includes(path.join(scratch, 'config')), 'names the files it read');
      sinon.assert.notCalled(sts);
    });

    it('AWS_PROFILE names a profile the files do not have: names it, and the ones they have', async () => {
      profiles('[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-1\n');
      const { run, sts } = check({ AWS_PROFILE: 'workshop' });
      await refused(run, /^The AWS profile "workshop" \(AWS_PROFILE\) is in neither .* The profiles there: default, dev\. Fix: set AWS_PROFILE to one of yours, or add the profile workshop/);
      sinon.assert.notCalled(sts);
    });

    it('a profile without credentials: says so, with the SDK\'s reason', async () => {
      profiles('[profile workshop]\nregion = eu-west-1\n');
      await refused(check({ AWS_PROFILE: 'workshop' }, { found: false }).run, /^The AWS profile "workshop" holds no credentials the AWS SDK can use \(Could not load credentials from any providers\)\. Fix:/);
    });

    it('credentials AWS refuses (expired, wrong): says whose, and what to do', async () => {
      profiles('', '[workshop]\naws_access_key_id = AKIA\naws_secret_access_key = s\n');
      const sts = sinon.stub().rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
      await refused(check({ AWS_PROFILE: 'workshop' }, { sts }).run, /^AWS refused the credentials of the profile "workshop" \(ExpiredToken: The security token included in the request is expired\)\. Fix: use current keys/);
    });

    it('no network: one line that says so, not a stack trace', async () => {
      const sts = sinon.stub().rejects(awsError('Error', 'getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com', { code: 'ENOTFOUND' }));
      await refused(check({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_PROFILE: '' }, { sts }).run, /^Cannot reach AWS in us-east-1 \(getaddrinfo ENOTFOUND sts\.us-east-1\.amazonaws\.com\)\. Fix: check the network/);
    });
  });

  describe('what the stage needs', () => {
    it('the signing key: missing is one line with the command that creates it; its value is never asked for', async () => {
      const ssm = { send: sinon.stub().rejects(awsError('ParameterNotFound', '')) };
      const fix = 'npm run secrets:init -- --stage dev --region us-east-1';
      await refused(checkSigningKey(ssm, { parameterName: '/session-api/dev/signing-key', region: 'us-east-1', fix }),
        /^The signing key \/session-api\/dev\/signing-key does not exist in us-east-1, and the functions read it at every cold start\. Create it first: npm run secrets:init -- --stage dev --region us-east-1$/);
      assert.deepEqual(/** @type {import('@aws-sdk/client-ssm').GetParameterCommand} */ (ssm.send.firstCall.args[0]).input, { Name: '/session-api/dev/signing-key', WithDecryption: false });
      await checkSigningKey({ send: sinon.stub().resolves({ Parameter: {} }) }, { parameterName: '/p', region: 'us-east-1', fix });
    });

    it('the VPC stack: missing, or not ready, is one line with the command that creates it', async () => {
      const where = { stackName: 'session-api-prod-vpc', stage: 'prod', region: 'us-east-1', fix: 'npm run vpc:create -- --stage prod --region us-east-1' };
      const missing = { send: sinon.stub().rejects(awsError('ValidationError', 'Stack with id session-api-prod-vpc does not exist')) };
      await refused(checkVpcStack(missing, where), /^Stack session-api-prod-vpc does not exist in us-east-1, and prod runs in its VPC \(config\/prod\.yml: runInVpc: true\)\. Create it first: npm run vpc:create -- --stage prod --region us-east-1$/);
      assert.deepEqual(/** @type {import('@aws-sdk/client-cloudformation').DescribeStacksCommand} */ (missing.send.firstCall.args[0]).input, { StackName: 'session-api-prod-vpc' });
      const rolledBack = { send: sinon.stub().resolves({ Stacks: [{ StackStatus: 'ROLLBACK_COMPLETE' }] }) };
      await refused(checkVpcStack(rolledBack, where), /^Stack session-api-prod-vpc is ROLLBACK_COMPLETE, not ready/);
      await checkVpcStack({ send: sinon.stub().resolves({ Stacks: [{ StackStatus: 'UPDATE_COMPLETE' }] }) }, where);
    });

    it('API Gateway\'s role for logs: missing is one line with the command that gives it one', async () => {
      await refused(checkApiGatewayLogging({ send: sinon.stub().resolves({}) }, { region: 'eu-west-1' }),
        /^API Gateway has no role to write logs with in this account's eu-west-1, so the stage's access log cannot be turned on\. Give it one, once per account and region: npm run account:init -- --region eu-west-1$/);
      await checkApiGatewayLogging({ send: sinon.stub().resolves({ cloudwatchRoleArn: 'arn:aws:iam::1:role/logs' }) }, { region: 'eu-west-1' });
    });
  });

  describe('the region and the deployment\'s name (command line)', () => {
    it('takes --region, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1', () => {
      assert.deepEqual(chooseRegion('eu-west-1', { AWS_REGION: 'us-west-2' }), { region: 'eu-west-1', regionSource: '--region' });
      assert.deepEqual(chooseRegion(undefined, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-central-1' }), { region: 'us-west-2', regionSource: 'AWS_REGION' });
      assert.deepEqual(chooseRegion(undefined, { AWS_DEFAULT_REGION: 'eu-central-1' }), { region: 'eu-central-1', regionSource: 'AWS_DEFAULT_REGION' });
      assert.deepEqual(chooseRegion(undefined, {}), { region: 'us-east-1', regionSource: 'the default' });
    });

    it('refuses a region AWS does not have, with the one meant when it can tell', () => {
      assert.throws(() => chooseRegion('eu-west1', {}), { name: 'UsageError', message: '"eu-west1" (--region) is not an AWS region. Did you mean eu-west-1? Fix: --region eu-west-1, with a region such as us-east-1 or eu-west-1.' });
      assert.throws(() => chooseRegion(undefined, { AWS_REGION: 'ireland' }), { message: /^"ireland" \(AWS_REGION\) is not an AWS region\. Fix: AWS_REGION=REGION/ });
      assert.throws(() => chooseRegion('aws-global', {}), /is not an AWS region/);
    });

    it('names the deployment session-api, or session-api-NAME; refuses a name that cannot be part of AWS names', () => {
      assert.equal(deploymentName(undefined), 'session-api');
      assert.equal(deploymentName('ada'), 'session-api-ada');
      assert.equal(nameOption('session-api'), '');
      assert.equal(nameOption('session-api-ada'), ' --name ada');
      for (const bad of ['Ada', 'ada lovelace', '1ada', '', 'a-very-long-name-for-a-stack']) assert.throws(() => deploymentName(bad), { name: 'UsageError', message: /--name/ }, bad);
      const options = parseOptions(['--stage', 'dev', '--name', 'ada'], {}, { env: {} });
      assert.equal(options.deployment, 'session-api-ada');
    });
  });
});
