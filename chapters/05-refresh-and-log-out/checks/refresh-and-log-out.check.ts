/**
 * Chapter 5's checks: PUT /session rotates the refresh token and ends the session when a rotated
 * one comes back; DELETE /session ends it at once. Run them with `npm run workshop -- verify`
 * (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { call, check, CLIENT_ID, expectAppTestsPass, expectProblem, expectStatus, newSession, OTHER_CLIENT_ID, simultaneously, type Answer, warmUp } from '@session-api/workshop/checks';

const ROUTE_MISSING = { 404: 'the route is not in serverless.yml yet' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const refresh = (refreshToken: string, clientId = CLIENT_ID) => call('PUT', '/session', { json: { refresh_token: refreshToken }, clientId });
const whoAmI = (accessToken: string) => call('GET', '/user', { headers: bearer(accessToken) });

/** The answer must be a refusal of the token (401 invalid_token). */
function expectRefused(answer: Answer, what: string, whenInstead: Record<number, string> = {}): void {
  answer.request = `${answer.request} with ${what}`;
  expectProblem(answer, 401, 'invalid_token', { ...ROUTE_MISSING, ...whenInstead });
}

describe('Chapter 5: refresh and log out', () => {
  check(
    'PUT /session trades a refresh token for a new pair, and the old refresh token is refused afterwards',
    {
      explained: 'Rotate the refresh token',
      hints: [
        'A refresh token is used once: each refresh hands out a new pair and the old refresh token stops working, because the session now holds the hash of the new one.',
        'refreshSession (src/functions/refreshSession/handler.ts), after verifying the refresh token, signs a new pair with issueTokens and calls rotateRefreshToken (src/lib/sessions.ts), which SETs refreshTokenHash = :next in one UpdateCommand whose condition is that the presented hash is still the current one.',
        'UpdateExpression: \'SET refreshTokenHash = :next, rotatedAt = :now\', ConditionExpression: \'refreshTokenHash = :presented AND userId = :userId AND clientId = :clientId AND expiresAt > :now AND attribute_not_exists(revokedAt)\'',
      ],
    },
    async () => {
      const { tokens } = await newSession();
      const rotated = await refresh(tokens.refresh_token);
      expectStatus(rotated, 200, ROUTE_MISSING);
      const next = rotated.json ?? {};
      assert.ok(typeof next.access_token === 'string' && typeof next.refresh_token === 'string', `PUT /session must answer a new token pair (it answered ${rotated.text.slice(0, 200)})`);
      assert.notEqual(next.refresh_token, tokens.refresh_token, 'the refresh token must be a new one');
      expectStatus(await whoAmI(next.access_token), 200, { 401: 'the new access token is refused' });
      expectRefused(await refresh(tokens.refresh_token), 'the refresh token that was just traded', { 200: 'the old refresh token still works: rotate the stored hash' });
    },
  );

  check(
    'reusing a rotated refresh token ends the whole session: even the newest tokens get 401',
    {
      explained: 'Reuse ends the session',
      hints: [
        'A rotated refresh token that comes back means two parties hold copies; you cannot tell the thief from the user, so the session ends for both.',
        'When rotateRefreshToken\'s condition fails, it calls revokeIfReused (src/lib/sessions.ts), whose UpdateCommand sets revokedAt on the session; findActiveSession (the authorizer) and the rotation then refuse it.',
        'UpdateExpression: \'SET revokedAt = :now, revokedReason = :reason\', ConditionExpression: \'attribute_exists(sessionId) AND refreshTokenHash <> :presented AND refreshTokenHash <> :next AND attribute_not_exists(revokedAt)\'',
      ],
    },
    async () => {
      const { tokens } = await newSession();
      const rotated = await refresh(tokens.refresh_token);
      expectStatus(rotated, 200, ROUTE_MISSING);
      expectRefused(await refresh(tokens.refresh_token), 'a rotated refresh token');
      expectStatus(await whoAmI(rotated.json.access_token), 401, { 200: 'the newest access token still works after a reuse: revoke the whole session' });
      expectRefused(await refresh(rotated.json.refresh_token), 'the newest refresh token, after a reuse', { 200: 'the newest refresh token still works after a reuse: revoke the whole session' });
    },
  );

  check(
    'simultaneous refreshes with one refresh token: exactly one succeeds',
    {
      explained: 'One refresh at a time',
      hints: [
        'Reading the session, comparing, then writing leaves a gap in which a second refresh with the same token passes the same comparison.',
        'Let DynamoDB compare and write in one step: rotateRefreshToken is one UpdateCommand whose ConditionExpression holds refreshTokenHash = :presented.',
        'new UpdateCommand({ ..., UpdateExpression: \'SET refreshTokenHash = :next, rotatedAt = :now\', ConditionExpression: \'refreshTokenHash = :presented AND ...\' })',
      ],
    },
    async () => {
      // Five requests refused before any token work (an empty body) warm five workers first.
      await warmUp(5, () => call('PUT', '/session', { json: {}, clientId: true }));
      const answers = await simultaneously(5, async () => {
        const { tokens } = await newSession();
        return () => refresh(tokens.refresh_token);
      });
      for (const answer of answers) if (answer.status !== 200) expectRefused(answer, 'one refresh token sent 5 times at once');
      const succeeded = answers.filter((answer) => answer.status === 200).length;
      assert.equal(succeeded, 1, `${succeeded} of 5 simultaneous refreshes with one refresh token succeeded: exactly one may`);
    },
  );

  check(
    'DELETE /session answers 204, and at once the session\'s access and refresh tokens get 401',
    {
      explained: 'Log out',
      hints: [
        'Log-out ends the session; the authorizer reads the session on every request (no cache), so its access tokens stop working at once.',
        'deleteSession (src/functions/deleteSession/handler.ts) reads the caller with requireCaller(event) and calls revokeSession(caller.sessionId, nowInSeconds()); revokeSession (src/lib/sessions.ts) SETs revokedAt with one UpdateCommand.',
        'UpdateExpression: \'SET revokedAt = if_not_exists(revokedAt, :now), revokedReason = if_not_exists(revokedReason, :reason)\', ConditionExpression: \'attribute_exists(sessionId)\'',
      ],
    },
    async () => {
      const { tokens } = await newSession();
      const loggedOut = await call('DELETE', '/session', { headers: bearer(tokens.access_token) });
      expectStatus(loggedOut, 204, ROUTE_MISSING);
      assert.equal(loggedOut.text, '', 'a 204 has no body');
      expectStatus(await whoAmI(tokens.access_token), 401, { 200: 'the access token still works after log-out' });
      expectStatus(await call('GET', '/session', { headers: bearer(tokens.access_token) }), 401, { 200: 'the access token still works after log-out' });
      expectRefused(await refresh(tokens.refresh_token), 'the refresh token of a logged-out session', { 200: 'the refresh token still works after log-out' });
    },
  );

  check(
    'a refresh token works only for the client it was issued to',
    {
      explained: 'Bound to the client',
      hints: [
        'A refresh token\'s aud is the client that logged in: another client application presenting it is refused, and nothing changes.',
        'refreshSession verifies the token with audiences: [clientId], the client of this request (requireClient), before anything is written; rotateRefreshToken\'s condition compares the session\'s clientId too.',
        'claims = verifyToken(key, presented, { use: \'refresh\', issuer: tokenIssuer(), audiences: [clientId] }); and the session your step rotates is { sessionId: claims.sid, userId: claims.sub, clientId, expiresAt: claims.exp }.',
      ],
    },
    async () => {
      const { tokens } = await newSession(CLIENT_ID);
      expectRefused(await refresh(tokens.refresh_token, OTHER_CLIENT_ID), `a refresh token of ${CLIENT_ID} sent by ${OTHER_CLIENT_ID}`, { 200: 'another client could refresh the session' });
      expectStatus(await refresh(tokens.refresh_token, CLIENT_ID), 200, { 401: 'the refused attempt of another client changed the session: verify the token before anything is written' });
    },
  );

  check(
    'PUT /session is bound without the authorizer, DELETE /session behind it',
    {
      explained: 'Bind the routes',
      hints: [
        'PUT /session\'s credential is the refresh token in its body, which the handler verifies; DELETE /session needs an access token, like GET /session. Restart serve after a change to serverless.yml.',
        'In serverless.yml, under `functions:`, add refreshSession (src/functions/refreshSession/handler.handler) on PUT session, and deleteSession (src/functions/deleteSession/handler.handler) on DELETE session with `authorizer: *bearerAuthorizer`.',
        '- http: { path: session, method: put } for refreshSession; - http: { path: session, method: delete, authorizer: *bearerAuthorizer } for deleteSession',
      ],
    },
    async () => {
      const put = await call('PUT', '/session', { json: {}, clientId: true });
      put.request = 'PUT /session without a refresh token';
      expectProblem(put, 400, 'invalid_request', { ...ROUTE_MISSING, 401: 'the route is behind the authorizer, but its credential is the refresh token of its body: bind it without one' });
      const loggedOut = await call('DELETE', '/session');
      loggedOut.request = 'DELETE /session without a token';
      expectProblem(loggedOut, 401, 'invalid_token', ROUTE_MISSING);
      assert.equal(loggedOut.headers['www-authenticate'], 'Bearer realm="session-api"', 'DELETE /session without a token: the 401 must say WWW-Authenticate: Bearer realm="session-api" (API Gateway\'s UNAUTHORIZED response, which only a route behind the authorizer gets)');
    },
  );

  check(
    'refreshSession\'s unit tests pass',
    {
      explained: 'Rotate the refresh token',
      hints: [
        'The unit tests (given) call refreshSession with the session storage replaced by a stub: run `npm --prefix workspace run test:unit` to see which one fails.',
        'The rotation test expects one call of rotateRefreshToken with the token\'s session, user and client, the presented token\'s hash and the new refresh token\'s hash, and the new pair as the answer.',
        'await rotateRefreshToken({ ...session, presentedHash: hashRefreshToken(presented), nextHash: tokens.refreshTokenHash, now }); return { status: 200, body: tokens.body };',
      ],
      timeoutMs: 60_000,
    },
    () => expectAppTestsPass(['src/functions/refreshSession/**/*.test.ts'], "refreshSession's unit tests (src/functions/refreshSession/handler.test.ts)"),
  );

  check(
    'deleteSession\'s unit tests pass',
    {
      explained: 'Log out',
      hints: [
        'The unit tests (given) call deleteSession with revokeSession replaced by a stub: log-out revokes the caller\'s own session, and nothing for a caller of another client.',
        'deleteSession reads the caller with requireCaller(event) first (it refuses an X-Client-Id of another client), then calls revokeSession(caller.sessionId, nowInSeconds()) and answers 204.',
        'const caller = requireCaller(event); await revokeSession(caller.sessionId, nowInSeconds()); return { status: 204 };',
      ],
      timeoutMs: 60_000,
    },
    () => expectAppTestsPass(['src/functions/deleteSession/**/*.test.ts'], "deleteSession's unit tests (src/functions/deleteSession/handler.test.ts)"),
  );
});
