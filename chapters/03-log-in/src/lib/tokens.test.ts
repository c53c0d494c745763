import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signToken, TOKEN_HEADER, type NewToken } from './tokens';

const key = createSecretKey(randomBytes(32));
const issuer = 'urn:session-api:test';
const now = Math.floor(Date.now() / 1000);
const accessToken: NewToken = { use: 'access', issuer, clientId: 'web', userId: 'user-1', sessionId: 'session-1', expiresAt: now + 900 };

/** The JSON of one part of a token (0: the header, 1: the payload), as anyone can read it. */
function part(token: string, index: number): unknown {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString());
}

describe('tokens', () => {
  it('signs with HS256, under the one header this service writes', () => {
    const token = signToken(key, accessToken, now);
    assert.deepEqual(part(token, 0), TOKEN_HEADER);
    // jsonwebtoken checks the signature with the same key (chapter 4 builds verifyToken on it).
    assert.doesNotThrow(() => jwt.verify(token, key, { algorithms: ['HS256'] }));
    assert.throws(() => jwt.verify(token, createSecretKey(randomBytes(32)), { algorithms: ['HS256'] }), /invalid signature/);
  });

  it('writes the claims of the token: issuer, client, user, session, times and use', () => {
    const claims = part(signToken(key, accessToken, now), 1) as Record<string, unknown>;
    assert.deepEqual({ ...claims, jti: 'x' }, { iss: issuer, aud: 'web', sub: 'user-1', sid: 'session-1', jti: 'x', iat: now, exp: now + 900, token_use: 'access' });
  });

  it('gives every token its own jti', () => {
    const a = part(signToken(key, accessToken, now), 1) as { jti: string };
    const b = part(signToken(key, accessToken, now), 1) as { jti: string };
    assert.notEqual(a.jti, b.jti);
  });
});
