// @ts-check
/**
 * For the room's tests: a room in a temporary folder on a free loopback port (in this process),
 * the real `workshop room` command in a child process (for the tests that kill it), and an
 * attendee's place (a .workshop/ folder with a progress file) without a whole repository.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadChapters } from '@session-api/workshop/chapters';
import { learnerEnv } from '@session-api/workshop/scratch-repository';
import { openRoom } from './server.mjs';
import { roomChapter } from './state.mjs';

/** The workshop's chapters, as the room knows them. */
export function workshopChapters() {
  return loadChapters().map(roomChapter);
}

/** A temporary folder, and its removal. @param {string} label */
export function temporaryFolder(label) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `room-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A room in this process, on a free loopback port.
 * @param {string} folder @param {Partial<import('./server.mjs').RoomOptions>} [options]
 */
export async function testRoom(folder, options = {}) {
  const room = await openRoom({ chapters: workshopChapters(), folder: path.join(folder, 'room'), port: 0, host: '127.0.0.1', logError: () => {}, ...options });
  return { ...room, url: `http://127.0.0.1:${room.port}` };
}

/**
 * An attendee's .workshop/ folder, on `chapter`.
 * @param {string} folder @param {number} chapter
 */
export function attendeePlace(folder, chapter) {
  const stateDir = path.join(folder, '.workshop');
  mkdirSync(stateDir, { recursive: true });
  const place = { stateDir, progressFile: path.join(stateDir, 'progress.json') };
  writeFileSync(place.progressFile, JSON.stringify({ version: 1, chapter, chapters: {}, hintsShown: {} }));
  return place;
}

/**
 * The real `workshop room` in a child process, in the repository `root`, once it says it is
 * open: its code, key and port, what it printed, and how to stop (or kill) it.
 * @param {string} root @param {string[]} args
 */
export async function spawnRoom(root, args) {
  const bin = path.join(root, 'node_modules', '@session-api', 'workshop', 'bin', 'workshop.mjs');
  const child = spawn(process.execPath, [bin, 'room', '--host', '127.0.0.1', ...args], { cwd: root, env: learnerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  for (let tries = 0; tries < 300 && !/Instructor key: +\S+/.test(output); tries += 1) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const key = /Instructor key: +(\S+)/.exec(output)?.[1];
  const code = /Room code: +(\S+)/.exec(output)?.[1];
  const port = Number(/The room is open on port (\d+)/.exec(output)?.[1]);
  if (!key || !code || !port) {
    child.kill('SIGKILL');
    throw new Error(`workshop room did not start:\n${output}`);
  }
  return {
    child,
    code,
    key,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    /** Ctrl-C, as the instructor stops it. */
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
    /** A crash: kill -9. */
    kill: async () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/**
 * `npm run workshop -- ARGS` typed in the repository `root`, without blocking this process (two
 * attendees can type at the same time): the workshop's bin, as scratchRepository's cli() runs it.
 * @param {string} root @param {string[]} args
 * @returns {Promise<{ status: number | null, stdout: string, stderr: string, ms: number }>}
 */
export function workshop(root, args) {
  const bin = path.join(root, 'node_modules', '@session-api', 'workshop', 'bin', 'workshop.mjs');
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: learnerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr, ms: performance.now() - started })));
}

/**
 * The instructor's view of a room, as the dashboard gets it.
 * @param {string} url @param {string} key
 * @returns {Promise<any>}
 */
export async function dashboardOf(url, key) {
  const response = await fetch(`${url}/api/instructor/dashboard`, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`the dashboard answered ${response.status}`);
  return response.json();
}

/** Fields of a view that change with the clock alone. @param {any} view */
export function withoutClock(view) {
  return JSON.parse(JSON.stringify(view, (name, value) => (['now', 'minutesInChapter', 'elapsedMinutes', 'aheadMinutes'].includes(name) ? undefined : value)));
}
