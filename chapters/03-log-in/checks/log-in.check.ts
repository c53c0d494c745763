/**
 * Chapter 3's checks: POST /session logs in with a signed token pair, keeps only a hash of the
 * refresh token, and answers a wrong password and an unknown email alike. Run them with
 * `npm run workshop -- verify` (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { createHash, createSecretKey } from 'node:crypto';
import { api, appPackage, call, check, CLIENT_ID, expectAppTestsPass, expectProblem, expectStatus, newAccount, newEmail, newSession, PASSWORD } from '@session-api/workshop/checks';

const ROUTE_MISSING = { 404: 'the route is not in serverless.yml yet' };
const logIn = (email: string, password = PASSWORD) => call('POST', '/session', { json: { email, password }, clientId: true });

describe('Chapter 3: log in', () => {
  check(
    'POST /session logs in: 201 with a Bearer token pair, the access token for 900 s and the refresh token for 2592000 s',
    {
      explained: 'Issue the token pair',
      hints: [
        'Try it: sign up, then log in with the "Try it" curl commands of the chapter\'s page, against `npm run workshop -- serve`.',
        'The handler in src/functions/createSession/handler.ts checks the client and the body, finds the account and checks its password, then makes a session (newSession), signs its two tokens (issueTokens, given, with the key of signingKey()), saves the session and answers 201.',
        'const session = newSession({ userId: user.id, email: user.email, clientId }, now); const tokens = issueTokens(await signingKey(), session, now); await saveSession(session, tokens.refreshTokenHash); return { status: 201, body: tokens.body };',
      ],
    },
    async () => {
      const account = await newAccount();
      const answer = await logIn(` ${account.email.toUpperCase()}`);
      expectStatus(answer, 201, { ...ROUTE_MISSING, 401: 'the right email and password were refused: does the log-in canonicalize the email (emailSchema) and compare with verifyPassword?' });
      assert.deepEqual(Object.keys(answer.json ?? {}).sort(), ['access_token', 'access_token_expires_in', 'refresh_token', 'refresh_token_expires_in', 'token_type'], `the answer must hold exactly the fields of an OAuth 2.0 token response (it was ${answer.text.slice(0, 200)})`);
      assert.equal(answer.json.token_type, 'Bearer');
      assert.equal(answer.json.access_token_expires_in, 900, 'access_token_expires_in must be 900 (config/local.yml accessTokenTtlSeconds)');
      assert.equal(answer.json.refresh_token_expires_in, 2592000, 'refresh_token_expires_in must be 2592000, 30 days (config/local.yml sessionTtlSeconds)');
    },
  );

  check(
    'the access token is a JWT signed with HS256 by the stack\'s key, for your client (aud), your account (sub), from this API (iss), for 15 minutes',
    {
      explained: 'Sign tokens',
      local: 'it needs the local stack\'s signing key',
      hints: [
        'jsonwebtoken signs, never hand-written crypto; the key is the KeyObject of signingKey() (src/lib/signing-key.ts), made from what the local stack hands over as LOCAL_SIGNING_KEY.',
        'signToken in src/lib/tokens.ts writes the claims iss (token.issuer), aud (token.clientId), sub (token.userId), sid, jti (randomUUID()), iat, exp (token.expiresAt) and token_use (token.use), and signs them with ALGORITHM and TOKEN_HEADER.',
        'return jwt.sign(claims, key, { algorithm: ALGORITHM, header: TOKEN_HEADER });',
      ],
    },
    async () => {
      const { account, tokens } = await newSession();
      const jwt = appPackage('jsonwebtoken');
      const key = createSecretKey((await api()).signingKey());
      const verify = (token: string, which: string) => {
        try {
          return jwt.verify(token, key, { algorithms: ['HS256'], complete: true });
        } catch (error) {
          throw new Error(`the ${which} token does not verify with the local stack's key and HS256 (${error instanceof Error ? error.message : String(error)}): sign it with the key of signingKey() and ALGORITHM`, { cause: error });
        }
      };
      const access = verify(tokens.access_token, 'access');
      assert.deepEqual(access.header, { alg: 'HS256', typ: 'JWT' }, 'the token\'s header must be {"alg":"HS256","typ":"JWT"} (TOKEN_HEADER)');
      const claims = access.payload;
      assert.equal(claims.aud, CLIENT_ID, 'aud must be the client id the log-in came from (X-Client-Id)');
      assert.equal(claims.sub, account.id, 'sub must be the id of the account (never its email)');
      assert.equal(claims.iss, 'urn:session-api:local', 'iss must be this API and stage: TOKEN_ISSUER, urn:session-api:local');
      assert.equal(claims.exp - claims.iat, 900, 'the access token must expire 900 s (15 minutes) after it was issued');
      assert.equal(claims.token_use, 'access', 'the access token must say token_use: "access"');
      const refresh = verify(tokens.refresh_token, 'refresh').payload;
      assert.equal(refresh.token_use, 'refresh', 'the refresh token must say token_use: "refresh", so that it is never taken for an access token');
      assert.equal(refresh.sid, claims.sid, 'both tokens must name the same session (sid)');
    },
  );

  check(
    'the signing key is a KeyObject of at least 256 bits, and a shorter key is refused (src/lib/signing-key.test.ts passes)',
    {
      explained: 'The signing key',
      hints: [
        'A key shorter than 256 bits can be guessed; a key given to jsonwebtoken as a string or a Buffer is turned into a KeyObject on every call. `npm --prefix workspace run test:unit` shows which test of src/lib/signing-key.test.ts fails.',
        'keyFromBytes(bytes) in src/lib/signing-key.ts throws when bytes.byteLength is under MIN_KEY_BYTES (its message says 256 bits), and otherwise returns a secret KeyObject made with createSecretKey from node:crypto.',
        'if (bytes.byteLength < MIN_KEY_BYTES) { throw new Error(`The signing key must be at least ${MIN_KEY_BYTES} bytes (256 bits).`); } return createSecretKey(bytes);',
      ],
      timeoutMs: 60_000,
    },
    () => expectAppTestsPass(['src/lib/signing-key.test.ts'], "the signing key's unit tests (src/lib/signing-key.test.ts)"),
  );

  check(
    'the sessions table holds a hash of the refresh token, never the token itself',
    {
      explained: 'The sessions table',
      local: 'it reads the local stack\'s database',
      hints: [
        'A leaked table must not let anyone replay a refresh token: store a SHA-256 hash of it instead.',
        'serverless.yml\'s SessionsTable is keyed by sessionId; saveSession(session, refreshTokenHash) in src/lib/sessions.ts puts the session with the hash that issueTokens returns beside the tokens (tokens.refreshTokenHash), never the token.',
        'const item: SessionItem = { ...session, refreshTokenHash }; await db().send(new PutCommand({ TableName: sessionsTable(), Item: item, ConditionExpression: \'attribute_not_exists(sessionId)\' }));',
      ],
    },
    async () => {
      const { tokens } = await newSession();
      const sid = String(appPackage('jsonwebtoken').decode(tokens.refresh_token)?.sid);
      const item = (await (await api()).scan('sessions')).find((candidate) => candidate['sessionId'] === sid);
      assert.ok(item, `no item with sessionId ${sid} (the tokens' sid) in the sessions table: does the log-in save its session (saveSession)?`);
      const stored = JSON.stringify(item);
      assert.ok(!stored.includes(tokens.refresh_token), 'the sessions table holds the refresh token itself: store only its hash');
      assert.ok(!stored.includes(tokens.access_token), 'the sessions table holds the access token: store nothing of it');
      assert.equal(item['refreshTokenHash'], createHash('sha256').update(tokens.refresh_token).digest('base64url'), 'the session must keep the SHA-256 of the refresh token (base64url) as refreshTokenHash');
    },
  );

  check(
    'a wrong password and an unknown email get the same 401 answer: status, body and WWW-Authenticate challenge',
    {
      explained: 'Same answer, same time',
      hints: [
        'Telling "no such account" from "wrong password" tells an attacker which emails have accounts.',
        'The handler throws one Problem for both, from one line: invalid_credentials, whose challenge (problem.ts, given) is CHALLENGES.password; verifyPassword (src/lib/passwords.ts) answers false when there is no stored hash.',
        'if (!(await verifyPassword(password, user?.passwordHash)) || !user) throw new Problem(\'invalid_credentials\', \'The email or the password is wrong.\');',
      ],
    },
    async () => {
      const account = await newAccount();
      const wrong = await logIn(account.email, 'not the right password');
      expectProblem(wrong, 401, 'invalid_credentials', ROUTE_MISSING);
      assert.match(wrong.headers['www-authenticate'] ?? '', /^Password /, 'a 401 must say how to authenticate: WWW-Authenticate: Password realm="session-api"');
      const unknown = await logIn(newEmail(), 'not the right password');
      const view = (answer: typeof wrong) => ({ status: answer.status, body: answer.text, challenge: answer.headers['www-authenticate'], type: answer.headers['content-type'] });
      assert.deepEqual(view(unknown), view(wrong), 'an unknown email must get exactly the answer of a wrong password');
    },
  );

  check(
    'an unknown email takes about as long as a wrong password: bcrypt runs for both',
    {
      explained: 'Same answer, same time',
      hints: [
        'If an unknown email is answered without checking any password, the time of the answer tells that the email has no account.',
        'verifyPassword in src/lib/passwords.ts compares with dummyHash(cost) when there is no stored hash, so bcrypt always runs once.',
        'const matches = await bcrypt.compare(password, storedHash ?? dummyHash(cost)); return storedHash !== undefined && matches;',
      ],
    },
    async () => {
      const account = await newAccount();
      const timings = { wrong: [] as number[], unknown: [] as number[] };
      for (let round = 0; round < 6; round += 1) {
        const wrong = await logIn(account.email, 'not the right password');
        const unknown = await logIn(newEmail(), 'not the right password');
        expectStatus(wrong, 401, ROUTE_MISSING);
        expectStatus(unknown, 401, ROUTE_MISSING);
        // The first round warms both paths up (a function's first request loads its code).
        if (round === 0) continue;
        timings.wrong.push(wrong.durationMs);
        timings.unknown.push(unknown.durationMs);
      }
      // The fastest of each: the least a busy machine added to the work itself.
      const [wrong, unknown] = [Math.min(...timings.wrong), Math.min(...timings.unknown)];
      assert.ok(unknown >= wrong * 0.5, `an unknown email was answered in ${unknown.toFixed(0)} ms, a wrong password in ${wrong.toFixed(0)} ms: the time tells which emails have an account`);
    },
  );

  check(
    'createSession\'s unit tests pass (npm run test:unit): a token pair bound to the client, one answer for both failures',
    {
      explained: 'Issue the token pair',
      hints: [
        'The unit tests (given: src/functions/createSession/handler.test.ts) run your handler and signToken with users, passwords and sessions replaced by stubs: `npm --prefix workspace run test:unit` shows which one fails, and why.',
        'They expect 201 with tokens that verify with HS256 for the client, saveSession called with the session and the refresh token\'s hash, verifyPassword called even when there is no account, and invalid_client before any account is read.',
        'if (!(await verifyPassword(password, user?.passwordHash)) || !user) { logger.info(\'log-in failed\'); throw new Problem(\'invalid_credentials\', \'The email or the password is wrong.\'); }',
      ],
      timeoutMs: 60_000,
    },
    () => expectAppTestsPass(['src/functions/createSession/**/*.test.ts'], "createSession's unit tests (src/functions/createSession/handler.test.ts)"),
  );
});
