import assert from 'node:assert/strict';
import { createHmac, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { InvalidTokenError, signToken, TOKEN_HEADER, verifyToken, type NewToken, type VerifyOptions } from './tokens';

const key = createSecretKey(randomBytes(32));
const rawKey = key.export();
const issuer = 'urn:session-api:test';
const now = Math.floor(Date.now() / 1000);
const accessToken: NewToken = { use: 'access', issuer, clientId: 'web', userId: 'user-1', sessionId: 'session-1', expiresAt: now + 900 };
const asAccess: VerifyOptions = { use: 'access', issuer, audiences: ['web', 'cli'] };

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: issuer, aud: 'web', sub: 'user-1', sid: 'session-1', jti: 'jti-1', iat: now, exp: now + 900, token_use: 'access', ...overrides };
}
/** Signs any header and payload with the test key, without jsonwebtoken's checks on the claims. */
function signed(payload: unknown, header: unknown = TOKEN_HEADER): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}
function rejected(token: string, options: VerifyOptions = asAccess, at = now): void {
  assert.throws(() => verifyToken(key, token, options, at), InvalidTokenError);
}
function accepted(token: string, options: VerifyOptions = asAccess, at = now): void {
  assert.doesNotThrow(() => verifyToken(key, token, options, at));
}

