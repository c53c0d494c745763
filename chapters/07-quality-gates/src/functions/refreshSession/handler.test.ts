import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import proxyquire from 'proxyquire';
import sinon from 'sinon';
import { apiEvent, CLIENT_ID, context, jsonOf, OTHER_CLIENT_ID, problemOf } from '../../../test/helpers/events';
import { signingKeyStub, testKey } from '../../../test/helpers/stubs';
import { Problem } from '../../lib/problem';
import { hashRefreshToken } from '../../lib/sessions';
import { signToken, verifyToken, type NewToken } from '../../lib/tokens';

const now = Math.floor(Date.now() / 1000);
const refresh: NewToken = { use: 'refresh', issuer: 'urn:session-api:test', clientId: CLIENT_ID, userId: 'user-1', sessionId: 'session-1', expiresAt: now + 86400 };

function load() {
  const rotateRefreshToken = sinon.stub().resolves();
  const { handler } = proxyquire<typeof import('./handler')>('./handler', { ...signingKeyStub(), '../../lib/sessions': { rotateRefreshToken } });
  return { handler, rotateRefreshToken };
}

const refreshWith = (token: unknown, clientId = CLIENT_ID) => apiEvent({ method: 'PUT', json: { refresh_token: token }, headers: { 'X-Client-Id': clientId } });

describe('PUT /session (refreshSession)', () => {
  // #region rotate-test
  it('rotates: swaps the presented token\'s hash for the new one and answers the new pair', async () => {
    const { handler, rotateRefreshToken } = load();
    const presented = signToken(testKey, refresh);
    const result = await handler(refreshWith(presented), context);
    assert.equal(result.statusCode, 200);
    const body = jsonOf<{ refresh_token: string; access_token: string; refresh_token_expires_in: number }>(result);
    assert.notEqual(body.refresh_token, presented);
    assert.ok(body.refresh_token_expires_in <= 86400 && body.refresh_token_expires_in > 86390, 'the session does not get longer');
    const access = verifyToken(testKey, body.access_token, { use: 'access', issuer: 'urn:session-api:test', audiences: [CLIENT_ID] });
    assert.equal(access.sid, 'session-1');
    sinon.assert.calledOnceWithMatch(rotateRefreshToken, {
      sessionId: 'session-1',
      userId: 'user-1',
      clientId: CLIENT_ID,
      presentedHash: hashRefreshToken(presented),
      nextHash: hashRefreshToken(body.refresh_token),
    });
  });
  // #endregion rotate-test

  for (const [name, token] of [
    ['an access token', () => signToken(testKey, { ...refresh, use: 'access' })],
    ['a token signed with another key', () => signToken(createSecretKey(randomBytes(32)), refresh)],
    ['an expired refresh token', () => signToken(testKey, { ...refresh, expiresAt: now - 1 }, now - 100)],
    ['garbage', () => 'not.a.token'],
  ] as const) {
    it(`answers 401 invalid_token for ${name}, and rotates nothing`, async () => {
      const { handler, rotateRefreshToken } = load();
      const { status, body } = problemOf(await handler(refreshWith(token()), context));
      assert.equal(status, 401);
      assert.equal(body.code, 'invalid_token');
      sinon.assert.notCalled(rotateRefreshToken);
    });
  }

  it('refuses a refresh token of client A presented by client B', async () => {
    const { handler, rotateRefreshToken } = load();
    assert.equal(problemOf(await handler(refreshWith(signToken(testKey, refresh), OTHER_CLIENT_ID), context)).status, 401);
    sinon.assert.notCalled(rotateRefreshToken);
  });

  it('answers 401 when the rotation is refused (reused or revoked)', async () => {
    const { handler, rotateRefreshToken } = load();
    rotateRefreshToken.rejects(new Problem('invalid_token', 'The refresh token is not valid.'));
    assert.equal(problemOf(await handler(refreshWith(signToken(testKey, refresh)), context)).body.code, 'invalid_token');
  });

  it('answers 400 for a missing or non-string refresh_token', async () => {
    const { handler } = load();
    assert.equal(problemOf(await handler(refreshWith(42), context)).status, 400);
    assert.equal(problemOf(await handler(apiEvent({ method: 'PUT', json: {}, headers: { 'X-Client-Id': CLIENT_ID } }), context)).status, 400);
  });

  it('answers 500, not 401, when the signing key cannot be loaded', async () => {
    const { handler } = proxyquire<typeof import('./handler')>('./handler', {
      ...signingKeyStub(),
      '../../lib/signing-key': { signingKey: () => Promise.reject(new Error('SSM unavailable')) },
    });
    assert.equal(problemOf(await handler(refreshWith(signToken(testKey, refresh)), context)).status, 500);
  });
});
