import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import proxyquire from 'proxyquire';
import sinon from 'sinon';
import { keyFromBytes, MIN_KEY_BYTES, readKeyFromSsm } from './signing-key';

type SigningKeyModule = typeof import('./signing-key');

/** A fresh copy of the module (its cache empty), with the SSM client replaced by a stub. */
function freshModule(send: sinon.SinonStub): SigningKeyModule {
  return proxyquire.noCallThru().load<SigningKeyModule>('./signing-key', {
    '@aws-sdk/client-ssm': { GetParameterCommand, SSMClient: class { send = send; } },
  });
}

describe('signing-key', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    sinon.restore();
  });

  it(`refuses keys shorter than ${MIN_KEY_BYTES} bytes (256 bits)`, () => {
    assert.throws(() => keyFromBytes(randomBytes(31)), /256 bits/);
    assert.equal(keyFromBytes(randomBytes(32)).symmetricKeySize, 32);
  });

  it('reads a SecureString from SSM with decryption', async () => {
    const bytes = randomBytes(32);
    const send = sinon.stub().resolves({ Parameter: { Value: bytes.toString('base64') } });
    const key = await readKeyFromSsm({ send } as never, '/session-api/dev/signing-key');
    assert.deepEqual(key.export(), bytes);
    const command = send.firstCall.args[0] as GetParameterCommand;
    assert.deepEqual(command.input, { Name: '/session-api/dev/signing-key', WithDecryption: true });
  });

  it('fails clearly when the parameter is empty', async () => {
    const send = sinon.stub().resolves({ Parameter: {} });
    await assert.rejects(readKeyFromSsm({ send } as never, '/p'), /has no value/);
  });

  it('loads from SSM once per container and caches the key', async () => {
    process.env['SIGNING_KEY_PARAMETER'] = '/session-api/dev/signing-key';
    const send = sinon.stub().resolves({ Parameter: { Value: randomBytes(32).toString('base64') } });
    const module = freshModule(send);
    const [first, second] = [await module.signingKey(), await module.signingKey()];
    assert.equal(first, second);
    sinon.assert.calledOnce(send);
  });

  it('tries SSM again on the next request after a failed load', async () => {
    process.env['SIGNING_KEY_PARAMETER'] = '/p';
    const send = sinon.stub();
    send.onFirstCall().rejects(new Error('SSM unavailable'));
    send.onSecondCall().resolves({ Parameter: { Value: randomBytes(32).toString('base64') } });
    const module = freshModule(send);
    await assert.rejects(module.signingKey(), /SSM unavailable/);
    assert.equal((await module.signingKey()).symmetricKeySize, 32);
  });

  it('uses the key the local stack generated when there is no SSM parameter', async () => {
    delete process.env['SIGNING_KEY_PARAMETER'];
    const bytes = randomBytes(32);
    process.env['LOCAL_SIGNING_KEY'] = bytes.toString('base64');
    const key = await freshModule(sinon.stub()).signingKey();
    assert.deepEqual(key.export(), bytes);
  });

  it('fails clearly when no key is configured', async () => {
    delete process.env['SIGNING_KEY_PARAMETER'];
    delete process.env['LOCAL_SIGNING_KEY'];
    await assert.rejects(freshModule(sinon.stub()).signingKey(), /No signing key configured/);
  });
});
