import assert from 'node:assert/strict';
import proxyquire from 'proxyquire';
import sinon from 'sinon';
import { apiEvent, context, jsonOf, problemOf } from '../../../test/helpers/events';
import { signingKeyStub } from '../../../test/helpers/stubs';

const caller = { userId: 'user-1', sessionId: 's1', clientId: 'workshop-web', email: 'ada@example.com', accessTokenExpiresAt: 2, sessionExpiresAt: 3 };
const stored = { id: 'user-1', email: 'ada@example.com', createdAt: '2026-01-01T00:00:00.000Z', passwordHash: '$2b$10$secret' };

function load(found: unknown) {
  const findUserByEmail = sinon.stub().resolves(found);
  const { handler } = proxyquire<typeof import('./handler')>('./handler', { ...signingKeyStub(), '../../lib/users': { findUserByEmail } });
  return { handler, findUserByEmail };
}

describe('GET /user (getUser)', () => {
  it('answers the caller\'s id, email and creation time, and never the hash', async () => {
    const { handler, findUserByEmail } = load(stored);
    const result = await handler(apiEvent({ authorizer: caller }), context);
    assert.equal(result.statusCode, 200);
    assert.deepEqual(jsonOf(result), { id: 'user-1', email: 'ada@example.com', created_at: '2026-01-01T00:00:00.000Z' });
    assert.doesNotMatch(result.body, /secret/);
    sinon.assert.calledOnceWithExactly(findUserByEmail, 'ada@example.com');
  });

  it('answers 401 when the account is gone', async () => {
    const { handler } = load(undefined);
    assert.equal(problemOf(await handler(apiEvent({ authorizer: caller }), context)).status, 401);
  });

  it('answers 401 when the email now belongs to another account', async () => {
    const { handler } = load({ ...stored, id: 'user-2' });
    assert.equal(problemOf(await handler(apiEvent({ authorizer: caller }), context)).body.code, 'invalid_token');
  });
});
