import assert from 'node:assert/strict';
import { createHmac, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { InvalidTokenError, signToken, verifyToken, type NewToken, type VerifyOptions } from './tokens';

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
function rejected(token: string, options: VerifyOptions = asAccess): void {
  assert.throws(() => verifyToken(key, token, options), InvalidTokenError);
}

describe('tokens', () => {
  it('signs with HS256 and verifies its own tokens', () => {
    const token = signToken(key, accessToken, now);
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).alg, 'HS256');
    const verified = verifyToken(key, token, asAccess);
    assert.deepEqual({ ...verified, jti: 'x' }, { iss: issuer, aud: 'web', sub: 'user-1', sid: 'session-1', jti: 'x', iat: now, exp: now + 900, token_use: 'access' });
  });

  it('gives every token its own jti', () => {
    const a = verifyToken(key, signToken(key, accessToken, now), asAccess);
    const b = verifyToken(key, signToken(key, accessToken, now), asAccess);
    assert.notEqual(a.jti, b.jti);
  });

  describe('refuses', () => {
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
    it('a token without a session id', () => rejected(jwt.sign(claims({ sid: undefined }), rawKey, { algorithm: 'HS256' })));
    it('a payload that is not an object', () => rejected(jwt.sign('just a string', rawKey, { algorithm: 'HS256' })));
    it('anything when no audience is accepted', () => rejected(signToken(key, accessToken, now), { ...asAccess, audiences: [] }));
    for (const garbage of ['', 'a.b', 'a.b.c.d', '!!!.???.***', 'x'.repeat(10_000)]) {
      it(`garbage ${JSON.stringify(garbage.slice(0, 12))}`, () => rejected(garbage));
    }
  });

  it('ignores kid/jku headers: it never fetches keys from a token', () => {
    const token = jwt.sign(claims(), randomBytes(32), { algorithm: 'HS256', header: { alg: 'HS256', jku: 'https://attacker.example/keys', kid: 'x' } });
    rejected(token);
  });
});
