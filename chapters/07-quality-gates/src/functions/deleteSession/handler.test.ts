import assert from 'node:assert/strict';
import proxyquire from 'proxyquire';
import sinon from 'sinon';
import { apiEvent, context, problemOf } from '../../../test/helpers/events';
import { signingKeyStub } from '../../../test/helpers/stubs';

const caller = { userId: 'user-1', sessionId: 'session-1', clientId: 'workshop-web', email: 'ada@example.com', accessTokenExpiresAt: 2, sessionExpiresAt: 3 };

describe('DELETE /session (deleteSession)', () => {
  it('revokes the caller\'s session and answers 204 with no body', async () => {
    const revokeSession = sinon.stub().resolves();
    const { handler } = proxyquire<typeof import('./handler')>('./handler', { ...signingKeyStub(), '../../lib/sessions': { revokeSession } });
    const result = await handler(apiEvent({ method: 'DELETE', authorizer: caller }), context);
    assert.equal(result.statusCode, 204);
    assert.equal(result.body, '');
    sinon.assert.calledOnceWithMatch(revokeSession, 'session-1', sinon.match.number);
  });

  it('revokes nothing for a caller of another client', async () => {
    const revokeSession = sinon.stub().resolves();
    const { handler } = proxyquire<typeof import('./handler')>('./handler', { ...signingKeyStub(), '../../lib/sessions': { revokeSession } });
    const result = await handler(apiEvent({ method: 'DELETE', authorizer: caller, headers: { 'X-Client-Id': 'workshop-cli' } }), context);
    assert.equal(problemOf(result).status, 401);
    sinon.assert.notCalled(revokeSession);
  });
});
