/**
 * Property tests: whatever a client sends (random bodies, headers and tokens, valid and nearly
 * valid ones mixed in), no route answers a 5xx, and every error is a problem document. The
 * handlers and the authorizer run in-process against an embedded DynamoDB (as in
 * test/integration), in the order API Gateway runs them.
 *
 * fast-check prints the seed and the smallest failing request when a property fails; run it
 * again with that seed (fc.assert's `seed` option) to reproduce it.
 */
import assert from 'node:assert/strict';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import fc from 'fast-check';
import { handler as authorize } from '../../src/functions/authorize/handler';
import { handler as createSession } from '../../src/functions/createSession/handler';
import { handler as createUser } from '../../src/functions/createUser/handler';
import { handler as deleteSession } from '../../src/functions/deleteSession/handler';
import { handler as getSession } from '../../src/functions/getSession/handler';
import { handler as getUser } from '../../src/functions/getUser/handler';
import { handler as ping } from '../../src/functions/ping/handler';
import { handler as refreshSession } from '../../src/functions/refreshSession/handler';
import { PROBLEM_CONTENT_TYPE } from '../../src/lib/problem';
import { apiEvent, authorizerEvent, context, OTHER_CLIENT_ID } from '../helpers/events';
import { startTestDatabase, type TestDatabase } from '../integration/database';
import { newSession, PASSWORD, type TokenPair } from '../integration/flows';

const RUNS_PER_ROUTE = 100;

/** One random request: what a client controls. */
interface RandomRequest {
  headers: Record<string, string>;
  body: string | null;
  isBase64Encoded: boolean;
}

type HttpFunction = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const base64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Tokens: real ones, real ones with one character changed, JWT-shaped garbage, plain garbage. */
function tokens(real: string[]): fc.Arbitrary<string> {
  const realToken = fc.constantFrom(...real);
  const mutated = fc.tuple(realToken, fc.nat(), fc.constantFrom('A', 'b', '-', '_', '.', '=')).map(([token, at, character]) => {
    const index = at % token.length;
    return `${token.slice(0, index)}${character}${token.slice(index + 1)}`;
  });
  const [, realPayload = ''] = (real[0] ?? '').split('.');
  const jwtShaped = fc.tuple(fc.jsonValue(), fc.jsonValue(), fc.string()).map(([header, payload, signature]) => `${base64url(header)}.${base64url(payload)}.${base64url(signature)}`);
  const unsigned = fc.constantFrom('none', 'None', 'HS512', 'RS256').map((alg) => `${base64url({ alg, typ: 'JWT' })}.${realPayload}.`);
  return fc.oneof({ arbitrary: realToken, weight: 5 }, mutated, jwtShaped, unsigned, fc.string(), fc.string({ unit: 'binary', maxLength: 50 }));
}

/** The JSON fields a route reads: right, wrong, missing, or with unknown fields beside them. */
type BodyFields = 'credentials' | 'refresh token' | 'none';

/** Bodies: absent, not JSON, any JSON, and objects with the route's fields, right or wrong. */
function bodies(fields: BodyFields, email: string, token: fc.Arbitrary<string>): fc.Arbitrary<string | null> {
  const emails = fc.oneof(
    { arbitrary: fc.constant(email), weight: 2 },
    { arbitrary: fc.uuid().map((id) => `property-${id}@example.com`), weight: 2 },
    fc.emailAddress(),
    fc.string(),
    fc.integer(),
  );
  const passwords = fc.oneof({ arbitrary: fc.constant(PASSWORD), weight: 2 }, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constant(null));
  const routeFields: fc.Arbitrary<Record<string, unknown>> =
    fields === 'credentials'
      ? fc.record({ email: emails, password: passwords }, { requiredKeys: [] })
      : fields === 'refresh token'
        ? fc.record({ refresh_token: fc.oneof({ arbitrary: token, weight: 4 }, fc.integer(), fc.constant(null)) }, { requiredKeys: [] })
        : fc.constant({});
  const withExtras = fc.tuple(routeFields, fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1, maxKeys: 2 })).map(([known, extra]) => ({ ...extra, ...known }));
  return fc.oneof(
    fc.constant(null),
    fc.string(),
    fc.json(),
    { arbitrary: routeFields.map((value) => JSON.stringify(value)), weight: 6 },
    withExtras.map((value) => JSON.stringify(value)),
    fc.constant(JSON.stringify({ email, password: 'x'.repeat(20 * 1024) })), // over the 16 KiB limit
  );
}

