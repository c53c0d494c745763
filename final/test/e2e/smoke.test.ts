import assert from 'node:assert/strict';
import { request } from './api';
import { stack } from './hooks';

describe('e2e: GET /ping', () => {
  it('answers 200 {"status":"ok"}', async () => {
    const answer = await request(stack().baseUrl, 'GET', '/ping');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: 'ok' });
  });
});
