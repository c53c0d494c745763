// @ts-check
/**
 * What a chapter's checks (chapters/NN-name/checks/*.check.ts) are written with. A check is a
 * mocha test with a learner's words around it: its title says what your code must do, its
 * failure says what is missing and where the chapter explains it, and it has hints.
 *
 *   check('POST /user creates an account', {
 *     explained: 'Bind the route',                  // a heading of the chapter's page
 *     hints: ['a nudge', 'the file and function', 'the shape of the code'],
 *   }, async () => {
 *     const answer = await call('POST', '/user', { json: { email, password }, clientId: true });
 *     expectStatus(answer, 201, { 404: 'the route is not in serverless.yml yet' });
 *   });
 *
 * Checks run against an app folder, the target (WORKSHOP_TARGET): your workspace, a chapter's own
 * folder, or final/. Those that speak HTTP start the target's local stack once, on first use, or
 * use a deployed API (WORKSHOP_URL, `workshop verify --url`). A check that needs what only the
 * local stack shows (its logs, its signing key, its database) says so with `local: 'why'`, and is
 * skipped against a deployed API.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ListTablesCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { LOCAL_FUNCTION_TIMEOUT } from '@session-api/local-stack/index.mjs';
import { readServiceResources, readServiceRoutes } from '@session-api/local-stack/service-resources.mjs';
import YAML from 'yaml';
import { functionErrors, missingTable, serviceProblems } from './causes.mjs';
import { startCheckStack } from './check-stack.mjs';
import { readApp, scratchApp } from './workspace.mjs';

/**
 * @typedef {object} CheckMeta
 * @property {string} explained        the heading of the chapter's page that explains it
 * @property {string[]} hints          from a nudge to the shape of the code
 * @property {string} [local]          why it needs the local stack (skipped against --url)
 * @property {number} [timeoutMs]
 */

/**
 * @typedef {object} Api  the API under check: the target's local stack, or a deployed one
 * @property {string} baseUrl
 * @property {boolean} remote
 * @property {() => string} logs              the local stack's output (local only)
 * @property {() => Buffer} signingKey        the local stack's key (local only)
 * @property {(table: string) => Promise<Record<string, any>[]>} scan   a table's items (local only)
 */

/** What target() throws against a deployed API: check() skips the check, with this reason. */
class NotOverHttp extends Error {}

/** The app under check. */
export function target() {
  // Against a deployed API (`verify --url`), the app's files say nothing about that API.
  if (process.env['WORKSHOP_URL']) throw new NotOverHttp("it looks at the app's files, not at the deployed API");
  const dir = process.env['WORKSHOP_TARGET'];
  if (!dir) throw new Error('WORKSHOP_TARGET is not set: run checks with `workshop verify` (or `npm test` in a chapter folder)');
  return dir;
}

/** The client id of every request that needs one (the local stage registers workshop-web). */
export const CLIENT_ID = process.env['WORKSHOP_CLIENT_ID'] ?? 'workshop-web';
/** A second registered client, to show that tokens are bound to theirs. */
export const OTHER_CLIENT_ID = process.env['WORKSHOP_OTHER_CLIENT_ID'] ?? 'workshop-cli';

/**
 * Declares a check: a mocha test with its explanation and hints.
 * @param {string} title what the attendee's code must do
 * @param {CheckMeta} meta
 * @param {() => Promise<void> | void} body
 */
export function check(title, meta, body) {
  // The chain runs only the checks of one section (WORKSHOP_SECTIONS) to prove its step is checked.
  const sections = process.env['WORKSHOP_SECTIONS'];
  if (sections && !(/** @type {string[]} */ (JSON.parse(sections))).includes(meta.explained)) return undefined;
  const test = it(title, async function () {
    if (meta.local && process.env['WORKSHOP_URL']) {
      /** @type {any} */ (this.test).skipReason = meta.local;
      this.skip();
    }
    try {
      await body();
    } catch (error) {
      if (!(error instanceof NotOverHttp)) throw error;
      /** @type {any} */ (this.test).skipReason = error.message;
      this.skip();
    }
  });
  if (meta.timeoutMs) test.timeout(meta.timeoutMs);
  /** @type {any} */ (test).workshop = meta;
  return test;
}

