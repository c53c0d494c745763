/**
 * What clients see when DynamoDB fails, end to end on the real local stack: the stack's
 * database endpoint is a fault proxy (fault-proxy.ts) in front of dynalite, switched between
 * healthy and broken while requests run.
 *
 * The promise under test, for every route and every kind of failure: an answer within 3 seconds,
 * 503 service_unavailable as a problem document (never a hang until the Lambda timeout, never a
 * 500 or a "bad token"), nothing half-written, and normal answers again as soon as the database
 * is back. The Bearer routes fail inside the Lambda authorizer, which API Gateway turns into the
 * AUTHORIZER_FAILURE gateway response: that path is checked too.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { hashRefreshToken } from '../../src/lib/sessions';
import { request, type Answer } from '../e2e/api';
import { startLocalStack, type LocalStack } from '../e2e/local-stack';
import { startFaultProxy, type FaultMode, type FaultProxy } from './fault-proxy';

const ANSWER_WITHIN_MS = 3000;
const CLIENT = { 'X-Client-Id': 'workshop-web' };
const PASSWORD = 'correct horse battery staple';
// The tables of the local stage (serverless.yml: <service>-<stage>-<name>).
const USERS_TABLE = 'session-api-local-users';
const SESSIONS_TABLE = 'session-api-local-sessions';

interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** Everything one round of faults needs, made while the database is healthy. */
interface Fixtures {
  newEmail: string; // signs up during the fault
  email: string; // has an account, logs in during the fault
  tokens: TokenPair; // refreshed, read with, during the fault
  otherTokens: TokenPair; // logged out during the fault
}

const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });
const sessionIdOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sid as string;

