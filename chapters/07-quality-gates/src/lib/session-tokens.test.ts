import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { issueTokens } from './session-tokens';
import { hashRefreshToken } from './sessions';
import { useTestEnvironment } from '../../test/helpers/environment';
import { verifyToken } from './tokens';

const key = createSecretKey(randomBytes(32));
const now = 1_800_000_000;
const session = { sessionId: 's1', userId: 'u1', clientId: 'web', expiresAt: now + 30 * 86400 };

describe('session-tokens', () => {
  before(() => useTestEnvironment({ TOKEN_ISSUER: 'urn:test', ACCESS_TOKEN_TTL_SECONDS: '900' }));
  it('issues an access token for 15 minutes and a refresh token until the session ends', () => {
    const { body, refreshTokenHash } = issueTokens(key, session, now);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.access_token_expires_in, 900);
    assert.equal(body.refresh_token_expires_in, 30 * 86400);
    const access = verifyToken(key, body.access_token, { use: 'access', issuer: 'urn:test', audiences: ['web'] });
    assert.equal(access.exp, now + 900);
    assert.equal(access.sid, 's1');
    assert.equal(refreshTokenHash, hashRefreshToken(body.refresh_token));
  });

  it('never lets an access token outlive its session', () => {
    const { body } = issueTokens(key, { ...session, expiresAt: now + 60 }, now);
    assert.equal(body.access_token_expires_in, 60);
  });

  it('stores a hash that is not the token', () => {
    const { body, refreshTokenHash } = issueTokens(key, session, now);
    assert.notEqual(refreshTokenHash, body.refresh_token);
    assert.match(refreshTokenHash, /^[A-Za-z0-9_-]{43}$/); // SHA-256, base64url
  });
});