// ---------------------------------------------------------------------------------------------
// The API: started once, on the first check that calls it, and stopped after the last check.

/** @type {Promise<Api> | undefined} */
let running;
/** @type {(() => Promise<void>) | undefined} */
let stopRunning;

/** The API under check: the target's local stack (started on first use), or WORKSHOP_URL. */
export function api() {
  running ??= startApi();
  return running;
}

/** @returns {Promise<Api>} */
async function startApi() {
  const remote = process.env['WORKSHOP_URL'];
  if (remote) {
    const localOnly = (/** @type {string} */ what) => () => {
      throw new Error(`${what} of a deployed API cannot be read: mark this check local`);
    };
    return { baseUrl: remote.replace(/\/+$/, ''), remote: true, logs: localOnly('the logs'), signingKey: localOnly('the signing key'), scan: localOnly('the database') };
  }
  // A stack that `workshop watch` keeps running for the workspace: used as it is, never stopped here.
  const warm = process.env['WORKSHOP_STACK'];
  if (warm) {
    /** @type {import('./check-stack.mjs').StackAddress} */
    const address = JSON.parse(warm);
    const tables = tableReader(address.dynamodbEndpoint);
    stopRunning = async () => tables.close();
    return { baseUrl: address.baseUrl, remote: false, logs: () => readFileSync(address.logFile, 'utf8'), signingKey: () => Buffer.from(address.signingKey, 'base64'), scan: tables.scan };
  }
  let stack;
  try {
    stack = await startCheckStack(target());
  } catch (error) {
    const output = error instanceof Error ? error.message : String(error);
    throw new Error(`npm start failed, so nothing could be called. The last lines it printed:\n${output.split('\n').slice(-15).join('\n')}`, { cause: error });
  }
  const tables = tableReader(stack.dynamodbEndpoint);
  stopRunning = async () => {
    tables.close();
    await stack.stop();
  };
  return { baseUrl: stack.baseUrl, remote: false, logs: stack.logs, signingKey: () => stack.signingKey, scan: tables.scan };
}

/**
 * Reads a table of the stack's database, whatever stage prefix its name has.
 * @param {string} endpoint
 */
function tableReader(endpoint) {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    close: () => client.destroy(),
    /** @param {string} table @returns {Promise<Record<string, any>[]>} */
    scan: async (table) => {
      const { TableNames = [] } = await client.send(new ListTablesCommand({}));
      const name = TableNames.find((candidate) => candidate === table || candidate.endsWith(`-${table}`));
      if (!name) throw new Error(`there is no ${table} table (tables: ${TableNames.join(', ') || 'none'}): is it in serverless.yml's resources?`);
      const { Items = [] } = await client.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
      return Items.map((item) => unmarshall(item));
    },
  };
}

/** Stops what the checks started (mocha's root hook, see hooks.cjs). */
export async function stopApi() {
  await stopRunning?.();
  running = undefined;
  stopRunning = undefined;
}

/**
 * @typedef {object} Answer
 * @property {number} status
 * @property {Record<string, string>} headers   lower-case names
 * @property {string} text
 * @property {any} json                          the parsed body, or undefined
 * @property {number} durationMs
 * @property {string} request                    e.g. "POST /user" (a check may say more: "POST /user with a short password")
 * @property {string} route                      the method and path called, e.g. "POST /user"
 * @property {string} [logs]                     what the local stack printed while it ran (local only)
 */

/**
 * One HTTP call to the API under check.
 * @param {string} method
 * @param {string} route e.g. "/user"
 * @param {{ json?: unknown, body?: string | Buffer, headers?: Record<string, string>, clientId?: boolean | string, token?: string }} [options]
 * @returns {Promise<Answer>}
 */
