/**
 * Chapter 4's checks: the Bearer routes GET /user and GET /session, behind a Lambda authorizer
 * that refuses every forged or misused token, and tokens bound to their client. Run them with
 * `npm run workshop -- verify` (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSecretKey, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { api, appPackage, call, check, CLIENT_ID, copyOfTarget, expectAppTestsPass, expectProblem, expectStatus, newSession, OTHER_CLIENT_ID, type Answer } from '@session-api/workshop/checks';

const ROUTE_MISSING = { 404: 'the route is not in serverless.yml yet' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A token's payload, read without checking anything (anyone can read a JWT). */
function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
}
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A session whose genuine access token GET /user accepts. A refusal proves something only when
 * the same request with the genuine token is allowed: an authorizer that refuses everything (or
 * a verifyToken that always throws) would pass every attack.
 */
async function acceptedSession() {
  const session = await newSession();
  const genuine = await call('GET', '/user', { headers: bearer(session.tokens.access_token) });
  genuine.request = 'GET /user with the genuine access token of a fresh log-in';
  expectStatus(genuine, 200, { ...ROUTE_MISSING, 401: 'the genuine access token is refused too, so refusing the tokens below would prove nothing: does verifyToken call jwt.verify with the key, issuer and audiences the log-in signs with?' });
  return session;
}

/**
 * Runs the authorizer's unit tests in an app folder (its .mocharc.json applies).
 * @returns how many passed and failed, and what mocha printed
 */
