/**
 * Chapter 4's checks: the Bearer routes GET /user and GET /session, behind a Lambda authorizer
 * that refuses every forged or misused token, and tokens bound to their client. Run them with
 * `npm run workshop -- verify` (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { api, appPackage, call, check, CLIENT_ID, expectAppTestsPass, expectProblem, expectStatus, newSession, OTHER_CLIENT_ID, type Answer } from '@session-api/workshop/checks';

const ROUTE_MISSING = { 404: 'the route is not in serverless.yml yet' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A token's payload, read without checking anything (anyone can read a JWT). */
function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
}
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

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
      explained: 'GET /user and GET /session',
      hints: [
        'Log in, copy access_token, and try the curl command "Who am I" that `npm start` prints.',
        'getUser (src/functions/getUser/handler.ts) reads the caller the authorizer established (requireCaller) and the account (findUserByEmail); serverless.yml binds it to GET /user with the authorizer.',
        'return { status: 200, body: publicUser(user) }; where publicUser gives { id, email, created_at } and never the hash.',
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
      explained: 'GET /user and GET /session',
      hints: [
        'The authorizer has already read the session: it hands its expiry to the handler in its context.',
        'getSession (src/functions/getSession/handler.ts) reads accessTokenExpiresAt and sessionExpiresAt from requireCaller(event) and subtracts nowInSeconds().',
        'body: { access_token_expires_in: caller.accessTokenExpiresAt - now, session_expires_in: caller.sessionExpiresAt - now }',
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
        'A route is protected by naming the authorizer in its http event; API Gateway then refuses a request without a token before any function runs.',
        'In serverless.yml: authorizer: { name: authorize, type: request, identitySource: method.request.header.Authorization, resultTtlInSeconds: 0 }, and the UNAUTHORIZED gateway response.',
        'UnauthorizedResponse: ResponseType UNAUTHORIZED, StatusCode \'401\', header WWW-Authenticate: "\'Bearer realm=\\"session-api\\"\'", a problem document with code invalid_token.',
      ],
    },
    async () => {
      for (const route of ['/user', '/session']) {
        const answer = await call('GET', route);
        expectProblem(answer, 401, 'invalid_token', { ...ROUTE_MISSING, 200: 'the route answered without a token: it is not behind the authorizer' });
        assert.equal(answer.headers['www-authenticate'], 'Bearer realm="session-api"', `GET ${route} without a token: the 401 must say WWW-Authenticate: Bearer realm="session-api" (the UNAUTHORIZED gateway response)`);
      }
    },
  );

  check(
    'forged and misused tokens get 401: alg "none", another key, an edited payload, a refresh token in place of the access token',
    {
      explained: 'Token attacks',
      hints: [
        'Never decide from what a token says about itself: verify it with the one algorithm and the key you chose.',
        'verifyToken in src/lib/tokens.ts calls jwt.verify(token, key, { algorithms: [ALGORITHM], issuer, audience }) and then requires token_use === options.use; the authorizer returns a Deny policy when it throws.',
        'claims = verifyToken(key, token, { use: \'access\', issuer: tokenIssuer(), audiences: [...registeredClients()] }); } catch (error) { return denied(event.methodArn, (error as InvalidTokenError).message); }',
      ],
    },
    async () => {
      const { tokens } = await newSession();
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
      explained: 'Token attacks',
      local: 'it signs tokens with the local stack\'s key',
      hints: [
        'A correct signature is not enough: the token must also be unexpired, from this API, and for one of its clients.',
        'verifyToken passes issuer and audience to jwt.verify, and requires exp; the authorizer accepts the audiences of registeredClients().',
        'jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: options.issuer, audience: [firstAudience, ...otherAudiences], clockTolerance: 0, complete: true })',
      ],
    },
    async () => {
      const { tokens } = await newSession();
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
        'if (clientId !== undefined && clientId !== parsed.data.clientId) throw new Problem(\'invalid_client\', ...);',
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
    'the authorizer has unit tests, and they pass',
    {
      explained: 'Test the authorizer',
      hints: [
        'Test every way the authorizer answers: Allow with the caller, Deny for a refused token, "Unauthorized" without one, a failure when the database fails.',
        'In src/functions/authorize/handler.test.ts, load the handler with proxyquire, signingKeyStub() and a stub of findActiveSession; call it with authorizerEvent(\'Bearer ...\').',
        'const result = await handler(authorizerEvent(`Bearer ${signToken(testKey, access)}`), context); assert.equal(result.policyDocument.Statement[0]?.Effect, \'Allow\');',
      ],
      timeoutMs: 60_000,
    },
    () => expectAppTestsPass(['src/functions/authorize/**/*.test.ts'], "the authorizer's unit tests (src/functions/authorize/handler.test.ts)"),
  );
});
