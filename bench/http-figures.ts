/**
 * The figures measured over HTTP on the local stack: log-in, authenticated reads (throughput and
 * where their time goes), and DynamoDB calls per request of every route.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import { request, type Answer, type RequestOptions } from '../final/test/e2e/api';
import type { LocalStack } from '../final/test/e2e/local-stack';
import { DATABASE_CALLS, type Route } from '../final/test/integration/db-calls';
import { figure, median, quantile, type Figure } from './figures';

/**
 * A log-in may cost at most this many bcrypt comparisons (its floor), at p50. It was 1.25 until
 * the throttle counted each attempt before the password is checked (the race-safe design of
 * chapter 6): that adds a database write before bcrypt and one after it, on the critical path.
 */
const LOG_IN_TARGET = 1.35;
import { activityOf, countCalls, SESSIONS_TABLE, sum, type Activity } from './stack';

const CLIENT = { 'X-Client-Id': 'workshop-web' };
const PASSWORD = 'correct horse battery staple';
const LOG_INS = 30;
const SEQUENTIAL_READS = 100;
/** autocannon: the same connections and duration for every route, after a warm-up. */
const CONNECTIONS = 4;
const WARM_UP_SECONDS = 2;
const SECONDS = 5;

/** The functions that serve each route, its authorizer first. */
const FUNCTIONS: Record<Route, string[]> = {
  'GET /ping': ['ping'],
  'POST /user': ['createUser'],
  'POST /session': ['createSession'],
  'PUT /session': ['refreshSession'],
  'GET /user': ['authorize', 'getUser'],
  'GET /session': ['authorize', 'getSession'],
  'DELETE /session': ['authorize', 'deleteSession'],
};

interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** The bcrypt cost of the local stage, from its config file (what the stack runs with). */
function configuredBcryptCost(): number {
  const settings = parse(readFileSync(path.resolve(__dirname, '../final/config/local.yml'), 'utf8')) as { bcryptCost: number };
  return settings.bcryptCost;
}

