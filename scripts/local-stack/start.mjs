// @ts-check
/**
 * Starts an app's local stack (`serverless offline start --stage local`, exactly what `npm start`
 * runs) on a free port, for tests and checks that speak HTTP to it, and records every line it
 * prints so they can read what the functions logged.
 *
 *   const stack = await startLocalStack({ serviceDir: 'final' });
 *   await fetch(`${stack.baseUrl}/ping`);
 *   await stack.stop();
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { READY_LINE } from './index.mjs';
import { freePort } from './ports.mjs';

const START_TIMEOUT_MS = 90_000;

/**
 * @typedef {object} LocalStack
 * @property {string} baseUrl        e.g. http://127.0.0.1:41233/local
 * @property {Buffer} signingKey     the key the stack generated for this run
 * @property {() => string} logs     everything the stack printed so far
 * @property {() => Promise<void>} stop
 * @property {() => Promise<void>} [rebuild]  bundle the functions again and load the new bundles (a stack started with `control`)
 */

/** @param {import('node:child_process').ChildProcess} child */
function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve(undefined);
    });
    child.kill('SIGTERM');
  });
}

/**
 * @param {{ serviceDir: string, environment?: Record<string, string>, logFile?: string, control?: boolean }} options
 *   serviceDir: the app folder (where serverless.yml is); environment: more variables for it;
 *   logFile: also append what it prints to this file, as it comes (for another process to read);
 *   control: rebuild only when told to (rebuild()), instead of on every change of a file
 * @returns {Promise<LocalStack>}
 */
export async function startLocalStack(options) {
  // A port found free can be taken by another program before the stack listens on it (tests
  // start stacks side by side): then the stack is started again, on other ports.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(error instanceof Error ? error.message : String(error))) throw error;
    }
  }
}

/**
 * @param {{ serviceDir: string, environment?: Record<string, string>, logFile?: string, control?: boolean }} options
 * @returns {Promise<LocalStack>}
 */
async function startOnce({ serviceDir, environment = {}, logFile, control = false }) {
  const port = await freePort();
  // Data on disk in a temporary folder: that is where the stack keeps its generated signing key.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'local-stack-'));
  const serverless = createRequire(path.join(path.resolve(serviceDir), 'package.json')).resolve('serverless/bin/serverless.js');
  const child = spawn(process.execPath, [serverless, 'offline', 'start', '--stage', 'local'], {
    cwd: serviceDir,
    env: { ...process.env, PORT: String(port), LOCAL_DB_PATH: dataDir, ...environment, ...(control ? { LOCAL_STACK_CONTROL: 'ipc' } : {}) },
    stdio: control ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let rebuilds = 0;
  let output = '';
  // Once the ready line is found, later output is only recorded, not searched again.
  let found = false;
  const marker = `${READY_LINE}: `;
  /** @type {Promise<string>} */
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local stack was not ready after ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      output += chunk.toString('utf8');
      if (logFile) appendFileSync(logFile, chunk);
      if (found) return;
      const line = output.split('\n').find((candidate) => candidate.includes(marker));
      if (line) {
        found = true;
        clearTimeout(timer);
        resolve(line.slice(line.indexOf(marker) + marker.length).trim());
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local stack stopped (exit code ${code}) before it was ready:\n${output}`));
    });
  });
  let printedUrl;
  try {
    printedUrl = await ready;
  } catch (error) {
    await stopProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    // The banner says localhost; clients use the loopback address it listens on.
    baseUrl: printedUrl.replace('localhost', '127.0.0.1'),
    signingKey: Buffer.from(readFileSync(path.join(dataDir, 'signing-key'), 'utf8').trim(), 'base64'),
    logs: () => output,
    rebuild: () =>
      new Promise((resolve, reject) => {
        if (!control) return reject(new Error('this stack was not started with control: it rebuilds on its own'));
        const id = (rebuilds += 1);
        /** @param {any} message */
        const onMessage = (message) => {
          if (message?.type !== 'rebuilt' || message.id !== id) return;
          child.off('message', onMessage);
          if (message.error) reject(new Error(message.error));
          else resolve(undefined);
        };
        child.on('message', onMessage);
        child.send({ type: 'rebuild', id });
      }),
    stop: async () => {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
