/**
 * Pins the number of DynamoDB calls of each route (db-calls.ts says why each is the minimum).
 * A counting middleware on the test's client sees every call of the real handlers, in-process.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readServiceRoutes } from '@session-api/local-stack/service-resources.mjs';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { handler as ping } from '../../src/functions/ping/handler';
import { watchCalls } from '../../src/lib/dynamodb';
import { apiEvent, context, jsonOf } from '../helpers/events';
import { startTestDatabase, type TestDatabase } from './database';
import { DATABASE_CALLS, type Route } from './db-calls';
import { logIn, logOut, newSession, refresh, sessionInfo, signUp, uniqueEmail, whoAmI, type TokenPair } from './flows';

describe('integration: DynamoDB calls per request', () => {
  let database: TestDatabase;
  let calls: string[] = [];
  before(async () => {
    database = await startTestDatabase();
    watchCalls(database.client, (call) => calls.push(call.command));
  });
  after(async () => database.stop());

  /** Runs one request (after its setup, which is not counted) and returns the calls it made. */
  async function callsOf(send: () => Promise<APIGatewayProxyResult>, expectedStatus: number): Promise<string[]> {
    calls = [];
    const answer = await send();
    assert.equal(answer.statusCode, expectedStatus, answer.body);
    return calls;
  }

  const routes: [Route, () => Promise<() => Promise<APIGatewayProxyResult>>, number][] = [
    ['GET /ping', async () => () => ping(apiEvent(), context), 200],
    ['POST /user', async () => () => signUp(uniqueEmail()), 201],
    [
      'POST /session',
      async () => {
        const email = uniqueEmail();
        await signUp(email);
        return () => logIn(email);
      },
      201,
    ],
    ['PUT /session', async () => ((tokens: TokenPair) => () => refresh(tokens.refresh_token))((await newSession()).tokens), 200],
    ['GET /user', async () => ((tokens: TokenPair) => () => whoAmI(tokens.access_token))((await newSession()).tokens), 200],
    ['GET /session', async () => ((tokens: TokenPair) => () => sessionInfo(tokens.access_token))((await newSession()).tokens), 200],
    ['DELETE /session', async () => ((tokens: TokenPair) => () => logOut(tokens.access_token))((await newSession()).tokens), 204],
  ];

  it('counts every route of serverless.yml, and only those', () => {
    const declared = readServiceRoutes(path.resolve(__dirname, '../..')).sort();
    assert.deepEqual(routes.map(([route]) => route).sort(), declared, 'add the route to this table and to DATABASE_CALLS (db-calls.ts)');
    assert.deepEqual(Object.keys(DATABASE_CALLS).sort(), declared);
  });

  for (const [route, setUp, status] of routes) {
    it(`${route} makes ${DATABASE_CALLS[route]} call(s)`, async () => {
      const made = await callsOf(await setUp(), status);
      assert.equal(made.length, DATABASE_CALLS[route], `${route} made ${made.length} calls: ${made.join(', ')}`);
    });
  }

  it('counts a call once, whatever its answer', async () => {
    const { tokens } = await newSession();
    assert.equal((await refresh(tokens.refresh_token)).statusCode, 200);
    // The reused token fails its condition (one call), the session is read to rule out a
    // retried rotation of our own (a second call), then the session ends (a third call).
    const made = await callsOf(() => refresh(tokens.refresh_token), 401);
    assert.deepEqual(made, ['UpdateItemCommand', 'GetItemCommand', 'UpdateItemCommand']);
    assert.equal(jsonOf<{ code: string }>(await refresh(tokens.refresh_token)).code, 'invalid_token');
  });
});