export async function call(method, route, options = {}) {
  const running = await api();
  const { baseUrl } = running;
  const logsBefore = running.remote ? 0 : running.logs().length;
  /** @type {Record<string, string>} */
  const headers = { ...options.headers };
  if (options.json !== undefined) headers['content-type'] ??= 'application/json';
  if (options.clientId) headers['x-client-id'] = options.clientId === true ? CLIENT_ID : options.clientId;
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
  const started = performance.now();
  const response = await fetch(`${baseUrl}${route}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  /** @type {Answer} */
  const answer = { status: response.status, headers: Object.fromEntries(response.headers), text, json, durationMs: performance.now() - started, request: `${method} ${route}`, route: `${method} ${route.split('?')[0]}` };
  if (!running.remote) answer.logs = running.logs().slice(logsBefore);
  return answer;
}

/**
 * Fails unless the answer has the expected status, saying why in the attendee's words.
 * @param {Answer} answer
 * @param {number} expected
 * @param {Record<number, string>} [whenInstead] what each other status means, e.g. { 404: 'the route is not in serverless.yml yet' }
 */
export function expectStatus(answer, expected, whenInstead = {}) {
  if (answer.status === expected) return;
  const cause = causeOf(answer);
  const meaning = cause?.replaces ? undefined : (whenInstead[answer.status] ?? GENERIC_MEANINGS[answer.status]);
  const detail = answer.json?.detail ? ` ("${answer.json.detail}")` : '';
  const said = `${answer.request} answered ${answer.status}${detail}, not ${expected}${meaning ? `: ${meaning}` : ''}`;
  throw new Error(`${said}${/[.?!]$/.test(said) ? '' : '.'}${cause ? `\n${cause.text}` : ''}`);
}

/** @type {Record<number, string>} */
const GENERIC_MEANINGS = {
  403: 'API Gateway answers "Missing Authentication Token" for a route it does not have: is it in serverless.yml with this method and path?',
  404: 'the route does not exist: is it in serverless.yml with this method and path?',
  500: 'the function threw (its error is below, when the local stack logged one)',
  502: 'the function crashed or answered something that is not an API Gateway response',
};

/**
 * What the local stack knows about a wrong answer that the answer itself does not say: the
 * function's own error and stack for a 5xx (what it logged while the request ran), a table
 * missing from serverless.yml, a local time-out on a busy machine, a route serverless.yml does
 * not have. `replaces`: the cause says all there is, so the check's guess about what the status
 * means is left out.
 * @param {Answer} answer
 * @returns {{ text: string, replaces: boolean } | undefined}
 */
export function causeOf(answer) {
  if (answer.logs === undefined) return undefined;
  if ((answer.status === 403 || answer.status === 404) && (answer.json?.code === 'not_found' || /Missing Authentication Token/.test(answer.text))) {
    const routes = readServiceRoutes(target());
    if (routes.some((known) => known.toUpperCase() === answer.route.toUpperCase())) return undefined;
    return { text: `serverless.yml has no route ${answer.route} (its routes: ${routes.join(', ') || 'none yet'}).`, replaces: true };
  }
  if (answer.status === 504) {
    const limit = Number(process.env['LOCAL_FUNCTION_TIMEOUT']) || LOCAL_FUNCTION_TIMEOUT;
    return {
      text: `The function did not answer within the local stack's ${limit} s: the machine was too busy (a build, a browser, other tests) to run it in time, which says nothing about your code. Close what you can and verify again. (Only if it happens on a quiet machine too does the function wait for something that never comes.)`,
      replaces: true,
    };
  }
  if (answer.status < 500) return undefined;
  const errors = functionErrors(answer.logs, target());
  if (errors.length === 0) return undefined;
  const text = errors.join('\n');
  const missing = missingTable(text) ? serviceProblems(target()) : [];
  const tables = missingTable(text) ? `\nThe function asked DynamoDB for a table it does not have. ${missing.join(' ') || "Is the table in serverless.yml's resources, with the name the function reads?"}` : '';
  return { text: `The function's own error, from the local stack's log:\n${text.split('\n').map((line) => `  ${line}`).join('\n')}${tables}`, replaces: false };
}

