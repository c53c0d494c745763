import assert from 'node:assert/strict';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashRefreshToken } from '../../src/lib/sessions';
import { jsonOf, OTHER_CLIENT_ID, problemOf } from '../helpers/events';
import { startTestDatabase, type TestDatabase } from './database';
import { logOut, newSession, refresh, sessionInfo, whoAmI, type TokenPair } from './flows';

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

  it('rotates on refresh: the new pair works, the old refresh token does not', async () => {
    const { tokens } = await newSession();
    const rotated = await refresh(tokens.refresh_token);
    assert.equal(rotated.statusCode, 200);
    const next = jsonOf<TokenPair>(rotated);
    assert.notEqual(next.refresh_token, tokens.refresh_token);
    assert.equal((await whoAmI(next.access_token)).statusCode, 200);
    assert.equal(problemOf(await refresh(tokens.refresh_token)).status, 401);
  });

  // #region reuse-test
  it('treats a reused refresh token as theft: the whole session ends, newest tokens included', async () => {
    const { tokens } = await newSession();
    const next = jsonOf<TokenPair>(await refresh(tokens.refresh_token));
    assert.equal(problemOf(await refresh(tokens.refresh_token)).body.code, 'invalid_token'); // the thief, or the user
    assert.equal((await whoAmI(next.access_token)).statusCode, 401);
    assert.equal((await refresh(next.refresh_token)).statusCode, 401);
    assert.equal((await storedSession(sessionIdOf(next.refresh_token)))['revokedReason'], 'refresh_token_reused');
  });
  // #endregion reuse-test

  // #region concurrency-test
  it('lets exactly one of two concurrent refreshes with the same token succeed', async () => {
    const { tokens } = await newSession();
    const answers = await Promise.all([refresh(tokens.refresh_token), refresh(tokens.refresh_token)]);
    assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 401]);
  });
  // #endregion concurrency-test

  it('refuses a refresh token presented by another client, and rotates nothing', async () => {
    const { tokens } = await newSession();
    const before = await storedSession(sessionIdOf(tokens.refresh_token));
    assert.equal(problemOf(await refresh(tokens.refresh_token, OTHER_CLIENT_ID)).status, 401);
    assert.deepEqual(await storedSession(sessionIdOf(tokens.refresh_token)), before);
    assert.equal((await refresh(tokens.refresh_token)).statusCode, 200);
  });

  it('refuses an access token sent to the refresh route, and rotates nothing', async () => {
    const { tokens } = await newSession();
    assert.equal(problemOf(await refresh(tokens.access_token)).status, 401);
    assert.equal((await refresh(tokens.refresh_token)).statusCode, 200);
  });

  it('names the refresh token, not a Bearer token, in the challenge of a refused refresh', async () => {
    const { tokens } = await newSession();
    const challenge = 'RefreshToken realm="session-api", error="invalid_token"';
    // Refused by its signature check (an access token is no refresh token) ...
    assert.equal((await refresh(tokens.access_token)).headers?.['WWW-Authenticate'], challenge);
    // ... and by the rotation's condition (a token already rotated).
    assert.equal((await refresh(tokens.refresh_token)).statusCode, 200);
    assert.equal((await refresh(tokens.refresh_token)).headers?.['WWW-Authenticate'], challenge);
  });

  // #region log-out-test
  it('ends the session on log-out: its access and refresh tokens get 401 at once', async () => {
    const { tokens } = await newSession();
    assert.equal((await logOut(tokens.access_token)).statusCode, 204);
    assert.equal((await whoAmI(tokens.access_token)).statusCode, 401);
    assert.equal((await sessionInfo(tokens.access_token)).statusCode, 401);
    assert.equal((await refresh(tokens.refresh_token)).statusCode, 401);
    assert.equal((await logOut(tokens.access_token)).statusCode, 401);
  });
  // #endregion log-out-test

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
    assert.equal((await refresh(tokens.refresh_token)).statusCode, 401);
  });
});
