/**
 * The load test: virtual users (virtual-users.ts) run whole lifecycles against the real local
 * stack for a fixed time; afterwards the test reads the tables and checks what concurrency could
 * have broken. Two spec files use it: a few seconds in `npm test` (lifecycles.test.ts) and a
 * longer run for `npm run load` (lifecycles.full.ts). Loopback only, bounded in time and count.
 */
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { request } from '../e2e/api';
import { startLocalStack, type LocalStack } from '../e2e/local-stack';
import { forEachLimited, runVirtualUsers, type LoadRecord } from './virtual-users';

// The tables of the local stage (serverless.yml: <service>-<stage>-<name>).
const USERS_TABLE = 'session-api-local-users';
const SESSIONS_TABLE = 'session-api-local-sessions';
/** How many requests at once the checks after the run send. */
const CHECK_CONCURRENCY = 4;

async function scan(tables: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: tables }, { TableName: table, ConsistentRead: true })) items.push(...(page.Items ?? []));
  return items;
}

export function describeLoadTest({ users, seconds }: { users: number; seconds: number }): void {
  describe(`load: ${users} virtual users, ${seconds} s of whole lifecycles`, function () {
    this.timeout(60_000 + seconds * 3000);
    let dynalite: { endpoint: string; close: () => Promise<void> };
    let stack: LocalStack;
    let tables: DynamoDBDocumentClient;
    let record: LoadRecord;
    let userItems: Record<string, unknown>[];
    let sessionItems: Map<string, Record<string, unknown>>;

    before(async function () {
      this.timeout(90_000 + seconds * 2000);
      // Our own dynalite, so that the test can read the tables the stack wrote.
      const { startDynamoDB } = await import('@session-api/local-stack/dynamodb.mjs');
      dynalite = await startDynamoDB();
      stack = await startLocalStack({ DYNAMODB_ENDPOINT: dynalite.endpoint });
      tables = DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      );
      record = await runVirtualUsers({ baseUrl: stack.baseUrl, users, seconds });
      userItems = await scan(tables, USERS_TABLE);
      sessionItems = new Map((await scan(tables, SESSIONS_TABLE)).map((item) => [String(item['sessionId']), item]));
    });

    after(async function () {
      this.timeout(20_000);
      tables?.destroy();
      await stack?.stop();
      await dynalite?.close();
    });

    it('completed lifecycles, with no 5xx and no unexpected answer', () => {
      assert.ok(record.lifecycles >= users, `only ${record.lifecycles} lifecycles completed`);
      const serverErrors = [...record.statuses].filter(([status]) => status >= 500);
      assert.deepEqual(serverErrors, [], 'no 5xx answers');
      assert.deepEqual(record.unexpected, []);
    });

    it('created exactly one user per email, and lost no sign-up', () => {
      for (const [email, ids] of record.signUps) assert.equal(ids.length, 1, `${email} was signed up ${ids.length} times`);
      const contestedWinners = [...record.contested].filter((email) => record.signUps.has(email));
      assert.equal(contestedWinners.length, record.contested.size, 'every contested email has its one winner');
      // Every sign-up that answered 201 is in the table with the id it answered, and the table
      // holds nothing else.
      const stored = new Map(userItems.map((item) => [String(item['email']), String(item['id'])]));
      assert.deepEqual(stored, new Map([...record.signUps].map(([email, ids]) => [email, ids[0]])));
    });

    it('refuses every rotated refresh token', async () => {
      assert.ok(record.rotatedRefreshTokens.length > 0);
      await forEachLimited(record.rotatedRefreshTokens, CHECK_CONCURRENCY, async (refreshToken) => {
        const answer = await request(stack.baseUrl, 'PUT', '/session', { headers: { 'X-Client-Id': 'workshop-web' }, json: { refresh_token: refreshToken } });
        assert.equal(answer.status, 401, answer.text);
      });
    });

    it('refuses every token of every logged-out session', async () => {
      await forEachLimited(record.loggedOut, CHECK_CONCURRENCY, async ({ accessToken, refreshToken }) => {
        assert.equal((await request(stack.baseUrl, 'GET', '/user', { headers: { Authorization: `Bearer ${accessToken}` } })).status, 401);
        assert.equal((await request(stack.baseUrl, 'PUT', '/session', { headers: { 'X-Client-Id': 'workshop-web' }, json: { refresh_token: refreshToken } })).status, 401);
      });
    });

    it('left no session both active and logged out', () => {
      // One session per log-in, each logged out at the end of its lifecycle (unless a lifecycle
      // broke off, which the first test reports).
      if (record.unexpected.length === 0) assert.equal(sessionItems.size, record.loggedOut.length);
      for (const { sessionId } of record.loggedOut) {
        const item = sessionItems.get(sessionId);
        assert.ok(item, `session ${sessionId} is missing`);
        assert.equal(typeof item['revokedAt'], 'number', `session ${sessionId} is still active`);
        // Ended by its log-out, never mistaken for a stolen refresh token by a racing request.
        assert.equal(item['revokedReason'], 'logged_out');
        // No refresh rotated it after it ended.
        assert.ok(item['rotatedAt'] === undefined || Number(item['rotatedAt']) <= Number(item['revokedAt']), `session ${sessionId} was refreshed after its log-out`);
      }
    });
  });
}
