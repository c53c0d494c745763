/**
 * Chapter 6's checks: log-in throttling (also when 30 log-ins come at once), size limits, one
 * structured log line per request with no secret anywhere in the logs, and CORS for the stage's
 * web client only. Run them with `npm run workshop -- verify` (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, call, causeOf, check, CLIENT_ID, expectProblem, expectStatus, newAccount, newEmail, newSession, PASSWORD, simultaneously, type Answer, warmUp } from '@session-api/workshop/checks';

/** The most failed log-ins per email and window (config/local.yml loginThrottle.maxFailures). */
const MAX_FAILURES = 10;
/** The stage's web client (config/local.yml corsOrigin). */
const WEB_ORIGIN = 'http://localhost:5173';

const logIn = (email: string, password: string) => call('POST', '/session', { json: { email, password }, clientId: true });
const wrongPassword = () => `wrong password ${randomUUID()}`;

/** A refusal of the throttle: 429 too_many_attempts, with Retry-After in whole seconds. */
function expectThrottled(answer: Answer, what: string): void {
  answer.request = `POST /session ${what}`;
  expectProblem(answer, 429, 'too_many_attempts', { 401: 'the password was checked anyway: count the attempt before checking it, and refuse once the window is full', 201: 'the log-in went through: the throttle must refuse it too' });
  const retryAfter = Number(answer.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 900, `${answer.request}: a 429 must say when to try again, Retry-After in whole seconds (it was ${JSON.stringify(answer.headers['retry-after'])})`);
}

/** Fails MAX_FAILURES log-ins for this email, one after the other, then proves the next one is throttled. */
async function throttle(email: string): Promise<void> {
  for (let failure = 1; failure <= MAX_FAILURES; failure += 1) {
    expectProblem(await logIn(email, wrongPassword()), 401, 'invalid_credentials', { 429: `only ${failure - 1} failures were allowed, not ${MAX_FAILURES}` });
  }
  expectThrottled(await logIn(email, wrongPassword()), `after ${MAX_FAILURES} failures`);
}

