/**
 * What the stack logged during the whole suite: never a password, a token, a password hash or a
 * key. An ".after-all.ts" file: the e2e suite (app-mocha e2e) loads it after every test file,
 * so it runs last and sees every other test's traffic.
 *
 * It also makes its own requests first (one to every function), so it proves something even
 * when it runs alone.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readServiceFunctions } from '@session-api/local-stack/service-resources.mjs';
import { stack } from './hooks';
import { attemptLogIn, bearer, call, logIn, newEmail, newPassword, refresh, signUp } from './helpers';
import { passwordsSeen, tokensSeen } from './secrets-seen';

/** Every function of serverless.yml, as Powertools names them in `function_name`. */
const FUNCTIONS = Object.keys(readServiceFunctions(path.resolve(__dirname, '../..')));

const BCRYPT_HASH = /\$2[aby]\$\d{2}\$/;

/**
 * Log lines reach us through a pipe, a moment after the HTTP answer. A last GET /ping, and
 * waiting until its own log line has arrived, makes sure every earlier line is in.
 */
async function waitForLogsToSettle(): Promise<string> {
  const pingLines = (): number => stack().logs().split('\n').filter((line) => line.includes('"resource":"/ping"')).length;
  const before = pingLines();
  assert.equal((await call('GET', '/ping')).status, 200);
  const deadline = Date.now() + 5000;
  while (pingLines() === before) {
    if (Date.now() > deadline) throw new Error('the last request was never logged');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return stack().logs();
}

// [local: ...] keeps it out of `npm run smoke`: a deployed stage's logs are in CloudWatch.
describe('e2e: logs (runs last) [local: reads the local stack\'s output]', () => {
  let logs: string;
  let userId: string;

  before(async function () {
    this.timeout(20_000);
    // One request to every function, including refusals (they log a reason).
    const account = await signUp();
    userId = account.id;
    await attemptLogIn(newEmail('nobody'), newPassword());
    const first = await logIn(account);
    await call('GET', '/user', { headers: bearer(first.access_token) });
    await call('GET', '/session', { headers: bearer(first.access_token) });
    await call('GET', '/user', { headers: bearer('not.a.token') });
    const second = await refresh(first.refresh_token);
    assert.equal(second.status, 200);
    await refresh(first.refresh_token); // a reused refresh token: logged as refused, session revoked
    const third = await logIn(account);
    await call('DELETE', '/session', { headers: bearer(third.access_token) });
    logs = await waitForLogsToSettle();
  });

  it('are the logs of this suite (the check below is not vacuous)', () => {
    assert.ok(logs.includes(userId), 'the sign-up of this file was not logged: are these the right logs?');
    assert.ok(passwordsSeen().length > 0 && tokensSeen().length > 0);
  });

  it('contain no password used in the suite', () => {
    const leaked = passwordsSeen().filter((password) => logs.includes(password));
    assert.deepEqual(leaked, [], `${leaked.length} password(s) found in the logs`);
  });

  it('contain no access or refresh token issued in the suite, nor any token\'s signature', () => {
    const leaked = tokensSeen().filter((token) => {
      const signature = token.split('.')[2] ?? token;
      return logs.includes(token) || logs.includes(signature);
    });
    assert.deepEqual(leaked, [], `${leaked.length} token(s) found in the logs`);
  });

  it('contain no bcrypt hash', () => {
    assert.doesNotMatch(logs, BCRYPT_HASH);
  });

  it('contain not the signing key, in base64, base64url or hex', () => {
    const key = stack().signingKey;
    // base64 without its padding, so that an unpadded copy is found too; hex in either case.
    assert.ok(!logs.includes(key.toString('base64').replace(/=+$/, '')), 'the signing key (base64) is in the logs');
    assert.ok(!logs.includes(key.toString('base64url')), 'the signing key (base64url) is in the logs');
    assert.ok(!logs.toLowerCase().includes(key.toString('hex')), 'the signing key (hex) is in the logs');
  });

  it('are JSON lines with a request id, from every function', () => {
    // serverless-offline's own lines are plain text; the functions' lines are JSON objects.
    const functionLines = logs.split('\n').filter((line) => line.startsWith('{'));
    const functionsSeen = new Set<string>();
    for (const line of functionLines) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        assert.fail(`a function log line is not JSON: ${line.slice(0, 200)}`);
      }
      assert.ok(typeof entry['function_request_id'] === 'string' && entry['function_request_id'].length > 0, `no request id: ${line.slice(0, 200)}`);
      functionsSeen.add(String(entry['function_name']).replace(/^session-api-local-/, ''));
    }
    assert.deepEqual([...functionsSeen].sort(), [...FUNCTIONS].sort());
  });
});