describe('faults: the database is down, stuck or throttling', function () {
  this.timeout(120_000);
  let dynalite: { endpoint: string; close: () => Promise<void> };
  let proxy: FaultProxy;
  let stack: LocalStack;
  let tables: DynamoDBDocumentClient;

  const call = <T = Record<string, unknown>>(method: string, route: string, options: Parameters<typeof request>[3] = {}): Promise<Answer<T>> =>
    request<T>(stack.baseUrl, method, route, options);

  async function logIn(email: string): Promise<TokenPair> {
    const answer = await call<TokenPair>('POST', '/session', { headers: CLIENT, json: { email, password: PASSWORD } });
    assert.equal(answer.status, 201, answer.text);
    return answer.body;
  }

  async function newAccount(): Promise<string> {
    const email = `fault-${randomUUID()}@example.com`;
    const answer = await call('POST', '/user', { headers: CLIENT, json: { email, password: PASSWORD } });
    assert.equal(answer.status, 201, answer.text);
    return email;
  }

  /** Also warms every function up, so that the timings below measure the fault, not a cold start. */
  async function prepare(): Promise<Fixtures> {
    const email = await newAccount();
    const [tokens, otherTokens] = [await logIn(email), await logIn(email)];
    assert.equal((await call('GET', '/user', { headers: bearer(tokens.access_token) })).status, 200);
    assert.equal((await call('GET', '/session', { headers: bearer(tokens.access_token) })).status, 200);
    return { newEmail: `fault-${randomUUID()}@example.com`, email, tokens, otherTokens };
  }

  /** One request of each route, each of which needs the database. */
  const routes: [string, (fixtures: Fixtures) => Promise<Answer>][] = [
    ['POST /user', (f) => call('POST', '/user', { headers: CLIENT, json: { email: f.newEmail, password: PASSWORD } })],
    ['POST /session', (f) => call('POST', '/session', { headers: CLIENT, json: { email: f.email, password: PASSWORD } })],
    ['PUT /session', (f) => call('PUT', '/session', { headers: CLIENT, json: { refresh_token: f.tokens.refresh_token } })],
    ['GET /user', (f) => call('GET', '/user', { headers: bearer(f.tokens.access_token) })],
    ['GET /session', (f) => call('GET', '/session', { headers: bearer(f.tokens.access_token) })],
    ['DELETE /session', (f) => call('DELETE', '/session', { headers: bearer(f.otherTokens.access_token) })],
  ];

  before(async function () {
    this.timeout(90_000);
    const { startDynamoDB } = await import('@session-api/local-stack/dynamodb.mjs');
    dynalite = await startDynamoDB();
    proxy = await startFaultProxy(new URL(dynalite.endpoint));
    stack = await startLocalStack({ DYNAMODB_ENDPOINT: proxy.endpoint });
    // The test reads the tables straight from dynalite, past the proxy.
    tables = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
  });

  after(async function () {
    this.timeout(20_000);
    tables?.destroy();
    await stack?.stop();
    await proxy?.close();
    await dynalite?.close();
  });

  const faults: [FaultMode, string][] = [
    ['refuse', 'is down (connections refused)'],
    ['hang', 'accepts connections and never answers'],
    ['throttle', 'throttles every request'],
  ];

  for (const [mode, what] of faults) {
    describe(`when DynamoDB ${what}`, () => {
      let fixtures: Fixtures;
      const during = new Map<string, { answer: Answer; ms: number }>();
      let pingDuring: Answer;

      before(async function () {
        this.timeout(60_000);
        fixtures = await prepare();
        await proxy.setMode(mode);
        try {
          // One after the other: the timing of each is its own, not a queue behind the others.
          for (const [route, send] of routes) {
            const started = performance.now();
            const answer = await send(fixtures);
            during.set(route, { answer, ms: performance.now() - started });
          }
          pingDuring = await call('GET', '/ping');
        } finally {
          await proxy.setMode('pass');
        }
      });

      for (const [route] of routes) {
        it(`${route} answers 503 service_unavailable within ${ANSWER_WITHIN_MS / 1000} s`, () => {
          const result = during.get(route);
          assert.ok(result, `${route} was not called`);
          const { answer, ms } = result;
          assert.ok(ms < ANSWER_WITHIN_MS, `${route} took ${Math.round(ms)} ms`);
          assert.equal(answer.status, 503, answer.text);
          assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
          assert.equal(answer.headers.get('retry-after'), '1');
          assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'detail', 'status', 'title', 'type']);
          assert.equal(answer.body['code'], 'service_unavailable');
          assert.equal(answer.body['status'], 503);
        });
      }

      it('GET /ping, which needs no database, still answers 200', () => {
        assert.equal(pingDuring.status, 200);
      });

      it('wrote nothing: no half sign-up, no half rotation, no session ended', async () => {
        const user = await tables.send(new GetCommand({ TableName: USERS_TABLE, Key: { email: fixtures.newEmail }, ConsistentRead: true }));
        assert.equal(user.Item, undefined);
        const session = await tables.send(new GetCommand({ TableName: SESSIONS_TABLE, Key: { sessionId: sessionIdOf(fixtures.tokens.refresh_token) }, ConsistentRead: true }));
        assert.equal(session.Item?.['refreshTokenHash'], hashRefreshToken(fixtures.tokens.refresh_token));
        assert.equal(session.Item?.['revokedAt'], undefined);
        const other = await tables.send(new GetCommand({ TableName: SESSIONS_TABLE, Key: { sessionId: sessionIdOf(fixtures.otherTokens.refresh_token) }, ConsistentRead: true }));
        assert.equal(other.Item?.['revokedAt'], undefined);
      });

      it('works again as soon as the database is back: every route, at the first try', async () => {
        // No pause and no retry: the first request after the fault must succeed.
        const signUp = await call('POST', '/user', { headers: CLIENT, json: { email: fixtures.newEmail, password: PASSWORD } });
        assert.equal(signUp.status, 201, `the sign-up that failed can be made again: ${signUp.text}`);
        assert.equal((await call('POST', '/session', { headers: CLIENT, json: { email: fixtures.email, password: PASSWORD } })).status, 201);
        assert.equal((await call('GET', '/user', { headers: bearer(fixtures.tokens.access_token) })).status, 200);
        assert.equal((await call('GET', '/session', { headers: bearer(fixtures.tokens.access_token) })).status, 200);
        const refreshed = await call('PUT', '/session', { headers: CLIENT, json: { refresh_token: fixtures.tokens.refresh_token } });
        assert.equal(refreshed.status, 200, `the refresh token the failed refresh presented is still the current one: ${refreshed.text}`);
        assert.equal((await call('DELETE', '/session', { headers: bearer(fixtures.otherTokens.access_token) })).status, 204);
        assert.equal((await call('GET', '/session', { headers: bearer(fixtures.otherTokens.access_token) })).status, 401);
      });
    });
  }
});
