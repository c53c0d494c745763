/**
 * Every 401 says how to authenticate: a WWW-Authenticate challenge (RFC 9110 section 15.5.2).
 * On Bearer routes, RFC 6750 section 3: no error code when no token was sent, and
 * error="invalid_token" when one was sent and refused. The routes whose credentials travel in
 * the JSON body or in X-Client-Id get the custom schemes of src/lib/problem.ts.
 */
import assert from 'node:assert/strict';
import type { Answer } from './api';
import { assertProblem, attemptLogIn, bearer, call, CLI_CLIENT, clientHeader, newEmail, newPassword, newSession, NO_TOKEN, REFUSED_TOKEN, refresh, signUp } from './helpers';


function assertChallenge(answer: Answer<unknown>, challenge: string): void {
  assertProblem(answer, 401);
  assert.equal(answer.headers.get('www-authenticate'), challenge, answer.text);
  // A browser hides a response header from the web client's JavaScript unless it is exposed.
  assert.match(answer.headers.get('access-control-expose-headers') ?? '', /\bWWW-Authenticate\b/i, 'the challenge must be readable by the web client (CORS)');
}

describe('e2e: every 401 carries a WWW-Authenticate challenge', () => {
  describe('Bearer routes, answered by the gateway and its authorizer', () => {
    for (const [method, route] of [['GET', '/user'], ['GET', '/session'], ['DELETE', '/session']] as const) {
      it(`${method} ${route} without an Authorization header: ${NO_TOKEN}`, async () => {
        assertChallenge(await call(method, route), NO_TOKEN);
      });
    }

    for (const [label, authorization] of [
      ['another scheme (Basic)', 'Basic YWRhOnBhc3N3b3Jk'],
      ['"Bearer" without a token', 'Bearer'],
      ['a token without its scheme', 'a.b.c'],
    ] as const) {
      it(`${label}: no Bearer token was sent, so no error code`, async () => {
        assertChallenge(await call('GET', '/user', { headers: { Authorization: authorization } }), NO_TOKEN);
      });
    }

    it('a token that is not a JWT: error="invalid_token"', async () => {
      assertChallenge(await call('GET', '/user', { headers: bearer('a.b.c.d') }), REFUSED_TOKEN);
    });

    it('the token of a session that ended: error="invalid_token"', async () => {
      const { tokens } = await newSession();
      assert.equal((await call('DELETE', '/session', { headers: bearer(tokens.access_token) })).status, 204);
      assertChallenge(await call('GET', '/session', { headers: bearer(tokens.access_token) }), REFUSED_TOKEN);
    });

    it('accepts the scheme in any case: "bearer" and "BEARER" are Bearer (RFC 9110 section 11.1)', async () => {
      const { tokens } = await newSession();
      for (const scheme of ['bearer', 'BEARER']) {
        const answer = await call('GET', '/user', { headers: { Authorization: `${scheme} ${tokens.access_token}` } });
        assert.equal(answer.status, 200, `${scheme}: ${answer.text}`);
      }
    });
  });

  describe('credentials the functions check', () => {
    it('POST /session with a wrong password: the custom Password scheme', async () => {
      const account = await signUp();
      const answer = await attemptLogIn(account.email, newPassword());
      assertProblem(answer, 401, 'invalid_credentials');
      assert.equal(answer.headers.get('www-authenticate'), 'Password realm="session-api"');
    });

    it('POST /session with an email that has no account: the same challenge', async () => {
      assert.equal((await attemptLogIn(newEmail('nobody'), newPassword())).headers.get('www-authenticate'), 'Password realm="session-api"');
    });

    it('PUT /session with a refresh token already rotated: the custom RefreshToken scheme, error="invalid_token"', async () => {
      const { tokens } = await newSession();
      assert.equal((await refresh(tokens.refresh_token)).status, 200);
      const answer = await refresh(tokens.refresh_token);
      assertProblem(answer, 401, 'invalid_token');
      assert.equal(answer.headers.get('www-authenticate'), 'RefreshToken realm="session-api", error="invalid_token"');
    });

    for (const [method, route] of [['POST', '/user'], ['POST', '/session'], ['PUT', '/session']] as const) {
      it(`${method} ${route} without X-Client-Id: the custom ClientId scheme`, async () => {
        const answer = await call(method, route, { json: { email: newEmail(), password: newPassword() } });
        assertProblem(answer, 401, 'invalid_client');
        assert.equal(answer.headers.get('www-authenticate'), 'ClientId realm="session-api"');
      });
    }

    it('GET /user with an X-Client-Id other than the token\'s client: the custom ClientId scheme', async () => {
      const { tokens } = await newSession();
      const answer = await call('GET', '/user', { headers: bearer(tokens.access_token, clientHeader(CLI_CLIENT)) });
      assertProblem(answer, 401, 'invalid_client');
      assert.equal(answer.headers.get('www-authenticate'), 'ClientId realm="session-api"');
    });
  });
});
