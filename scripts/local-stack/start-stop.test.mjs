// @ts-check
/**
 * `npm start` as a learner meets it: the stack comes up on the port it prints, and Ctrl-C
 * (SIGINT) stops every part of it (serverless-offline, the gateway proxy and dynalite), so the
 * port is free again for the next start.
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

describe('local stack: start and Ctrl-C', function () {
  this.timeout(90_000);

  it('serves the API on PORT, prints how to try it, and stops everything on SIGINT', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [serverless, 'offline', 'start', '--stage', 'local'], {
      cwd: finalDir,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 60 s:\n${output}`)), 60_000);
      const onData = (/** @type {Buffer} */ chunk) => {
        output += chunk;
        if (output.includes('Press Ctrl-C')) {
          clearTimeout(timer);
          resolve(undefined);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });

    assert.match(output, new RegExp(`Local stack ready: http://localhost:${port}/local`));
    assert.match(output, /curl -i -X POST http:\/\/localhost:\d+\/local\/user/);
    const ping = await fetch(`http://127.0.0.1:${port}/local/ping`);
    assert.deepEqual(await ping.json(), { status: 'ok' });

    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGINT');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000));
    const ending = await Promise.race([exited, timeout]);
    if (ending === 'still running') child.kill('SIGKILL');
    assert.notEqual(ending, 'still running', 'the stack did not stop within 15 s of Ctrl-C');
    assert.equal(await accepts(port), false, 'the API port is still taken after Ctrl-C');
  });
});
