/**
 * Attacks on the Bearer token of GET /user: `alg: none` and other algorithms than HS256, another
 * key or an edited payload, expired or not-yet-valid tokens, another client's audience, a refresh
 * token used as an access token, `jku` headers pointing elsewhere, and malformed Authorization
 * headers: each is a 401, never a 500. Each forged token starts from
 * a real, working access token and changes ONE thing, so a 401 can only come from that change.
 * A control test first proves that a token this file signs with the real key IS accepted:
 * otherwise every refusal below could be an accident of how the test builds tokens.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { stack } from './hooks';
import { assertProblem, bearer, call, CLI_CLIENT, clientHeader, ISSUER, newSession, NO_TOKEN, REFUSED_TOKEN, refresh, type TokenPair } from './helpers';

type Claims = Record<string, unknown>;

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function claimsOf(token: string): Claims {
  const payload = token.split('.')[1];
  assert.ok(payload, 'not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
}

/** Signs claims as the API does (HS256, real key), after applying `change` to them. */
function signWithRealKey(claims: Claims, change: (claims: Claims) => Claims = (same) => same): string {
  return jwt.sign(change({ ...claims, jti: randomUUID() }), stack().signingKey, { algorithm: 'HS256' });
}

/** A token written by hand: any header, any signature (jsonwebtoken refuses to write these). */
function handMadeToken(header: object, claims: Claims, signature: (signingInput: string) => string): string {
  const signingInput = `${encodeSegment(header)}.${encodeSegment(claims)}`;
  return `${signingInput}.${signature(signingInput)}`;
}

function realHs256Signature(signingInput: string): string {
  return createHmac('sha256', stack().signingKey).update(signingInput).digest('base64url');
}

const nowInSeconds = (): number => Math.floor(Date.now() / 1000);

// [local: ...] in a title keeps a test out of `npm run smoke`: a deployed stage's key is secret.
describe('e2e: forged and tampered access tokens on GET /user [local: signs with the stage key]', () => {
  let tokens: TokenPair;
  let claims: Claims;

  before(async () => {
    ({ tokens } = await newSession());
    claims = claimsOf(tokens.access_token);
  });

  async function assertRefused(token: string): Promise<void> {
    const answer = await call('GET', '/user', { headers: bearer(token) });
    assertProblem(answer, 401);
    // A token was sent and refused (RFC 6750 section 3.1).
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="session-api", error="invalid_token"');
  }

  it('control: the real token, and the same claims signed by this test with the real key, are accepted', async () => {
    assert.equal(claims['iss'], ISSUER);
    assert.equal(claims['token_use'], 'access');
    assert.equal((await call('GET', '/user', { headers: bearer(tokens.access_token) })).status, 200);
    assert.equal((await call('GET', '/user', { headers: bearer(signWithRealKey(claims)) })).status, 200);
  });

  describe('alg "none", in any case: refused whether or not a signature is attached', () => {
    for (const alg of ['none', 'None', 'nOnE', 'NONE']) {
      it(`alg "${alg}" with an empty signature`, async () => {
        await assertRefused(handMadeToken({ alg, typ: 'JWT' }, claims, () => ''));
      });
      it(`alg "${alg}" with the valid HS256 signature attached`, async () => {
        await assertRefused(handMadeToken({ alg, typ: 'JWT' }, claims, realHs256Signature));
      });
    }
  });

  describe('another algorithm than HS256', () => {
    for (const algorithm of ['HS384', 'HS512'] as const) {
      it(`${algorithm} with the right key`, async () => {
        await assertRefused(jwt.sign(claims, stack().signingKey, { algorithm }));
      });
    }

    it('RS256 with a fresh RSA key', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await assertRefused(jwt.sign(claims, privateKey, { algorithm: 'RS256' }));
    });
  });

  describe('signature', () => {
    it('right shape, wrong key', async () => {
      await assertRefused(jwt.sign(claims, randomBytes(32), { algorithm: 'HS256' }));
    });

    it('payload edited (another sub), old signature kept', async () => {
      const [header, , signature] = tokens.access_token.split('.');
      await assertRefused(`${header}.${encodeSegment({ ...claims, sub: randomUUID() })}.${signature}`);
    });
  });

  describe('time claims, correctly signed', () => {
    it('exp in the past', async () => {
      await assertRefused(signWithRealKey(claims, (c) => ({ ...c, iat: nowInSeconds() - 120, exp: nowInSeconds() - 60 })));
    });

    it('no exp at all (jsonwebtoken alone would accept it forever)', async () => {
      await assertRefused(signWithRealKey(claims, ({ exp: _exp, ...rest }) => rest));
    });

    it('nbf in the future', async () => {
      await assertRefused(signWithRealKey(claims, (c) => ({ ...c, nbf: nowInSeconds() + 600 })));
    });
  });

  describe('audience, use and session, correctly signed', () => {
    it('aud of an unregistered client', async () => {
      await assertRefused(signWithRealKey(claims, (c) => ({ ...c, aud: 'someone-else' })));
    });

    it('aud of the other registered client than the session was opened by', async () => {
      await assertRefused(signWithRealKey(claims, (c) => ({ ...c, aud: CLI_CLIENT })));
    });

    it('another issuer', async () => {
      await assertRefused(signWithRealKey(claims, (c) => ({ ...c, iss: 'urn:session-api:prod' })));
    });

    it('a refresh token used as the Bearer token', async () => {
      await assertRefused(tokens.refresh_token);
    });

    it('a session id that does not exist', async () => {
      await assertRefused(signWithRealKey(claims, (c) => ({ ...c, sid: randomUUID() })));
    });

    it('another user\'s id (sub) in a real session', async () => {
      await assertRefused(signWithRealKey(claims, (c) => ({ ...c, sub: randomUUID() })));
    });
  });

  it('a jku header pointing elsewhere is never fetched', async () => {
    let fetched = 0;
    const keyServer = http.createServer((_request, response) => {
      fetched += 1;
      response.end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = keyServer.address() as AddressInfo;
      const header = { alg: 'HS256', typ: 'JWT', kid: 'attacker', jku: `http://127.0.0.1:${port}/jwks.json` };
      const answer = await call('GET', '/user', { headers: bearer(handMadeToken(header, claims, realHs256Signature)) });
      // Ignoring the header (200: the HS256 signature is right) or refusing the token (401) are
      // both safe; fetching a key from the token's own say-so is not.
      assert.ok(answer.status === 200 || answer.status === 401, `status ${answer.status}`);
      assert.equal(fetched, 0);
    } finally {
      await new Promise((resolve) => keyServer.close(resolve));
    }
  });
});