/**
 * Fails unless the answer is an RFC 9457 problem document with this code.
 * @param {Answer} answer
 * @param {number} status
 * @param {string} code
 * @param {Record<number, string>} [whenInstead]
 */
export function expectProblem(answer, status, code, whenInstead = {}) {
  expectStatus(answer, status, whenInstead);
  assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/, `${answer.request}: a ${status} must be a problem document (Content-Type: application/problem+json)`);
  assert.equal(answer.json?.code, code, `${answer.request}: the problem's code must be "${code}" (it was ${JSON.stringify(answer.json?.code)})`);
}

// ---------------------------------------------------------------------------------------------
// Accounts and sessions, for the checks of the chapters that build on sign-up and log-in.

/** The password of the accounts the checks make. */
export const PASSWORD = 'correct horse battery staple';

/** An email address that no check has used before. */
export function newEmail() {
  return `ada-${randomUUID()}@example.com`;
}

/**
 * A new account, made with POST /user (chapter 2).
 * @returns {Promise<{ id: string, email: string }>}
 */
export async function newAccount() {
  const email = newEmail();
  const answer = await call('POST', '/user', { json: { email, password: PASSWORD }, clientId: true });
  expectStatus(answer, 201, { 404: 'the sign-up route (chapter 2) is not in serverless.yml yet' });
  return { id: String(answer.json?.id), email };
}

/**
 * A new account, logged in with POST /session (chapter 3): the account and its token pair.
 * @param {string} [clientId] the registered client that logs in
 * @returns {Promise<{ account: { id: string, email: string }, tokens: { access_token: string, refresh_token: string } }>}
 */
export async function newSession(clientId = CLIENT_ID) {
  const account = await newAccount();
  const answer = await call('POST', '/session', { json: { email: account.email, password: PASSWORD }, clientId });
  expectStatus(answer, 201, { 404: 'the log-in route (chapter 3) is not in serverless.yml yet' });
  return { account, tokens: answer.json };
}

/**
 * Warms the workers of a route before a check sends `count` requests to it at once. The local
 * stack (serverless-offline) starts one worker per request that arrives while the others are
 * busy, and that many cold starts at once on a laptop can pass the functions' timeout (504); on
 * AWS each request gets its own instance anyway. `send` makes one cheap request (one refused
 * before any real work); rounds of `count` of them at once go on until one is answered without
 * a 5xx, at most 10 rounds.
 * @param {number} count
 * @param {() => Promise<Answer>} send
 */
export async function warmUp(count, send) {
  for (let round = 1; round <= 10; round += 1) {
    const answers = await Promise.all(Array.from({ length: count }, () => send()));
    if (answers.every((answer) => answer.status < 500)) return;
  }
}

/**
 * Sends `count` requests at the same moment, for a check of what the app does under a race, and
 * returns their answers. A request that a busy machine could not answer in time (a 5xx of the
 * local gateway) says nothing about the race and may even have done its work, so such a round
 * is played again from the start, with new data, at most three times. `round` prepares one round
 * (a fresh account, session or email) and returns the request to send, given its index.
 * @param {number} count
 * @param {() => Promise<(index: number) => Promise<Answer>> | ((index: number) => Promise<Answer>)} round
 * @returns {Promise<Answer[]>}
 */
export async function simultaneously(count, round) {
  /** @type {Answer[]} */
  let answers = [];
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const send = await round();
    answers = await Promise.all(Array.from({ length: count }, (_, index) => send(index)));
    if (answers.every((answer) => answer.status < 500)) return answers;
  }
  return answers;
}

// ---------------------------------------------------------------------------------------------
// The app's own files.

/**
 * The text of a file of the target, or undefined when it does not exist.
 * @param {string} relative
 */