async function expect<T>(answer: Promise<Answer<T>>, status: number): Promise<Answer<T>> {
  const settled = await answer;
  if (settled.status !== status) throw new Error(`expected ${status}, got ${settled.status}: ${settled.text}`);
  return settled;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function measureHttp(stack: LocalStack, databaseEndpoint: string, tokenCheckMicroseconds: number): Promise<Figure[]> {
  const call = <T = Record<string, unknown>>(method: string, route: string, options: RequestOptions = {}) => request<T>(stack.baseUrl, method, route, options);
  const email = `bench-${randomUUID()}@example.com`;
  const credentials = { headers: CLIENT, json: { email, password: PASSWORD } };
  const logIn = async () => (await expect(call<TokenPair>('POST', '/session', credentials), 201)).body;
  const calls = new Map<Route, number>();
  const countPerRequest = (route: Route, activity: Activity, requests: number) => calls.set(route, countCalls(activity, FUNCTIONS[route]) / requests);

  // Warm every function up once: cold starts are measured on their own (cold-start.ts).
  await expect(call('POST', '/user', credentials), 201);
  const tokens = await logIn();
  const bearer = { Authorization: `Bearer ${tokens.access_token}` };
  await expect(call('GET', '/ping'), 200);
  await expect(call('GET', '/user', { headers: bearer }), 200);
  await expect(call('GET', '/session', { headers: bearer }), 200);

  // Log-in against one bcrypt compare at the same cost, alternately, so a busy moment of the
  // machine slows both down alike.
  const cost = configuredBcryptCost();
  const hash = await bcrypt.hash(PASSWORD, cost);
  const [logInMs, compareMs]: [number[], number[]] = [[], []];
  countPerRequest(
    'POST /session',
    await activityOf(stack, async () => {
      for (let sample = 0; sample < LOG_INS; sample += 1) {
        compareMs.push(await timed(() => bcrypt.compare(PASSWORD, hash)));
        logInMs.push(await timed(logIn));
      }
    }),
    LOG_INS,
  );
  const figures = [figure('log-in', median(logInMs), 'ms p50', median(compareMs), LOG_IN_TARGET), figure('log-in-p90', quantile(logInMs, 0.9), 'ms p90', quantile(compareMs, 0.9))];

  // The floor of a database call: one consistent GetItem sent straight to dynalite.
  const direct = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: databaseEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  const getItemMs: number[] = [];
  for (let sample = 0; sample < SEQUENTIAL_READS; sample += 1) {
    getItemMs.push(await timed(() => direct.send(new GetCommand({ TableName: SESSIONS_TABLE, Key: { sessionId: randomUUID() }, ConsistentRead: true }))));
  }
  direct.destroy();
  const getItemFloor = sum(getItemMs) / getItemMs.length;

  // Where the time of one request goes, one request at a time. Means, so that the parts add up.
  async function split(route: Route, send: () => Promise<unknown>): Promise<{ totalMs: number; activity: Activity }> {
    const latencies: number[] = [];
    const activity = await activityOf(stack, async () => {
      for (let sample = 0; sample < SEQUENTIAL_READS; sample += 1) latencies.push(await timed(send));
    });
    countPerRequest(route, activity, SEQUENTIAL_READS);
    return { totalMs: sum(latencies) / SEQUENTIAL_READS, activity };
  }
  const perRequest = (values: readonly number[] | undefined) => sum(values) / SEQUENTIAL_READS;
  const ping = await split('GET /ping', () => expect(call('GET', '/ping'), 200));
  const pingFunctionMs = perRequest(ping.activity.invocations.get('ping'));
  for (const [route, name, fn] of [
    ['GET /user', 'get-user', 'getUser'],
    ['GET /session', 'get-session', 'getSession'],
  ] as const) {
    const { totalMs, activity } = await split(route, () => expect(call('GET', route.split(' ')[1] ?? '', { headers: bearer }), 200));
    const authorizerMs = perRequest(activity.invocations.get('authorize'));
    const handlerMs = perRequest(activity.invocations.get(fn));
    const authorizerDbMs = perRequest(activity.databaseCalls.get('authorize'));
    const handlerDbMs = perRequest(activity.databaseCalls.get(fn));
    figures.push(
      figure(`${name}-authorizer`, authorizerMs - authorizerDbMs, 'ms', tokenCheckMicroseconds / 1000),
      figure(`${name}-database`, authorizerDbMs + handlerDbMs, 'ms', DATABASE_CALLS[route] * getItemFloor),
      figure(`${name}-handler`, handlerMs - handlerDbMs, 'ms', pingFunctionMs),
      figure(`${name}-gateway`, totalMs - authorizerMs - handlerMs, 'ms', ping.totalMs - pingFunctionMs),
    );
  }

  // Throughput: fixed connections and duration, GET /ping first as the floor.
  const throughput = async (route: string, headers: Record<string, string> = {}): Promise<number> => {
    const url = `${stack.baseUrl}${route}`;
    await autocannon({ url, headers, connections: CONNECTIONS, duration: WARM_UP_SECONDS });
    const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${route}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
    return result.requests.average;
  };
  const pingRate = await throughput('/ping');
  figures.push(figure('get-user-throughput', await throughput('/user', bearer), 'req/s', pingRate));
  figures.push(figure('get-session-throughput', await throughput('/session', bearer), 'req/s', pingRate));

  // The remaining routes' calls, each in a stretch of its own (set-up before it).
  countPerRequest('POST /user', await activityOf(stack, () => expect(call('POST', '/user', { headers: CLIENT, json: { email: `bench-${randomUUID()}@example.com`, password: PASSWORD } }), 201).then(() => undefined)), 1);
  let refreshToken = (await logIn()).refresh_token;
  const refreshes = 10;
  countPerRequest(
    'PUT /session',
    await activityOf(stack, async () => {
      for (let sample = 0; sample < refreshes; sample += 1) {
        refreshToken = (await expect(call<TokenPair>('PUT', '/session', { headers: CLIENT, json: { refresh_token: refreshToken } }), 200)).body.refresh_token;
      }
    }),
    refreshes,
  );
  const toEnd = await logIn();
  countPerRequest('DELETE /session', await activityOf(stack, () => expect(call('DELETE', '/session', { headers: { Authorization: `Bearer ${toEnd.access_token}` } }), 204).then(() => undefined)), 1);

  for (const route of Object.keys(DATABASE_CALLS) as Route[]) {
    figures.push(figure(`db-calls ${route}`, calls.get(route) ?? Number.NaN, 'calls', DATABASE_CALLS[route]));
  }
  return figures;
}