describe('Chapter 6: hardening', () => {
  check(
    `after ${MAX_FAILURES} failed log-ins for an email, the next one gets 429 with Retry-After, even with the right password`,
    {
      explained: 'Count log-in attempts',
      hints: [
        'Without a limit, anyone can guess passwords for an email as fast as the API answers.',
        'In src/functions/createSession/handler.ts, call countAttempt(email, now) (src/lib/login-throttle.ts) before verifyPassword, at the same time as findUserByEmail, and throw Problem(\'too_many_attempts\') when it is refused.',
        'const [admission, user] = await Promise.all([countAttempt(email, now), findUserByEmail(email)]); if (!admission.allowed) throw new Problem(\'too_many_attempts\', \'Too many failed log-ins for this email. Try again later.\', { \'Retry-After\': String(admission.retryAfterSeconds) });',
      ],
    },
    async () => {
      const account = await newAccount();
      await throttle(account.email);
      expectThrottled(await logIn(account.email, PASSWORD), 'with the right password, after the failures');
    },
  );

  check(
    `20 log-ins at the same moment for an email with no account: at most ${MAX_FAILURES} passwords are checked, the others get 429`,
    {
      explained: 'Many log-ins at once',
      hints: [
        'Reading the count, checking the password (bcrypt, about 100 ms) and writing the failure afterwards lets every request of those 100 ms through.',
        'addToOpenWindow in src/lib/login-throttle.ts adds the attempt in one UpdateCommand: ADD attemptIds :attempt (and the window\'s end if there is none yet), with a ConditionExpression that refuses once the window is full.',
        'UpdateExpression: \'SET windowEndsAt = if_not_exists(windowEndsAt, :newWindowEndsAt) ADD attemptIds :attempt\', ConditionExpression: \'attribute_not_exists(email) OR (windowEndsAt > :now AND (attribute_not_exists(attemptIds) OR contains(attemptIds, :id) OR size(attemptIds) < :max))\'',
      ],
      timeoutMs: 120_000,
    },
    async () => {
      // Twenty log-ins for an email that is already throttled (each gets 429 without a password
      // check) warm twenty workers first.
      const throttled = newEmail();
      await throttle(throttled);
      await warmUp(20, () => logIn(throttled, wrongPassword()));
      const race = await simultaneously(20, () => {
        const email = newEmail();
        return () => logIn(email, wrongPassword());
      });
      const statuses = race.map((answer) => answer.status).join(', ');
      // A wrong password answers 401 once it was checked: those are the passwords checked.
      const checked = race.filter((answer) => answer.status === 401);
      assert.ok(checked.length <= MAX_FAILURES, `${checked.length} of 20 simultaneous log-ins had their password checked, not at most ${MAX_FAILURES} (${statuses}): count each attempt before its password is checked, in one conditional write`);
      // A 503 or 504 is no answer about the race: the local database or function did not answer
      // in time, which on a busy machine is not the code's doing; a 500 is the code's own error.
      const unanswered = race.filter((answer) => answer.status === 503 || answer.status === 504);
      const first = unanswered[0];
      if (first) {
        const cause = causeOf(first)?.text;
        throw new Error(`${unanswered.length} of 20 simultaneous log-ins were not answered in time (${statuses}): the machine was too busy for the local stack, so they say nothing about your code. Run verify again when it is quieter.${cause ? `\n${cause}` : ''}`);
      }
      for (const answer of race.filter((candidate) => candidate.status !== 429)) expectProblem(answer, 401, 'invalid_credentials');
      for (const answer of race.filter((candidate) => candidate.status === 429)) expectThrottled(answer, 'of 20 at once');
    },
  );

  check(
    'size limits: a body over 16 KiB gets 413 on every route that reads one, and a refresh_token over 4 KiB gets 400 before any token work',
    {
      explained: 'Size limits',
      hints: [
        'Every input has a size a real client never passes: refuse more before doing any work with it.',
        'parseJsonBody in src/lib/http.ts already refuses bodies over MAX_BODY_BYTES; the body schema of refreshSession (src/functions/refreshSession/handler.ts) must cap refresh_token at 4096 characters.',
        'const bodySchema = z.strictObject({ refresh_token: z.string().min(1).max(4096) });',
      ],
    },
    async () => {
      const big = 'x'.repeat(17 * 1024);
      for (const [method, route, json] of [['POST', '/user', { email: newEmail(), password: big }], ['POST', '/session', { email: newEmail(), password: big }], ['PUT', '/session', { refresh_token: big }]] as const) {
        expectProblem(await call(method, route, { json, clientId: true }), 413, 'payload_too_large');
      }
      const long = await call('PUT', '/session', { json: { refresh_token: `${'a'.repeat(2100)}.${'b'.repeat(2100)}.c` }, clientId: true });
      long.request = 'PUT /session with a refresh_token of 4 KiB and more';
      expectProblem(long, 400, 'invalid_request', { 401: 'it was read as a token: refuse a refresh_token over 4096 characters in the body schema' });
      assert.match(String(long.json?.detail), /refresh_token/, `${long.request}: the problem's detail must name the field refresh_token`);
    },
  );

  check(
    'CORS: the answers let the stage\'s web client (http://localhost:5173) read them, and no other origin',
    {
      explained: 'CORS',
      hints: [
        'A browser lets a page of another origin read an answer only if the answer names that origin; API Gateway answers the preflight OPTIONS request from the routes\' cors setting.',
        'Every route of serverless.yml names cors: *cors: define that anchor under custom: with the stage\'s corsOrigin, the headers a client sends, and maxAge; corsHeaders() in src/lib/cors.ts gives the functions\' own answers the same origin.',
        'cors: &cors { origin: ${self:custom.settings.corsOrigin}, headers: [Content-Type, Authorization, X-Client-Id], maxAge: 600 }; and in corsHeaders: if (!origin) return {}; return { \'Access-Control-Allow-Origin\': origin, \'Access-Control-Expose-Headers\': EXPOSED_HEADERS };',
      ],
    },
    async () => {
      for (const origin of [WEB_ORIGIN, 'https://attacker.example']) {
        const preflight = await call('OPTIONS', '/session', { headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-client-id' } });
        preflight.request = `OPTIONS /session from ${origin}`;
        // API Gateway answers a preflight itself, without a function, so no function's error can explain it.
        if (preflight.status !== 200) throw new Error(`${preflight.request} answered ${preflight.status}, not 200: there is no preflight answer: give custom.cors in serverless.yml (the &cors anchor every route names) the stage's origin, then restart serve`);
        assert.equal(preflight.headers['access-control-allow-origin'], WEB_ORIGIN, `${preflight.request}: Access-Control-Allow-Origin must always be the stage's web client, ${WEB_ORIGIN} (never the caller's origin, never *)`);
        assert.equal(preflight.headers['access-control-allow-credentials'], undefined, `${preflight.request}: the API uses no cookies, so it must not allow credentials`);
      }
      const refused = await call('PUT', '/session', { json: { refresh_token: 'not.a.token' }, clientId: CLIENT_ID, headers: { origin: WEB_ORIGIN } });
      expectStatus(refused, 401);
      assert.equal(refused.headers['access-control-allow-origin'], WEB_ORIGIN, `${refused.request}: a function's answer must carry Access-Control-Allow-Origin: ${WEB_ORIGIN} too (corsHeaders() in src/lib/cors.ts)`);
      assert.match(refused.headers['access-control-expose-headers'] ?? '', /WWW-Authenticate/i, `${refused.request}: expose WWW-Authenticate (and Retry-After) to the web client: Access-Control-Expose-Headers`);
      const unknown = await call('GET', '/no-such-route', { headers: { origin: WEB_ORIGIN } });
      assert.equal(unknown.headers['access-control-allow-origin'], WEB_ORIGIN, 'API Gateway\'s own answers (here a 404) must carry the CORS headers too: <<: *gatewayCorsHeaders in each gateway response');
    },
  );

  check(
    'every request is logged as one JSON line with its request id, method, route and status, and no password, token or password hash is anywhere in the logs',
    {
      explained: 'Structured logs',
      local: 'it reads the local stack\'s output',
      hints: [
        'One line per request, with the same fields every time, makes the logs searchable; logging what came in makes them a copy of every password and token.',
        'httpHandler in src/lib/http.ts notes the time first (const started = Date.now()), then logs one line when the request is answered, through the Powertools logger (src/lib/logger.ts), with the method, resource, status and duration; the request id comes from logger.addContext(context).',
        'logger.info(\'request\', { method: event.httpMethod, resource: event.resource, status: result.statusCode, durationMs: Date.now() - started });',
      ],
    },
    async () => {
      const { tokens } = await newSession();
      const wrong = wrongPassword();
      expectStatus(await call('GET', '/user', { headers: { authorization: `Bearer ${tokens.access_token}` } }), 200);
      const rotated = await call('PUT', '/session', { json: { refresh_token: tokens.refresh_token }, clientId: true });
      expectStatus(rotated, 200);
      expectStatus(await logIn(newEmail(), wrong), 401);
      // Log lines arrive through a pipe a moment after the answer: the line of a last request
      // (GET /ping) says that every line before it is in.
      const stack = await api();
      const pingLines = () => stack.logs().split('\n').filter((line) => line.includes('"message":"request"') && line.includes('"resource":"/ping"')).length;
      const before = pingLines();
      expectStatus(await call('GET', '/ping'), 200);
      for (const deadline = Date.now() + 3000; pingLines() === before && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 50));
      const logs = stack.logs();
      const requestLines = logs.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry['message'] === 'request');
      for (const [method, resource, status] of [['GET', '/ping', 200], ['POST', '/user', 201], ['POST', '/session', 201], ['POST', '/session', 401], ['GET', '/user', 200], ['PUT', '/session', 200]] as const) {
        const line = requestLines.find((entry) => entry['method'] === method && entry['resource'] === resource && entry['status'] === status);
        assert.ok(line, `no log line {"message":"request","method":"${method}","resource":"${resource}","status":${status},...} for ${method} ${resource} answered ${status}: log one line per request in httpHandler`);
        assert.ok(typeof line['function_request_id'] === 'string' && line['function_request_id'].length > 0, `the log line of ${method} ${resource} has no function_request_id: call logger.addContext(context) first`);
      }
      const secrets: [string, string][] = [
        [PASSWORD, 'a password'],
        [wrong, 'a wrong password'],
        [tokens.access_token.split('.')[2] ?? tokens.access_token, 'an access token'],
        [tokens.refresh_token.split('.')[2] ?? tokens.refresh_token, 'a refresh token'],
        [String(rotated.json?.refresh_token).split('.')[2] ?? '', 'a refresh token'],
        [stack.signingKey().toString('base64').replace(/=+$/, ''), 'the signing key'],
      ];
      for (const [secret, what] of secrets) assert.ok(!logs.includes(secret), `the logs hold ${what}: log ids and outcomes, never what the client sent or received`);
      assert.doesNotMatch(logs, /\$2[aby]\$\d{2}\$/, 'the logs hold a bcrypt password hash');
    },
  );
});
