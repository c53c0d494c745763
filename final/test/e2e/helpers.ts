/**
 * Shared helpers of the end-to-end suite: fresh identities, the common calls (sign up, log in,
 * refresh) and one assertion for the problem documents every error must be.
 *
 * All tests share one database, so every test makes its own account with a unique email and
 * never depends on what another test created.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { request, type Answer, type RequestOptions } from './api';
import { stack } from './hooks';
import { rememberPassword, rememberTokens } from './secrets-seen';

// The settings of the local stage (config/local.yml and serverless.yml), as a client sees them.
// `npm run smoke` runs this suite against a deployed stage and names its clients.
export const WEB_CLIENT = process.env['E2E_CLIENT_ID'] ?? 'workshop-web';
export const CLI_CLIENT = process.env['E2E_OTHER_CLIENT_ID'] ?? 'workshop-cli';
export const ISSUER = 'urn:session-api:local';
export const ACCESS_TOKEN_TTL_SECONDS = 900;
export const SESSION_TTL_SECONDS = 2_592_000;
export const MAX_FAILED_LOG_INS = 10;
/** The challenge of a 401 on a Bearer route when no token was sent (RFC 6750 section 3: no error code). */
export const NO_TOKEN = 'Bearer realm="session-api"';
/** The challenge when a token was sent and refused. */
export const REFUSED_TOKEN = 'Bearer realm="session-api", error="invalid_token"';

/** The JSON body of POST /session and PUT /session. */
export interface TokenPair {
  token_type: string;
  access_token: string;
  access_token_expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

export interface Account {
  id: string;
  email: string;
  password: string;
}

/** A unique email, so that tests sharing one database never meet. */
export function newEmail(label = 'user'): string {
  return `${label}-${randomUUID()}@example.com`;
}

/**
 * A unique, valid password (19 characters), registered as a secret the logs must never show.
 * Unique so that finding it in the logs can only mean it was logged.
 */
export function newPassword(): string {
  return rememberPassword(`pw-${randomBytes(12).toString('base64url')}`);
}

/** One HTTP call to the running local stack. */
export function call<T = Record<string, unknown>>(method: string, route: string, options: RequestOptions = {}): Promise<Answer<T>> {
  return request<T>(stack().baseUrl, method, route, options);
}

export function clientHeader(clientId: string = WEB_CLIENT): Record<string, string> {
  return { 'X-Client-Id': clientId };
}

export function bearer(accessToken: string, extraHeaders: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${accessToken}`, ...extraHeaders };
}

/** POST /user without any expectation: for tests about refusals. */
export function attemptSignUp(email: string, password: string, clientId: string = WEB_CLIENT): Promise<Answer> {
  rememberPassword(password);
  return call('POST', '/user', { headers: clientHeader(clientId), json: { email, password } });
}

/** POST /session without any expectation: for tests about refusals. */
export function attemptLogIn(email: string, password: string, clientId: string = WEB_CLIENT): Promise<Answer> {
  rememberPassword(password);
  return call('POST', '/session', { headers: clientHeader(clientId), json: { email, password } });
}

/** Creates an account and checks that it was created. */
export async function signUp(email: string = newEmail(), password: string = newPassword()): Promise<Account> {
  const answer = await attemptSignUp(email, password);
  assert.equal(answer.status, 201, `sign-up failed: ${answer.text}`);
  const id = answer.body['id'];
  assert.equal(typeof id, 'string');
  return { id: id as string, email, password };
}

/** Logs in and checks that it worked; the tokens are registered as secrets. */
export async function logIn(account: Pick<Account, 'email' | 'password'>, clientId: string = WEB_CLIENT): Promise<TokenPair> {
  const answer = await call<TokenPair>('POST', '/session', { headers: clientHeader(clientId), json: { email: account.email, password: account.password } });
  assert.equal(answer.status, 201, `log-in failed: ${answer.text}`);
  rememberTokens(answer.body);
  return answer.body;
}

/** A new account with one session: the starting point of most session and token tests. */
export async function newSession(clientId: string = WEB_CLIENT): Promise<{ account: Account; tokens: TokenPair }> {
  const account = await signUp();
  return { account, tokens: await logIn(account, clientId) };
}

/** PUT /session; whatever the answer, tokens it issues are registered as secrets. */
export async function refresh(refreshToken: string, clientId: string = WEB_CLIENT): Promise<Answer<TokenPair>> {
  const answer = await call<TokenPair>('PUT', '/session', { headers: clientHeader(clientId), json: { refresh_token: refreshToken } });
  if (answer.status === 200) rememberTokens(answer.body);
  return answer;
}

// What must never appear in an error body: a stack trace, a DynamoDB error name, or words that
// tell whether an account exists ("user not found").
const STACK_FRAME = /\bat (?:async )?(?:\S+ \()?(?:\/|file:|node:)/;
const SOURCE_POSITION = /\.(?:ts|js|mjs|cjs):\d+/;
const DYNAMODB_ERROR_NAMES = [
  'ConditionalCheckFailed',
  'ResourceNotFound',
  'ResourceInUse',
  'ValidationException',
  'ProvisionedThroughputExceeded',
  'TransactionCanceled',
  'ThrottlingException',
];


/**
 * Sends `count` requests at once, in rounds, until a round is answered in full with `status` (at
 * most 10 rounds): it leaves `count` warm function workers, so that a race test that follows
 * measures the rule it tests, not cold starts on a busy laptop.
 */
export async function warmUp(count: number, send: () => Promise<Answer>, status: number): Promise<void> {
  for (let round = 1; round <= 10; round += 1) {
    const answers = await Promise.all(Array.from({ length: count }, () => send()));
    if (answers.every((answer) => answer.status === status)) return;
  }
}
/**
 * Asserts that an answer is an RFC 9457 problem document with this status (and code, if
 * given), and that it gives nothing away: no stack trace, no source path, no DynamoDB error.
 */
export function assertProblem(answer: Answer<unknown>, status: number, code?: string): void {
  assert.equal(answer.status, status, `expected HTTP ${status}, got ${answer.status}: ${answer.text}`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json\b/, 'an error must be application/problem+json');
  const body = answer.body as Record<string, unknown>;
  assert.equal(body['status'], status, 'the body repeats the HTTP status');
  for (const field of ['title', 'detail', 'code']) {
    const value = body[field];
    assert.ok(typeof value === 'string' && value.length > 0, `the problem has no ${field}: ${answer.text}`);
  }
  if (code !== undefined) assert.equal(body['code'], code);
  assert.doesNotMatch(answer.text, STACK_FRAME, 'an error body must not carry a stack trace');
  assert.doesNotMatch(answer.text, SOURCE_POSITION, 'an error body must not name source files');
  for (const name of DYNAMODB_ERROR_NAMES) {
    assert.ok(!answer.text.includes(name), `an error body must not name a DynamoDB error (${name})`);
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle];
  if (upper === undefined) throw new Error('median of no values');
  return sorted.length % 2 === 1 ? upper : (upper + (sorted[middle - 1] ?? upper)) / 2;
}
