import assert from 'node:assert/strict';
import { db, isConditionalCheckFailed, isDatabaseUnavailable, setDb } from './dynamodb';

const named = (name: string): Error => Object.assign(new Error('x'), { name });

describe('dynamodb', () => {
  afterEach(() => setDb(undefined));

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

  it('creates one client per container, pointed at DYNAMODB_ENDPOINT when set', async () => {
    const saved = process.env['DYNAMODB_ENDPOINT'];
    process.env['DYNAMODB_ENDPOINT'] = 'http://127.0.0.1:1';
    try {
      const client = db();
      assert.equal(db(), client);
      const endpoint = await client.config.endpoint?.();
      assert.equal(endpoint?.hostname, '127.0.0.1');
      assert.equal(endpoint?.port, 1);
    } finally {
      if (saved === undefined) delete process.env['DYNAMODB_ENDPOINT'];
      else process.env['DYNAMODB_ENDPOINT'] = saved;
    }
  });
});