export function appFile(relative) {
  const file = path.join(target(), relative);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The target's serverless.yml, parsed (its `resources` with their includes resolved). */
export function serverlessYml() {
  const text = appFile('serverless.yml');
  if (text === undefined) throw new Error('there is no serverless.yml in the app folder');
  /** @type {any} */
  const service = YAML.parse(text, { merge: true }) ?? {};
  return { ...service, resources: { Resources: readServiceResources(target()) } };
}

/**
 * Loads a module of the target (TypeScript too), e.g. loadModule('src/lib/passwords').
 * @param {string} relative
 * @returns {any}
 */
export function loadModule(relative) {
  const requireFromTarget = createRequire(path.join(target(), 'package.json'));
  requireFromTarget('@session-api/quality/register-typescript');
  return requireFromTarget(path.join(target(), relative));
}

/**
 * A package as the target's own code loads it, e.g. appPackage('jsonwebtoken') to check a token
 * with the library the app signs it with (a check never verifies a signature by hand).
 * @param {string} name
 * @returns {any}
 */
export function appPackage(name) {
  return createRequire(path.join(target(), 'package.json'))(name);
}

/**
 * @typedef {object} TestRun
 * @property {number} passes
 * @property {number} failures
 * @property {{ title: string, message: string }[]} failed
 * @property {string} output
 */

/**
 * Runs some of the target's own mocha tests (its .mocharc.json applies) and reports what ran.
 * @param {string[]} specs e.g. ['src/functions/ping/**\/*.test.ts']
 * @returns {TestRun}
 */
export function runAppTests(specs) {
  const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
  const result = spawnSync(process.execPath, [mocha, '--reporter', 'json', ...specs], { cwd: target(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  // No file matches the specs yet: nothing ran, which is what a learner has not written yet.
  if (/No test files found/.test(result.stderr)) return { passes: 0, failures: 0, failed: [], output: `${result.stdout}${result.stderr}` };
  const start = result.stdout.indexOf('{\n');
  /** @type {any} */
  let report;
  try {
    report = JSON.parse(result.stdout.slice(Math.max(start, 0)));
  } catch {
    return { passes: 0, failures: 1, failed: [{ title: 'the tests could not run', message: `${result.stderr}${result.stdout}`.trim().split('\n').slice(0, 12).join('\n') }], output: `${result.stdout}${result.stderr}` };
  }
  return {
    passes: report.stats.passes,
    failures: report.stats.failures,
    failed: report.failures.map((/** @type {any} */ failure) => ({ title: failure.fullTitle, message: failure.err?.message ?? '' })),
    output: `${result.stdout}${result.stderr}`,
  };
}

/**
 * Fails unless tests of the target matching `specs` exist, ran, and passed.
 * @param {string[]} specs
 * @param {string} what e.g. "ping's unit tests (src/functions/ping/handler.test.ts)"
 */
export function expectAppTestsPass(specs, what) {
  const run = runAppTests(specs);
  if (run.passes + run.failures === 0) throw new Error(`no test ran: write ${what}`);
  if (run.failures > 0) {
    const list = run.failed.map((failure) => `  - ${failure.title}: ${failure.message.split('\n')[0]}`).join('\n');
    throw new Error(`${run.failures} of ${run.passes + run.failures} of ${what} failed:\n${list}`);
  }
}

/**
 * Runs an npm script of the target: `npm run NAME -- ARGS`.
 * @param {string} script
 * @param {string[]} [args]
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 */
export function runScript(script, args = [], { cwd = target(), env = process.env } = {}) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // npm is a .cmd script on Windows, which only a shell can start.
  const result = spawnSync(npm, ['run', script, ...(args.length ? ['--', ...args] : [])], { cwd, env: { ...env, FORCE_COLOR: '0' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/**
 * A copy of the target's app in a new temporary folder, for a check that must change the app to
 * see what happens (chapter 7 adds an untested module to see the coverage gate fail): the
 * learner's own files are never touched. Its packages are found as the target's are; without
 * dependencies and build output. The caller removes the copy.
 * @returns {string} the copy's folder
 */
export function copyOfTarget() {
  return scratchApp(readApp(target()), target());
}