describe('tokens', () => {
  it('signs with HS256 and verifies its own tokens', () => {
    const token = signToken(key, accessToken, now);
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).alg, 'HS256');
    const verified = verifyToken(key, token, asAccess);
    assert.deepEqual({ ...verified, jti: 'x' }, { iss: issuer, aud: 'web', sub: 'user-1', sid: 'session-1', jti: 'x', iat: now, exp: now + 900, token_use: 'access' });
  });

  it('accepts a token until the second it expires, from the second of its nbf, for any accepted audience', () => {
    accepted(signed(claims({ exp: now + 1 })));
    rejected(signed(claims({ exp: now + 1 })), asAccess, now + 1);
    accepted(signed(claims({ nbf: now })));
    accepted(signed(claims({ aud: 'cli' })));
  });

  it('gives every token its own jti', () => {
    const a = verifyToken(key, signToken(key, accessToken, now), asAccess);
    const b = verifyToken(key, signToken(key, accessToken, now), asAccess);
    assert.notEqual(a.jti, b.jti);
  });

  describe('refuses', () => {
    // #region refused-tokens
    for (const alg of ['none', 'None', 'nOnE', 'NONE']) {
      it(`alg "${alg}" with an empty signature`, () => rejected(`${base64url({ alg, typ: 'JWT' })}.${base64url(claims())}.`));
    }
    for (const algorithm of ['HS384', 'HS512'] as const) {
      it(`${algorithm}, even with the right key`, () => rejected(jwt.sign(claims(), rawKey, { algorithm })));
    }
    it('RS256 signed with an RSA key', () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      rejected(jwt.sign(claims(), privateKey, { algorithm: 'RS256' }));
    });
    it('an HMAC made with a public key (algorithm confusion)', () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = publicKey.export({ type: 'spki', format: 'pem' });
      const header = base64url({ alg: 'HS256', typ: 'JWT' });
      const body = base64url(claims());
      // The attacker knows the public key, so an HMAC keyed with it is easy to make.
      const signature = createHmac('sha256', pem).update(`${header}.${body}`).digest('base64url');
      rejected(`${header}.${body}.${signature}`);
    });
    it('the right shape signed with another key', () => rejected(jwt.sign(claims(), randomBytes(32), { algorithm: 'HS256' })));
    it('an edited payload with the old signature', () => {
      const [header, , signature] = signToken(key, accessToken, now).split('.');
      rejected(`${header}.${base64url(claims({ sub: 'admin' }))}.${signature}`);
    });
    it('an expired token', () => rejected(jwt.sign(claims({ exp: now - 1 }), rawKey, { algorithm: 'HS256' })));
    it('a token without exp (jsonwebtoken alone would accept it forever)', () => {
      const { exp: _exp, ...noExp } = claims();
      rejected(jwt.sign(noExp, rawKey, { algorithm: 'HS256' }));
    });
    it('a token without iat', () => {
      const { iat: _iat, ...noIat } = claims();
      rejected(jwt.sign(noIat, rawKey, { algorithm: 'HS256', noTimestamp: true }));
    });
    it('nbf in the future', () => rejected(jwt.sign(claims({ nbf: now + 600 }), rawKey, { algorithm: 'HS256' })));
    it('another client\'s audience', () => rejected(jwt.sign(claims({ aud: 'evil' }), rawKey, { algorithm: 'HS256' })));
    it('another issuer', () => rejected(jwt.sign(claims({ iss: 'urn:someone-else' }), rawKey, { algorithm: 'HS256' })));
    it('a refresh token where an access token is expected', () => rejected(signToken(key, { ...accessToken, use: 'refresh' }, now)));
    it('an access token where a refresh token is expected', () => rejected(signToken(key, accessToken, now), { ...asAccess, use: 'refresh' }));
    // #endregion refused-tokens
    it('a token without a session id', () => rejected(jwt.sign(claims({ sid: undefined }), rawKey, { algorithm: 'HS256' })));
    it('a payload that is not an object', () => rejected(jwt.sign('just a string', rawKey, { algorithm: 'HS256' })));
    it('anything when no audience is accepted', () => rejected(signToken(key, accessToken, now), { ...asAccess, audiences: [] }));
    it('a signed token with a fourth part', () => rejected(`${signToken(key, accessToken, now)}.x`));
    it('a header and payload without a signature', () => rejected(signToken(key, accessToken, now).split('.').slice(0, 2).join('.')));
    it('a signature over an empty payload', () => {
      const input = `${base64url(TOKEN_HEADER)}.`;
      rejected(`${input}.${createHmac('sha256', key).update(input).digest('base64url')}`);
    });
    it('the same claims, correctly signed, under alg "none"', () => rejected(signed(claims(), { alg: 'none', typ: 'JWT' })));
    it('the same claims, correctly signed, under any other header (here without typ)', () => rejected(signed(claims(), { alg: 'HS256' })));
    it('a header with crit, even correctly signed', () => rejected(signed(claims(), { ...TOKEN_HEADER, crit: ['exp'] })));
    it('another spelling of the right signature (Node\'s decoder would read the same bytes)', () => {
      const token = signToken(key, accessToken, now);
      rejected(`${token}=`);
      rejected(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    });
    it('exp that is not a whole number of seconds', () => {
      rejected(signed(claims({ exp: String(now + 900) })));
      rejected(signed(claims({ exp: now + 900.5 })));
    });
    it('iat that is not a number', () => rejected(signed(claims({ iat: String(now) }))));
    it('nbf that is not a number', () => rejected(signed(claims({ nbf: 'now' }))));
    it('aud as an array, even one holding an accepted client', () => rejected(signed(claims({ aud: ['web'] }))));
    it('an empty subject', () => rejected(signed(claims({ sub: '' }))));
    for (const payload of [null, [claims()], 42, 'text']) {
      it(`a signed payload ${JSON.stringify(payload).slice(0, 12)}`, () => rejected(signed(payload)));
    }
    it('a signed payload that is not JSON', () => {
      const input = `${base64url(TOKEN_HEADER)}.${Buffer.from('{"exp":').toString('base64url')}`;
      rejected(`${input}.${createHmac('sha256', key).update(input).digest('base64url')}`);
    });
    for (const garbage of ['', 'a.b', 'a.b.c.d', '!!!.???.***', 'x'.repeat(10_000)]) {
      it(`garbage ${JSON.stringify(garbage.slice(0, 12))}`, () => rejected(garbage));
    }
  });

  it('refuses any change to the text of a signed token', () => {
    const token = signToken(key, accessToken, now);
    const base64urlCharacter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=');
    fc.assert(fc.property(fc.nat({ max: token.length - 1 }), base64urlCharacter, (at, character) => {
      const changed = token.slice(0, at) + character + token.slice(at + 1);
      fc.pre(changed !== token);
      rejected(changed);
    }), { numRuns: 500 });
  });

  it('accepts exactly what jsonwebtoken.verify accepts with the same options, when the rules it adds hold', () => {
    // Each part is mostly right, so that most runs differ from a valid token in one or two
    // places and the boundaries (exp and nbf one second either side of now) are all reached.
    const mostly = (valid: unknown, ...others: unknown[]) => fc.oneof({ arbitrary: fc.constant(valid), weight: 9 }, { arbitrary: fc.constantFrom(...others), weight: 1 });
    const headers = mostly(TOKEN_HEADER, { alg: 'HS256' }, { ...TOKEN_HEADER, typ: 'at+jwt' }, { ...TOKEN_HEADER, kid: 'k1' }, { ...TOKEN_HEADER, crit: ['exp'] }, { alg: 'none', typ: 'JWT' }, { alg: 'HS512', typ: 'JWT' });
    const claimSets = fc.record({
      iss: mostly(issuer, 'urn:someone-else', undefined),
      aud: mostly('web', 'cli', 'evil', ['web'], ['evil', 'cli'], undefined),
      sub: mostly('user-1', '', undefined),
      sid: mostly('session-1', 7, undefined),
      jti: mostly('jti-1', undefined),
      iat: mostly(now, now - 60, undefined, 'now'),
      exp: mostly(now + 900, now - 1, now, now + 1, undefined, now + 0.5, 'later'),
      nbf: mostly(undefined, now - 1, now, now + 1, now - 0.5, 'now'),
      token_use: mostly('access', 'refresh', undefined),
    });
    const accepts = (verify: () => unknown): boolean => {
      try {
        verify();
        return true;
      } catch {
        return false;
      }
    };
    const isId = (value: unknown) => typeof value === 'string' && value.length > 0;
    const outcomes = { accepted: 0, refusedByTheAddedRules: 0, refusedByJsonwebtoken: 0 };
    fc.assert(fc.property(headers, claimSets, (header, payload) => {
      const token = signed(payload, header);
      const ours = accepts(() => verifyToken(key, token, asAccess, now));
      const library = accepts(() => jwt.verify(token, key, { algorithms: ['HS256'], issuer, audience: ['web', 'cli'], clockTimestamp: now, clockTolerance: 0 }));
      // The rules verifyToken adds, stated apart from its code: the one header this service
      // writes, exp and iat in whole seconds (exp required), an access token, aud as one
      // string, and the ids present.
      const addedRules = JSON.stringify(header) === JSON.stringify(TOKEN_HEADER)
        && Number.isSafeInteger(payload.exp) && Number.isSafeInteger(payload.iat) && payload.token_use === 'access'
        && typeof payload.aud === 'string' && isId(payload.sub) && isId(payload.sid) && isId(payload.jti);
      assert.equal(ours, library && addedRules, `ours ${ours}, jsonwebtoken ${library}, ${JSON.stringify(header)} ${JSON.stringify(payload)}`);
      outcomes[ours ? 'accepted' : library ? 'refusedByTheAddedRules' : 'refusedByJsonwebtoken'] += 1;
    }), { numRuns: 3000 });
    // Each side of the rule was reached often, or the property proved little.
    for (const [outcome, count] of Object.entries(outcomes)) assert.ok(count >= 200, `${outcome}: only ${count} runs`);
  });

  it('ignores kid/jku headers: it never fetches keys from a token', () => {
    // Correctly signed with the right key, but a header this service never writes.
    rejected(signed(claims(), { ...TOKEN_HEADER, jku: 'https://attacker.example/keys', kid: 'x' }));
  });
});