describe('e2e: malformed Authorization headers → 401 problem, never 500', () => {
  let accessToken: string;

  before(async () => {
    accessToken = (await newSession()).tokens.access_token;
  });

  // Without a Bearer token the challenge has no error code; with a malformed one, invalid_token.
  const cases: Array<[string, () => string, string]> = [
    ['"Bearer" alone', () => 'Bearer', NO_TOKEN],
    ['"Bearer " with nothing after it', () => 'Bearer ', NO_TOKEN],
    ['the Basic scheme', () => 'Basic abc', NO_TOKEN],
    ['a token with four dot-separated parts', () => `Bearer ${accessToken}.${accessToken.split('.')[2] ?? ''}`, REFUSED_TOKEN],
    // Over the authorizer's 4 KiB limit, under the gateway's 10,240 bytes of headers (beyond
    // which the gateway answers 431 itself: gateway.test.ts).
    ['6 KB of text', () => `Bearer ${'a'.repeat(6 * 1024)}`, REFUSED_TOKEN],
    ['6 KB of dot-separated text', () => `Bearer ${'a'.repeat(2000)}.${'b'.repeat(2000)}.${'c'.repeat(2000)}`, REFUSED_TOKEN],
    ['non-base64url characters in the token', () => `Bearer ${accessToken.replace(/^.{4}/, 'ab+/')}`, REFUSED_TOKEN],
    ['the token without its scheme', () => accessToken, NO_TOKEN],
  ];
  for (const [label, authorization, challenge] of cases) {
    it(label, async () => {
      const answer = await call('GET', '/user', { headers: { Authorization: authorization() } });
      assertProblem(answer, 401);
      assert.equal(answer.headers.get('www-authenticate'), challenge);
    });
  }
});

describe('e2e: Bearer routes with an X-Client-Id other than the token\'s audience → 401', () => {
  // The token was issued to workshop-web; the header claims another client.
  for (const otherClient of [CLI_CLIENT, 'someone-else']) {
    it(`GET /user and GET /session with X-Client-Id ${otherClient}`, async () => {
      const { tokens } = await newSession();
      const headers = bearer(tokens.access_token, clientHeader(otherClient));
      assertProblem(await call('GET', '/user', { headers }), 401);
      assertProblem(await call('GET', '/session', { headers }), 401);
    });
  }

  it('DELETE /session with X-Client-Id workshop-cli, and the session is not ended', async () => {
    const { tokens } = await newSession();
    assertProblem(await call('DELETE', '/session', { headers: bearer(tokens.access_token, clientHeader(CLI_CLIENT)) }), 401);
    assert.equal((await call('GET', '/session', { headers: bearer(tokens.access_token) })).status, 200);
    assert.equal((await refresh(tokens.refresh_token)).status, 200);
  });
});
