import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { hashRefreshToken } from '../../src/lib/sessions';
import { startTestDatabase, type TestDatabase } from './database';
import { newSession } from './flows';

function sessionIdOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sid as string;
}

describe('integration: sessions', () => {
  let database: TestDatabase;
  before(async () => {
    database = await startTestDatabase();
  });
  after(async () => database.stop());

  const storedSession = async (sessionId: string) =>
    (await database.client.send(new GetCommand({ TableName: database.tables.sessions, Key: { sessionId }, ConsistentRead: true }))).Item ?? {};

  it('stores only a hash of the refresh token, and a TTL attribute 30 days out', async () => {
    const { tokens } = await newSession();
    const item = await storedSession(sessionIdOf(tokens.refresh_token));
    assert.equal(item['refreshTokenHash'], hashRefreshToken(tokens.refresh_token));
    assert.ok(!JSON.stringify(item).includes(tokens.refresh_token));
    assert.ok(!JSON.stringify(item).includes(tokens.access_token));
    const thirtyDays = 30 * 24 * 3600;
    assert.ok(Math.abs(Number(item['expiresAt']) - (Date.now() / 1000 + thirtyDays)) < 10);
  });
});
