import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import proxyquire from 'proxyquire';
import sinon from 'sinon';
import { apiEvent, CLIENT_ID, context, jsonOf, problemOf } from '../../../test/helpers/events';
import { signingKeyStub, testKey } from '../../../test/helpers/stubs';
import { hashRefreshToken } from '../../lib/sessions';

const account = { id: 'user-1', email: 'ada@example.com', createdAt: '2026-01-01T00:00:00.000Z', passwordHash: '$2b$10$stored' };

interface Scenario {
  /** null stands for "no account with this email" (the module answers undefined). */
  user?: typeof account | null;
  passwordMatches?: boolean;
}

function load({ user = account, passwordMatches = true }: Scenario = {}) {
  const stubs = {
    findUserByEmail: sinon.stub().resolves(user ?? undefined),
    verifyPassword: sinon.stub().resolves(passwordMatches),
    saveSession: sinon.stub().resolves(),
  };
  const { handler } = proxyquire<typeof import('./handler')>('./handler', {
    ...signingKeyStub(),
    '../../lib/users': { findUserByEmail: stubs.findUserByEmail },
    '../../lib/passwords': { verifyPassword: stubs.verifyPassword },
    '../../lib/sessions': { saveSession: stubs.saveSession },
  });
  return { handler, ...stubs };
}

const logIn = (json: unknown, clientId = CLIENT_ID) => apiEvent({ method: 'POST', json, headers: { 'X-Client-Id': clientId } });
const credentials = { email: ' ADA@example.com', password: 'correct horse battery' };

describe('POST /session (createSession)', () => {
  it('answers 201 with a token pair bound to the client, and stores only the refresh token\'s hash', async () => {
    const { handler, saveSession } = load();
    const result = await handler(logIn(credentials), context);
    assert.equal(result.statusCode, 201);
    const body = jsonOf<Record<string, string | number>>(result);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'access_token_expires_in', 'refresh_token', 'refresh_token_expires_in', 'token_type']);
    assert.equal(body['access_token_expires_in'], 900);
    assert.equal(body['refresh_token_expires_in'], 2592000);

    const access = jwt.verify(String(body['access_token']), testKey, { algorithms: ['HS256'], issuer: 'urn:session-api:test', audience: CLIENT_ID }) as jwt.JwtPayload;
    assert.equal(access.sub, 'user-1');
    const [session, storedHash] = saveSession.firstCall.args as [{ sessionId: string; userId: string; clientId: string; email: string }, string];
    assert.equal(session.sessionId, access.sid);
    assert.deepEqual([session.userId, session.clientId, session.email], ['user-1', CLIENT_ID, 'ada@example.com']);
    assert.equal(storedHash, hashRefreshToken(String(body['refresh_token'])));
    assert.ok(!JSON.stringify(saveSession.firstCall.args).includes(String(body['refresh_token'])));
  });

  // #region same-answer-test
  it('answers unknown email and wrong password identically, after the same bcrypt work', async () => {
    const unknown = load({ user: null, passwordMatches: false });
    const wrong = load({ passwordMatches: false });
    const [a, b] = [await unknown.handler(logIn(credentials), context), await wrong.handler(logIn(credentials), context)];
    assert.equal(a.statusCode, 401);
    assert.deepEqual([a.statusCode, a.body, a.headers], [b.statusCode, b.body, b.headers]);
    assert.equal(problemOf(a).body.code, 'invalid_credentials');
    sinon.assert.calledOnceWithExactly(unknown.verifyPassword, 'correct horse battery', undefined);
    sinon.assert.calledOnceWithExactly(wrong.verifyPassword, 'correct horse battery', '$2b$10$stored');
    sinon.assert.notCalled(unknown.saveSession);
  });
  // #endregion same-answer-test

  it('refuses an unknown client with 401 invalid_client, before reading the account', async () => {
    const { handler, findUserByEmail } = load();
    assert.equal(problemOf(await handler(logIn(credentials, 'intruder'), context)).body.code, 'invalid_client');
    sinon.assert.notCalled(findUserByEmail);
  });

  it('answers 400 for a password bcrypt would truncate', async () => {
    const { handler, verifyPassword } = load();
    assert.equal(problemOf(await handler(logIn({ ...credentials, password: 'x'.repeat(73) }), context)).status, 400);
    sinon.assert.notCalled(verifyPassword);
  });
});
