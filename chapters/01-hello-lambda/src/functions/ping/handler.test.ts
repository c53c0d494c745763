import assert from 'node:assert/strict';
import { apiEvent, context, jsonOf } from '../../../test/helpers/events';
import { handler } from './handler';

describe('GET /ping (ping)', () => {
  // #region step:first-test
  it('answers 200 {"status":"ok"}', async () => {
    const result = await handler(apiEvent(), context);
    assert.equal(result.statusCode, 200);
    assert.deepEqual(jsonOf(result), { status: 'ok' });
  });
  // #endregion step:first-test
});
