import assert from 'node:assert/strict';
import sinon from 'sinon';
import { apiEvent, context, jsonOf, problemOf } from '../../../test/helpers/events';
import { handler } from './handler';

describe('GET /session (getSession)', () => {
  afterEach(() => sinon.restore());

  it('answers the seconds left on the access token and the session', async () => {
    sinon.useFakeTimers({ now: 1_000_000 * 1000, toFake: ['Date'] });
    const authorizer = { userId: 'u', sessionId: 's', clientId: 'c', email: 'e@x.io', accessTokenExpiresAt: 1_000_900, sessionExpiresAt: 1_100_000 };
    const result = await handler(apiEvent({ authorizer }), context);
    assert.equal(result.statusCode, 200);
    assert.deepEqual(jsonOf(result), { access_token_expires_in: 900, session_expires_in: 100_000 });
  });

  it('answers 401 without an authorizer context', async () => {
    assert.equal(problemOf(await handler(apiEvent(), context)).status, 401);
  });
});
