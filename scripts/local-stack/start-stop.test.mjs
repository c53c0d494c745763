// @ts-check
/**
 * `npm start` as a learner meets it: the stack comes up on the port it prints, the terminal shows
 * only URLs that work and no warning the learner can do nothing about, and Ctrl-C (SIGINT) stops
 * every part of it (serverless-offline, the gateway proxy and dynalite), so the port is free again
 * for the next start. The tests share one start, in this order.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.mjs';

const finalDir = fileURLToPath(new URL('../../final', import.meta.url));
const serverless = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');

/** @param {number} port @returns {Promise<boolean>} */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.destroy() && resolve(true)).once('error', () => resolve(false));
  });
}

describe('local stack: start, what it prints, and Ctrl-C', function () {
  this.timeout(90_000);
  /** @type {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable>} */
  let child;
  let port = 0;
  let output = '';

  /** Resolves once the output holds `text`. @param {string} text @param {number} ms */
  const printed = (text, ms) =>
    new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes(text)) {
          clearInterval(timer);
          clearTimeout(timeout);
          resolve(undefined);
        }
      }, 50);
      const timeout = setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`"${text}" not printed within ${ms} ms:\n${output}`));
      }, ms);
    });

  before(async () => {
    port = await freePort();
    // As on a learner's machine: nothing set that quiets the AWS SDK (mocha's setup may set it).
    /** @type {NodeJS.ProcessEnv} */
    const env = { ...process.env, PORT: String(port) };
    delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
    child = spawn(process.execPath, [serverless, 'offline', 'start', '--stage', 'local'], { cwd: finalDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const record = (/** @type {Buffer} */ chunk) => (output += chunk);
    child.stdout.on('data', record);
    child.stderr.on('data', record);
    const exited = new Promise((_resolve, reject) => child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`))));
    await Promise.race([printed('Press Ctrl-C', 60_000), exited]);
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the API on PORT and prints how to try it', async () => {
    assert.match(output, new RegExp(`Local stack ready: http://localhost:${port}/local`));
    assert.match(output, new RegExp(`POST +http://localhost:${port}/local/user`));
    assert.match(output, /curl -i -X POST http:\/\/localhost:\d+\/local\/user/);
    const ping = await fetch(`http://127.0.0.1:${port}/local/ping`);
    assert.deepEqual(await ping.json(), { status: 'ok' });
  });

  it('prints no URL but the API\'s: none of serverless-offline\'s private ports', () => {
    const urls = output.match(/https?:\/\/[^\s'"]+/g) ?? [];
    assert.ok(urls.length > 0, 'no URL printed at all');
    const elsewhere = urls.filter((url) => !url.startsWith(`http://localhost:${port}/local`));
    assert.deepEqual(elsewhere, [], `URLs that bypass the API:\n${output}`);
    assert.doesNotMatch(output, /Function names exposed/);
  });

  it('prints no warning a learner cannot act on, also once the functions run (the AWS SDK\'s Node 22 notice among them)', async () => {
    // A sign-up runs a function that creates an AWS SDK client: the SDK warns when it starts.
    const signUp = await fetch(`http://127.0.0.1:${port}/local/user`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Client-Id': 'workshop-web' },
      body: JSON.stringify({ email: `start-${Date.now()}@example.com`, password: 'correct horse battery' }),
    });
    assert.equal(signUp.status, 201);
    await printed('(λ: createUser) RequestId', 10_000);
    assert.doesNotMatch(output, /warn/i, output);
  });

  it('stops everything on SIGINT (Ctrl-C)', async () => {
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGINT');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000));
    const ending = await Promise.race([exited, timeout]);
    assert.notEqual(ending, 'still running', 'the stack did not stop within 15 s of Ctrl-C');
    assert.equal(await accepts(port), false, 'the API port is still taken after Ctrl-C');
  });
});
