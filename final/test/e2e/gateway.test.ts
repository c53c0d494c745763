/**
 * What API Gateway decides before, around or instead of a function: the local stack
 * (scripts/local-stack) must answer as the deployed REST API does, so that these tests also hold
 * for a deployed stage (`npm run smoke`). Tests marked [local: ...] pin an answer that AWS does
 * not document exactly, so they run against the local stack only.
 */
import assert from 'node:assert/strict';
import { assertProblem, call, clientHeader, newEmail, newPassword } from './helpers';

const SOME_OTHER_ORIGIN = 'https://attacker.example';

describe('e2e: what API Gateway answers itself', () => {
  describe('a function sees the headers the client sent', () => {
    it('a JSON body sent without Content-Type → 415 unsupported_media_type (no JSON default is added on the way)', async () => {
      // A Uint8Array body makes fetch send no Content-Type at all (a string would be text/plain).
      const body = new TextEncoder().encode(JSON.stringify({ email: newEmail(), password: newPassword() }));
      assertProblem(await call('POST', '/user', { headers: clientHeader(), body }), 415, 'unsupported_media_type');
    });

    it('a Cookie header that is not valid is passed on, not refused (API Gateway reads no cookies)', async () => {
      const answer = await call('GET', '/ping', { headers: { Cookie: 'session=abc def; x="y' } });
      assert.equal(answer.status, 200, answer.text);
    });
  });

  describe('CORS: the routes\' cors setting, and nothing more', () => {
    it('a preflight from any origin gets the stage\'s origin, headers and max age, and no credentials', async () => {
      const preflight = await call('OPTIONS', '/user', {
        headers: { Origin: SOME_OTHER_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-client-id' },
      });
      assert.equal(preflight.status, 200, preflight.text);
      const allowed = preflight.headers.get('access-control-allow-origin');
      assert.ok(allowed && allowed !== SOME_OTHER_ORIGIN && allowed !== '*', `the preflight allowed ${allowed}`);
      assert.equal(preflight.headers.get('access-control-allow-credentials'), null, 'credentials are never allowed');
      assert.equal(preflight.headers.get('access-control-allow-headers'), 'Content-Type,Authorization,X-Client-Id');
      assert.equal(preflight.headers.get('access-control-max-age'), '600');
      assert.deepEqual(preflight.headers.get('access-control-allow-methods')?.split(',').sort(), ['GET', 'OPTIONS', 'POST']);
      // The same origin as the functions send (their CORS_ORIGIN is the stage's corsOrigin too).
      const ping = await call('GET', '/ping', { headers: { Origin: SOME_OTHER_ORIGIN } });
      assert.equal(ping.headers.get('access-control-allow-origin'), allowed);
    });

    it('a function\'s answer to another origin keeps the function\'s CORS headers, with no credentials added', async () => {
      const ping = await call('GET', '/ping', { headers: { Origin: SOME_OTHER_ORIGIN } });
      assert.equal(ping.status, 200);
      assert.notEqual(ping.headers.get('access-control-allow-origin'), SOME_OTHER_ORIGIN);
      assert.equal(ping.headers.get('access-control-allow-credentials'), null);
    });

    it('a gateway response to another origin carries only its own CORS headers', async () => {
      const refused = await call('GET', '/user', { headers: { Origin: SOME_OTHER_ORIGIN } });
      assertProblem(refused, 401, 'invalid_token');
      assert.notEqual(refused.headers.get('access-control-allow-origin'), SOME_OTHER_ORIGIN);
      assert.equal(refused.headers.get('access-control-allow-credentials'), null);
    });
  });

  describe('methods no route has', () => {
    it('a method the path does not have → 404 not_found (API Gateway\'s MISSING_AUTHENTICATION_TOKEN)', async () => {
      assertProblem(await call('PATCH', '/user'), 404, 'not_found');
    });

    it('an unknown method → 404 not_found, a problem document like any other method no route has [local: AWS does not document this answer]', async () => {
      assertProblem(await call('FOO', '/user'), 404, 'not_found');
    });
  });

  describe('header size: API Gateway takes at most 10,240 bytes of request line and header values', () => {
    it('headers within the limit are served', async () => {
      const answer = await call('GET', '/ping', { headers: { 'X-Padding': 'a'.repeat(9000) } });
      assert.equal(answer.status, 200, answer.text);
    });

    it('headers over the limit → 431 problem document [local: AWS does not document this answer]', async () => {
      assertProblem(await call('GET', '/ping', { headers: { 'X-Padding': 'a'.repeat(11_000) } }), 431);
    });

    it('headers far over the limit (more than Node reads by default) → 431 problem document [local: AWS does not document this answer]', async () => {
      assertProblem(await call('GET', '/ping', { headers: { 'X-Padding': 'a'.repeat(40_000) } }), 431);
    });
  });
});
