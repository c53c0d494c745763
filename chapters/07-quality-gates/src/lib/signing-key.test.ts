import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import proxyquire from 'proxyquire';
import { keyFromBytes, MIN_KEY_BYTES } from './signing-key';

type SigningKeyModule = typeof import('./signing-key');

/** A fresh copy of the module, its cache empty. */
function freshModule(): SigningKeyModule {
  return proxyquire<SigningKeyModule>('./signing-key', {});
}

describe('signing-key', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it(`refuses keys shorter than ${MIN_KEY_BYTES} bytes (256 bits)`, () => {
    assert.throws(() => keyFromBytes(randomBytes(31)), /256 bits/);
    assert.equal(keyFromBytes(randomBytes(32)).symmetricKeySize, 32);
  });

  it('uses the key the local stack generated', async () => {
    const bytes = randomBytes(32);
    process.env['LOCAL_SIGNING_KEY'] = bytes.toString('base64');
    const key = await freshModule().signingKey();
    assert.deepEqual(key.export(), bytes);
  });

  it('reads the key once per container and caches it', async () => {
    process.env['LOCAL_SIGNING_KEY'] = randomBytes(32).toString('base64');
    const module = freshModule();
    const first = await module.signingKey();
    process.env['LOCAL_SIGNING_KEY'] = randomBytes(32).toString('base64');
    assert.equal(await module.signingKey(), first);
  });

  it('fails clearly when no key is configured', async () => {
    delete process.env['LOCAL_SIGNING_KEY'];
    await assert.rejects(freshModule().signingKey(), /No signing key configured/);
  });
});
