import assert from 'node:assert/strict';
import { apiEvent } from '../../test/helpers/events';
import { requireCaller, type Caller } from './caller';
import { Problem } from './problem';

const caller: Caller = { userId: 'u1', sessionId: 's1', clientId: 'workshop-web', email: 'ada@example.com', accessTokenExpiresAt: 2000, sessionExpiresAt: 3000 };

function refusedWith(code: string, run: () => unknown): void {
  assert.throws(run, (error: unknown) => error instanceof Problem && error.status === 401 && error.code === code);
}

describe('caller', () => {
  it('reads the authorizer context', () => {
    assert.deepEqual(requireCaller(apiEvent({ authorizer: { ...caller } })), caller);
  });

  it('turns the strings API Gateway passes back into numbers', () => {
    const fromAws = { ...caller, accessTokenExpiresAt: '2000', sessionExpiresAt: '3000', principalId: 'u1' };
    assert.deepEqual(requireCaller(apiEvent({ authorizer: fromAws })), caller);
  });

  it('accepts a matching X-Client-Id header', () => {
    assert.equal(requireCaller(apiEvent({ authorizer: { ...caller }, headers: { 'x-client-id': 'workshop-web' } })).userId, 'u1');
  });

  it('refuses an X-Client-Id that is not the token\'s audience', () => {
    refusedWith('invalid_client', () => requireCaller(apiEvent({ authorizer: { ...caller }, headers: { 'X-Client-Id': 'workshop-cli' } })));
  });

  it('refuses a request that reached the handler without an authorizer context', () => {
    refusedWith('invalid_token', () => requireCaller(apiEvent({ authorizer: null })));
    refusedWith('invalid_token', () => requireCaller(apiEvent({ authorizer: { userId: 'u1' } })));
  });
});
