import assert from 'node:assert/strict';
import proxyquire from 'proxyquire';
import sinon from 'sinon';
import { useTestEnvironment } from '../../../test/helpers/environment';
import { apiEvent, CLIENT_ID, context, jsonOf, problemOf } from '../../../test/helpers/events';
import { Problem } from '../../lib/problem';

// #region step:stub-with-proxyquire
// #start: function load(): { handler: (typeof import('./handler'))['handler']; createUser: sinon.SinonStub; hashPassword: sinon.SinonStub } {
// #start:   throw new Error('Step "stub-with-proxyquire" is not written yet (chapter 2, "Unit tests with sinon and proxyquire")');
// #start: }
function load() {
  const createUser = sinon.stub().callsFake(async (email: string) => ({ id: 'user-1', email, createdAt: '2026-01-01T00:00:00.000Z' }));
  const hashPassword = sinon.stub().resolves('$2b$10$hash');
  const { handler } = proxyquire<typeof import('./handler')>('./handler', {
    '../../lib/users': { createUser },
    '../../lib/passwords': { hashPassword },
  });
  return { handler, createUser, hashPassword };
}
// #endregion step:stub-with-proxyquire

const signUp = (json: unknown, headers: Record<string, string> = { 'X-Client-Id': CLIENT_ID }) => apiEvent({ method: 'POST', json, headers });

describe('POST /user (createUser)', () => {
  // The settings the modules read (client ids, ...), as serverless.yml sets them.
  before(() => useTestEnvironment());

  // #region first-unit-test
  it('creates the account under the canonical email and answers 201 {id, email}', async () => {
    const { handler, createUser, hashPassword } = load();
    const result = await handler(signUp({ email: '  Ada@Example.COM ', password: 'correct horse battery' }), context);
    assert.equal(result.statusCode, 201);
    assert.deepEqual(jsonOf(result), { id: 'user-1', email: 'ada@example.com' });
    sinon.assert.calledOnceWithExactly(hashPassword, 'correct horse battery');
    sinon.assert.calledOnceWithExactly(createUser, 'ada@example.com', '$2b$10$hash');
  });
  // #endregion first-unit-test

  it('refuses an unknown client before reading the body', async () => {
    const { handler, hashPassword } = load();
    const result = await handler(signUp({ email: 'ada@example.com', password: 'correct horse battery' }, { 'X-Client-Id': 'nope' }), context);
    assert.equal(problemOf(result).body.code, 'invalid_client');
    sinon.assert.notCalled(hashPassword);
  });

  for (const [name, requestBody] of [
    ['a short password', { email: 'ada@example.com', password: 'short' }],
    ['a password over 72 bytes', { email: 'ada@example.com', password: 'é'.repeat(37) }],
    ['a bad email', { email: 'not-an-email', password: 'correct horse battery' }],
    ['a numeric password', { email: 'ada@example.com', password: 123456789012 }],
    ['an email array', { email: ['ada@example.com'], password: 'correct horse battery' }],
    ['an unknown field', { email: 'ada@example.com', password: 'correct horse battery', role: 'admin' }],
    ['a missing password', { email: 'ada@example.com' }],
  ] as const) {
    it(`answers 400 for ${name}, and hashes nothing`, async () => {
      const { handler, hashPassword, createUser } = load();
      const { status, body } = problemOf(await handler(signUp(requestBody), context));
      assert.equal(status, 400);
      assert.equal(body.code, 'invalid_request');
      sinon.assert.notCalled(hashPassword);
      sinon.assert.notCalled(createUser);
    });
  }

  it('answers 409 email_taken when the email is registered', async () => {
    const { handler, createUser } = load();
    createUser.rejects(new Problem('email_taken', 'An account with this email already exists.'));
    const { status, body } = problemOf(await handler(signUp({ email: 'ada@example.com', password: 'correct horse battery' }), context));
    assert.equal(status, 409);
    assert.equal(body.code, 'email_taken');
  });
});