function requests(fields: BodyFields, email: string, token: fc.Arbitrary<string>): fc.Arbitrary<RandomRequest> {
  // Mostly the right headers, so that random bodies and tokens get past the first checks.
  const known = fc.record(
    {
      'Content-Type': fc.oneof(
        { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 4 },
        fc.constantFrom('APPLICATION/JSON', 'text/plain', ''),
        fc.string(),
      ),
      'X-Client-Id': fc.oneof({ arbitrary: fc.constantFrom('workshop-web', OTHER_CLIENT_ID), weight: 4 }, fc.string()),
      Authorization: fc.oneof({ arbitrary: token.map((value) => `Bearer ${value}`), weight: 4 }, token, fc.string()),
    },
    { requiredKeys: ['Content-Type', 'X-Client-Id', 'Authorization'] },
  );
  const headers = fc.tuple(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), known).map(([extra, named]) => ({ ...extra, ...named }));
  const base64Flag = fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, fc.constant(true));
  return fc.record({ headers, body: bodies(fields, email, token), isBase64Encoded: base64Flag }).map((request) => ({
    ...request,
    // A base64 flag with a base64 body (API Gateway's binary bodies), or with a body that is not.
    body: request.isBase64Encoded && request.body !== null && request.body.length % 2 === 0 ? Buffer.from(request.body).toString('base64') : request.body,
  }));
}

function eventFor(method: string, resource: string, request: RandomRequest, authorizer: Record<string, string> | null = null): APIGatewayProxyEvent {
  return { ...apiEvent({ method, resource, authorizer }), headers: request.headers, body: request.body, isBase64Encoded: request.isBase64Encoded };
}

/**
 * Runs a Bearer route as API Gateway does: the authorizer first, then (if it allowed) the handler
 * with its context as strings. A refusal is API Gateway's own 401 problem; anything else the
 * authorizer throws would be a 503 AUTHORIZER_FAILURE, and fails the property.
 */
async function throughAuthorizer(method: string, resource: string, request: RandomRequest, run: HttpFunction): Promise<APIGatewayProxyResult | 'refused'> {
  let authorizer: Record<string, string>;
  try {
    const result = await authorize({ ...authorizerEvent(undefined), httpMethod: method, resource, headers: request.headers }, context);
    authorizer = Object.fromEntries(Object.entries(result.context ?? {}).map(([key, value]) => [key, String(value)]));
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return 'refused';
    throw error;
  }
  return run(eventFor(method, resource, request, authorizer), context);
}

/** The property every answer must have: below 500, and an error is a problem document. */
function assertWellFormed(answer: APIGatewayProxyResult | 'refused'): void {
  if (answer === 'refused') return;
  assert.ok(answer.statusCode < 500, `answered ${answer.statusCode}: ${answer.body}`);
  if (answer.statusCode < 400) return;
  assert.equal(answer.headers?.['Content-Type'], PROBLEM_CONTENT_TYPE);
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(problem).sort(), ['code', 'detail', 'status', 'title', 'type']);
  assert.equal(problem['status'], answer.statusCode);
  for (const field of ['type', 'title', 'detail', 'code']) assert.equal(typeof problem[field], 'string');
}

describe('properties: random requests never get a 5xx or a non-problem error', function () {
  // bcrypt (cost 10) runs for every well-formed sign-up and log-in among the random requests.
  this.timeout(120_000);
  let database: TestDatabase;
  before(async () => {
    database = await startTestDatabase();
  });
  after(async () => database.stop());

  const routes: [string, string, BodyFields, (request: RandomRequest) => Promise<APIGatewayProxyResult | 'refused'>][] = [
    ['GET', '/ping', 'none', (r) => ping(eventFor('GET', '/ping', r), context)],
    ['POST', '/user', 'credentials', (r) => createUser(eventFor('POST', '/user', r), context)],
    ['POST', '/session', 'credentials', (r) => createSession(eventFor('POST', '/session', r), context)],
    ['PUT', '/session', 'refresh token', (r) => refreshSession(eventFor('PUT', '/session', r), context)],
    ['GET', '/user', 'none', (r) => throughAuthorizer('GET', '/user', r, getUser)],
    ['GET', '/session', 'none', (r) => throughAuthorizer('GET', '/session', r, getSession)],
    ['DELETE', '/session', 'none', (r) => throughAuthorizer('DELETE', '/session', r, deleteSession)],
  ];

  for (const [method, resource, fields, send] of routes) {
    it(`${method} ${resource}`, async () => {
      // Fresh sessions per route: a refresh or log-out in one route's runs ends its sessions.
      const web = await newSession();
      const cli: { tokens: TokenPair } = await newSession(OTHER_CLIENT_ID);
      const real = [web.tokens.access_token, web.tokens.refresh_token, cli.tokens.access_token, cli.tokens.refresh_token];
      const request = requests(fields, web.email, tokens(real));
      await fc.assert(
        fc.asyncProperty(request, async (random) => assertWellFormed(await send(random))),
        { numRuns: RUNS_PER_ROUTE },
      );
    });
  }
});
