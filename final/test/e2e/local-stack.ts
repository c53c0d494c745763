/**
 * Starts the real local stack (`serverless offline start --stage local`, the same command as
 * `npm start`) on a free port, for end-to-end tests that speak HTTP to it, and records every
 * line it logs so tests can check what the functions wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const READY_LINE = 'Local stack ready: ';
const START_TIMEOUT_MS = 60_000;

export interface LocalStack {
  baseUrl: string;
  /** The signing key the stack generated (read from its data folder), to prove it is never logged. */
  signingKey: Buffer;
  logs: () => string;
  stop: () => Promise<void>;
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startLocalStack(environment: Record<string, string> = {}): Promise<LocalStack> {
  const { freePort } = await import('@session-api/local-stack/ports.mjs');
  const port = await freePort();
  // Data on disk in a temp folder: that is where the stack keeps its generated signing key.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'session-api-e2e-'));
  const serviceDir = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, [require.resolve('serverless/bin/serverless.js'), 'offline', 'start', '--stage', 'local'], {
    cwd: serviceDir,
    env: { ...process.env, PORT: String(port), LOCAL_DB_PATH: dataDir, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack not ready after ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((candidate) => candidate.includes(READY_LINE));
      if (line) {
        clearTimeout(timer);
        resolve(line.slice(line.indexOf(READY_LINE) + READY_LINE.length).trim());
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}:\n${output}`));
    });
  });
  const printedUrl = await ready.catch(async (error: unknown) => {
    await stopProcess(child);
    throw error;
  });
  return {
    // The banner says localhost; tests use the loopback address it listens on.
    baseUrl: printedUrl.replace('localhost', '127.0.0.1'),
    signingKey: Buffer.from(readFileSync(path.join(dataDir, 'signing-key'), 'utf8').trim(), 'base64'),
    logs: () => output,
    stop: async () => {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