function authorizerTests(dir: string): { passes: number; failures: number; output: string } {
  const mocha = createRequire(path.join(dir, 'package.json')).resolve('mocha/bin/mocha.js');
  const run = spawnSync(process.execPath, [mocha, '--reporter', 'json', 'src/functions/authorize/**/*.test.ts'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  const output = `${run.stdout}${run.stderr}`;
  try {
    const { stats } = JSON.parse(run.stdout.slice(Math.max(run.stdout.indexOf('{\n'), 0)));
    return { passes: stats.passes, failures: stats.failures, output };
  } catch {
    return { passes: 0, failures: 0, output };
  }
}

/** callerContext's body in src/lib/caller.ts (given): the caller the authorizer hands on. */
const CALLER_CONTEXT = 'return { ...caller };';

/** A refused token: 401 invalid_token, with the Bearer challenge that names the error. */
function expectRefused(answer: Answer, what: string): void {
  answer.request = `GET /user with ${what}`;
  expectProblem(answer, 401, 'invalid_token', { ...ROUTE_MISSING, 200: 'the token was accepted: the authorizer must refuse it' });
  assert.match(answer.headers['www-authenticate'] ?? '', /^Bearer .*error="invalid_token"/, `GET /user with ${what}: the 401 must carry WWW-Authenticate: Bearer realm="session-api", error="invalid_token" (the ACCESS_DENIED gateway response)`);
}

describe('Chapter 4: protected routes', () => {
  check(
    'GET /user with an access token answers your account: id, email and created_at',
    {
      explained: 'The authorizer',
      hints: [
        'A protected route runs only when the authorizer allows the request, and the handler knows the caller only from the authorizer\'s context: log in, then try the "Who am I" curl command of the chapter\'s page.',
        'The handler in src/functions/authorize/handler.ts verifies the token (verifyToken, with use \'access\', tokenIssuer() and the registered clients), reads its session (findActiveSession), and returns an Allow policy whose context is callerContext({ userId, sessionId, clientId, email, ... }).',
        'return { principalId: claims.sub, policyDocument: policy(\'Allow\', event.methodArn), context: callerContext({ userId: claims.sub, sessionId: claims.sid, clientId: claims.aud, email: session.email, accessTokenExpiresAt: claims.exp, sessionExpiresAt: session.expiresAt }) };',
      ],
    },
    async () => {
      const { account, tokens } = await newSession();
      const answer = await call('GET', '/user', { headers: bearer(tokens.access_token) });
      expectStatus(answer, 200, { ...ROUTE_MISSING, 401: 'the authorizer refused a fresh access token: does it verify with the same key, issuer and audiences the log-in signs with?' });
      assert.deepEqual(Object.keys(answer.json ?? {}).sort(), ['created_at', 'email', 'id'], `GET /user must answer exactly id, email and created_at (it answered ${answer.text.slice(0, 200)})`);
      assert.equal(answer.json.id, account.id);
      assert.equal(answer.json.email, account.email);
      assert.ok(!Number.isNaN(Date.parse(answer.json.created_at)), 'created_at must be a date (ISO 8601)');
    },
  );

  check(
    'GET /session answers the seconds left on the access token and on the session',
    {
      explained: 'The authorizer',
      hints: [
        'The authorizer has already read the session: it hands the token\'s and the session\'s expiry to the handler in its context, and getSession subtracts the time now.',
        'In src/functions/authorize/handler.ts, the Allow\'s context carries accessTokenExpiresAt (the token\'s exp) and sessionExpiresAt (the session\'s expiresAt, from findActiveSession).',
        'context: callerContext({ ..., accessTokenExpiresAt: claims.exp, sessionExpiresAt: session.expiresAt })',
      ],
    },
    async () => {
      const { tokens } = await newSession();
      const answer = await call('GET', '/session', { headers: bearer(tokens.access_token) });
      expectStatus(answer, 200, ROUTE_MISSING);
      const { access_token_expires_in: access, session_expires_in: session } = answer.json ?? {};
      assert.ok(Number.isInteger(access) && access > 880 && access <= 900, `access_token_expires_in must be the whole seconds left of the 900 (it was ${JSON.stringify(access)})`);
      assert.ok(Number.isInteger(session) && session > 2591980 && session <= 2592000, `session_expires_in must be the whole seconds left of the 30 days (it was ${JSON.stringify(session)})`);
    },
  );

  check(
    'GET /user and GET /session without a token get 401 with WWW-Authenticate: Bearer realm="session-api"',
    {
      explained: 'Bind the routes to the authorizer',
      hints: [
        'A route is protected by naming the authorizer in its http event; API Gateway then refuses a request without a token before any function runs. Restart serve after a change to serverless.yml.',
        'In serverless.yml, GET /user\'s http event gets `authorizer: &bearerAuthorizer` (name authorize, type request, identitySource method.request.header.Authorization, resultTtlInSeconds 0), and GET /session\'s reuses it with `authorizer: *bearerAuthorizer`.',
        '- http: { path: session, method: get, authorizer: *bearerAuthorizer }',
      ],
    },
    async () => {
      for (const route of ['/user', '/session']) {
        const answer = await call('GET', route);
        expectProblem(answer, 401, 'invalid_token', { ...ROUTE_MISSING, 200: 'the route answered without a token: it is not behind the authorizer' });
        assert.equal(answer.headers['www-authenticate'], 'Bearer realm="session-api"', `GET ${route} without a token: the 401 must say WWW-Authenticate: Bearer realm="session-api" (API Gateway's UNAUTHORIZED response, which only a route behind the authorizer gets)`);
      }
    },
  );

  check(
    'forged and misused tokens get 401: alg "none", another key, an edited payload, a refresh token in place of the access token',
    {
      explained: 'Verify tokens',
      hints: [
        'Never decide from what a token says about itself: verify it with the one algorithm and the key you chose.',
        'verifyToken in src/lib/tokens.ts calls jwt.verify(token, key, { algorithms: [ALGORITHM], issuer, audience, ... }) with the KeyObject it is given; the rules after it refuse a token of another use. The authorizer returns a Deny policy when verifyToken throws.',
        'verified = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: options.issuer, audience: [firstAudience, ...otherAudiences], clockTolerance: 0, clockTimestamp: now, complete: true });',
      ],
    },
    async () => {
      const { tokens } = await acceptedSession();
      const [header, payload, signature] = tokens.access_token.split('.');
      const claims = payloadOf(tokens.access_token);
      const jwt = appPackage('jsonwebtoken');
      const forged: [string, string][] = [
        ['alg "none" and no signature', `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`],
        ['the same claims signed with another key', jwt.sign(claims, createSecretKey(randomBytes(32)), { algorithm: 'HS256' })],
        ['an edited payload under the real signature', `${header}.${base64url({ ...claims, sub: 'someone-else' })}.${signature}`],
        ['the refresh token', tokens.refresh_token],
      ];
      for (const [what, token] of forged) expectRefused(await call('GET', '/user', { headers: bearer(token) }), what);
    },
  );

  check(
    'tokens signed with the stack\'s own key still get 401 when expired, from another issuer, or for a client that is not registered',
    {
      explained: 'Verify tokens',
      local: 'it signs tokens with the local stack\'s key',
      hints: [
        'A correct signature is not enough: the token must also be unexpired, from this API, and for one of its clients.',
        'verifyToken in src/lib/tokens.ts passes the issuer and the accepted audiences to jwt.verify, with no leeway on exp; the authorizer accepts the audiences of registeredClients().',
        'jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: options.issuer, audience: [firstAudience, ...otherAudiences], clockTolerance: 0, clockTimestamp: now, complete: true })',
      ],
    },
    async () => {
      const { tokens } = await acceptedSession();
      const claims = payloadOf(tokens.access_token);
      const key = createSecretKey((await api()).signingKey());
      const sign = (changes: Record<string, unknown>) => appPackage('jsonwebtoken').sign({ ...claims, ...changes }, key, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT' } });
      const now = Math.floor(Date.now() / 1000);
      const signed: [string, string][] = [
        ['an expired token', sign({ iat: now - 1000, exp: now - 100 })],
        ['a token of another issuer', sign({ iss: 'urn:someone-else' })],
        ['a token for an unregistered client', sign({ aud: 'intruder' })],
      ];
      for (const [what, token] of signed) expectRefused(await call('GET', '/user', { headers: bearer(token) }), what);
    },
  );

  check(
    'an X-Client-Id that is not the client the token was issued to gets 401 invalid_client',
    {
      explained: 'Client ids',
      hints: [
        'An access token belongs to the client that logged in (its aud): another client application must not use it.',
        'requireCaller in src/lib/caller.ts compares the X-Client-Id header, when one is sent, with the clientId the authorizer put in its context.',
        'const clientId = header(event, CLIENT_ID_HEADER); if (clientId !== undefined && clientId !== parsed.data.clientId) { throw new Problem(\'invalid_client\', ...); }',
      ],
    },
    async () => {
      const { tokens } = await newSession();
      const own = await call('GET', '/user', { headers: bearer(tokens.access_token), clientId: CLIENT_ID });
      expectStatus(own, 200, ROUTE_MISSING);
      const other = await call('GET', '/user', { headers: bearer(tokens.access_token), clientId: OTHER_CLIENT_ID });
      other.request = `GET /user with a token of ${CLIENT_ID} and X-Client-Id: ${OTHER_CLIENT_ID}`;
      expectProblem(other, 401, 'invalid_client', { 200: 'the token was accepted for another client' });
    },
  );

  check(
    'the authorizer has unit tests that pass, and one fails when the authorizer allows without saying who is calling',
    {
      explained: 'Test the authorizer',
      hints: [
        'A test proves something only if it can fail: one test must call the authorizer with a valid token and check the Allow and the caller it hands on.',
        'In src/functions/authorize/handler.test.ts, load() gives the handler with a stub of findActiveSession; call it with authorizerEvent(`Bearer ${signToken(testKey, access)}`) and assert on principalId, the policy\'s Statement and context.',
        'assert.deepEqual(result.context, { userId: \'user-1\', sessionId: \'session-1\', clientId: CLIENT_ID, email: \'ada@example.com\', accessTokenExpiresAt: now + 900, sessionExpiresAt: now + 86400 });',
      ],
      timeoutMs: 120_000,
    },
    () => {
      expectAppTestsPass(['src/functions/authorize/**/*.test.ts'], "the authorizer's unit tests (src/functions/authorize/handler.test.ts)");
      // The same tests, on a copy of the app whose authorizer allows with an empty context.
      const copy = copyOfTarget();
      try {
        const caller = path.join(copy, 'src', 'lib', 'caller.ts');
        const text = readFileSync(caller, 'utf8');
        assert.ok(text.includes(CALLER_CONTEXT), `src/lib/caller.ts (given) has changed: callerContext must still ${CALLER_CONTEXT}`);
        writeFileSync(caller, text.replace(CALLER_CONTEXT, 'return {};'));
        const run = authorizerTests(copy);
        assert.ok(run.passes + run.failures > 0, `the authorizer's tests did not run in a copy of your app:\n${run.output.split('\n').slice(-12).join('\n')}`);
        assert.ok(run.failures > 0, 'every test of the authorizer still passes when it allows a valid token without saying who is calling (its context empty): write the test of an allowed token, which checks the Allow and its context');
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
  );
});
