import assert from 'node:assert/strict';
import { isConditionalCheckFailed, isDatabaseUnavailable } from './database-errors';

const named = (name: string): Error => Object.assign(new Error('x'), { name });

describe('database-errors', () => {
  it('recognizes a failed condition', () => {
    assert.equal(isConditionalCheckFailed(named('ConditionalCheckFailedException')), true);
    assert.equal(isConditionalCheckFailed(named('ValidationException')), false);
    assert.equal(isConditionalCheckFailed('ConditionalCheckFailedException'), false);
  });

  for (const name of ['ProvisionedThroughputExceededException', 'ThrottlingException', 'TimeoutError', 'InternalServerError']) {
    it(`treats ${name} as "unavailable"`, () => assert.equal(isDatabaseUnavailable(named(name)), true));
  }
  it('treats a refused connection as "unavailable"', () => {
    assert.equal(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), true);
  });
  it('does not treat a programming error as "unavailable"', () => {
    assert.equal(isDatabaseUnavailable(named('ValidationException')), false);
    assert.equal(isDatabaseUnavailable(new TypeError('x')), false);
    assert.equal(isDatabaseUnavailable(undefined), false);
  });
});
