import assert from 'node:assert/strict';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashRefreshToken } from '../../src/lib/sessions';
import { jsonOf } from '../helpers/events';
import { startTestDatabase, type TestDatabase } from './database';
import { newSession, sessionInfo, whoAmI } from './flows';

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

  it('answers GET /user and GET /session for the session\'s access token', async () => {
    const { email, tokens } = await newSession();
    const user = await whoAmI(tokens.access_token);
    assert.equal(user.statusCode, 200);
    assert.equal(jsonOf(user)['email'], email);
    const info = jsonOf<{ access_token_expires_in: number; session_expires_in: number }>(await sessionInfo(tokens.access_token));
    assert.ok(info.access_token_expires_in > 890 && info.access_token_expires_in <= 900);
    assert.ok(info.session_expires_in > info.access_token_expires_in);
  });

  it('checks expiry in code: an expired session that TTL has not yet deleted is refused', async () => {
    const { tokens } = await newSession();
    await database.client.send(
      new UpdateCommand({
        TableName: database.tables.sessions,
        Key: { sessionId: sessionIdOf(tokens.access_token) },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    assert.equal((await whoAmI(tokens.access_token)).statusCode, 401);
  });
});
