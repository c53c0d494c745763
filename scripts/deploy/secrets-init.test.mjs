// @ts-check
/** `npm run secrets:init` against a sinon stub of the SSM client: no AWS account is involved. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import sinon from 'sinon';
import { initSigningKey, main, newSigningKey } from './secrets-init.mjs';

/** The credentials check (preflight.mjs, tested on its own), as when they are fine. */
const credentials = async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/learner' });

const alreadyExists = () => Object.assign(new Error('The parameter already exists.'), { name: 'ParameterAlreadyExists' });

/** @param {sinon.SinonStub} send @param {number} call */
const inputOf = (send, call) => /** @type {import('@aws-sdk/client-ssm').PutParameterCommand} */ (send.getCall(call).args[0]).input;

describe('deploy scripts: secrets-init', () => {
  // The scripts work on the app in the folder they run in, as npm runs them: here final/.
  const startedIn = process.cwd();
  before(() => process.chdir(fileURLToPath(new URL('../../final', import.meta.url))));
  after(() => process.chdir(startedIn));
  it('makes 256 random bits, base64 as src/lib/signing-key.ts reads them', () => {
    const key = newSigningKey();
    assert.equal(Buffer.from(key, 'base64').byteLength, 32);
    assert.notEqual(newSigningKey(), key);
  });

  it('creates the key as a tagged SecureString, never overwriting', async () => {
    const send = sinon.stub().resolves({});
    const outcome = await initSigningKey({ send }, { parameterName: '/session-api/dev/signing-key', stage: 'dev', deployment: 'session-api', rotate: false, key: 'k' });
    assert.equal(outcome, 'created');
    assert.deepEqual(inputOf(send, 0), {
      Name: '/session-api/dev/signing-key',
      Value: 'k',
      Type: 'SecureString',
      Overwrite: false,
      Description: 'Signing key of session-api, stage dev (npm run secrets:init)',
      Tags: [
        { Key: 'project', Value: 'session-api' },
        { Key: 'stage', Value: 'dev' },
      ],
    });
  });

  it('leaves an existing key alone', async () => {
    const send = sinon.stub().rejects(alreadyExists());
    assert.equal(await initSigningKey({ send }, { parameterName: '/p', stage: 'dev', deployment: 'session-api', rotate: false }), 'kept');
    sinon.assert.calledOnce(send);
  });

  it('replaces the key only with --rotate', async () => {
    const send = sinon.stub().resolves({});
    assert.equal(await initSigningKey({ send }, { parameterName: '/p', stage: 'dev', deployment: 'session-api', rotate: true, key: 'k2' }), 'rotated');
    assert.deepEqual(inputOf(send, 0), { Name: '/p', Value: 'k2', Type: 'SecureString', Overwrite: true });
  });

  it('passes any other SSM error on', async () => {
    const send = sinon.stub().rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await assert.rejects(initSigningKey({ send }, { parameterName: '/p', stage: 'dev', deployment: 'session-api', rotate: false }), /denied/);
  });

  it('npm run secrets:init -- --stage dev: creates the parameter config/dev.yml names, and never prints the key', async () => {
    const send = sinon.stub().resolves({});
    const lines = /** @type {string[]} */ ([]);
    assert.equal(await main(['--stage', 'dev'], { ssm: { send }, log: (line) => lines.push(line), credentials }), 0);
    const { Name, Value } = inputOf(send, 0);
    assert.equal(Name, '/session-api/dev/signing-key');
    assert.deepEqual(lines, ['Created the signing key /session-api/dev/signing-key (us-east-1).']);
    assert.ok(Value && !lines.join('\n').includes(Value));
  });

  it('npm run secrets:init -- --stage prod --rotate: says that every session has ended', async () => {
    const lines = /** @type {string[]} */ ([]);
    await main(['--stage', 'prod', '--rotate'], { ssm: { send: sinon.stub().resolves({}) }, log: (line) => lines.push(line), credentials });
    assert.match(lines.join('\n'), /Replaced the signing key \/session-api\/prod\/signing-key .*every session of stage prod has ended/);
  });

  it('--dry-run calls nothing', async () => {
    const send = sinon.stub();
    const lines = /** @type {string[]} */ ([]);
    const check = sinon.stub();
    await main(['--stage', 'test', '--dry-run'], { ssm: { send }, log: (line) => lines.push(line), credentials: check });
    sinon.assert.notCalled(send);
    sinon.assert.notCalled(check);
    assert.match(lines.join('\n'), /Would check the AWS credentials, then create, unless it exists, the SecureString \/session-api\/test\/signing-key/);
  });

  it('npm run secrets:init -- --stage dev --name ada: the key of that deployment, tagged with it; checks the credentials before anything', async () => {
    const send = sinon.stub().resolves({});
    const check = sinon.stub().resolves({});
    const lines = /** @type {string[]} */ ([]);
    await main(['--stage', 'dev', '--name', 'ada', '--region', 'eu-west-1'], { ssm: { send }, log: (line) => lines.push(line), credentials: check });
    assert.equal(inputOf(send, 0).Name, '/session-api-ada/dev/signing-key');
    assert.deepEqual(inputOf(send, 0).Tags, [{ Key: 'project', Value: 'session-api-ada' }, { Key: 'stage', Value: 'dev' }]);
    sinon.assert.calledOnceWithExactly(check, 'eu-west-1');
    assert.ok(check.calledBefore(send));
    assert.deepEqual(lines, ['Created the signing key /session-api-ada/dev/signing-key (eu-west-1).']);
  });

  it('sends nothing when the credentials check fails', async () => {
    const send = sinon.stub();
    const check = sinon.stub().rejects(new Error('No AWS credentials: ...'));
    await assert.rejects(main(['--stage', 'dev'], { ssm: { send }, credentials: check }), /No AWS credentials/);
    sinon.assert.notCalled(send);
  });

  for (const argv of [[], ['--stage', 'local'], ['--stage', 'staging'], ['--stage', 'dev', '--force'], ['--stage', 'dev', '--name', 'Ada Lovelace'], ['--stage', 'dev', '--region', 'eu-west1']]) {
    it(`refuses ${JSON.stringify(argv)} as a usage error`, async () => {
      await assert.rejects(main(argv, { ssm: { send: sinon.stub() } }), { name: 'UsageError' });
    });
  }
});
