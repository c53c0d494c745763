import assert from 'node:assert/strict';
import { db, setDb } from './dynamodb';

describe('dynamodb', () => {
  afterEach(() => setDb(undefined));

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
