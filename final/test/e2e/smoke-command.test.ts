/**
 * `npm run smoke` is how a learner checks a deployed stage. Here it runs against this local
 * stack, the one base URL this machine has, so the command itself is proven to work.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { CLI_CLIENT, WEB_CLIENT } from './helpers';
import { stack } from './hooks';

const smokeScript = require.resolve('@session-api/quality/bin/app-smoke.mjs');
const finalDir = path.resolve(__dirname, '../..');

/**
 * Runs the smoke command and waits for it without blocking this process: the local stack's
 * output is read by this process, and a blocked reader would stall the stack.
 */
function smoke(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [smokeScript, ...args], { cwd: finalDir, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('e2e: npm run smoke [local: runs the smoke tests against this stack]', function () {
  this.timeout(200_000);

  it('passes against the local stack, with the tests that need local internals left out', async () => {
    const run = await smoke('--url', stack().baseUrl, '--client-id', WEB_CLIENT, '--other-client-id', CLI_CLIENT);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /\d+ passing/);
    assert.doesNotMatch(run.stdout, /failing/);
    assert.doesNotMatch(run.stdout, /\[local:/, 'a local-only test ran against a remote URL');
  });

  it('refuses to run without a base URL and a client id, and says how to call it', async () => {
    const run = await smoke('--url', stack().baseUrl);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /usage: npm run smoke -- --url BASE_URL --client-id CLIENT_ID/);
  });
});
