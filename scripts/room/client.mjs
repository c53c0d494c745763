// @ts-check
/**
 * The attendee's side of the room. Joining is their choice (`workshop join URL CODE --name
 * NAME`); after it, goto, verify, hint and solve report to the room with reportToRoom(). What a
 * report holds is decided here, and only here (reportOf): the chapter, each check's title and
 * state (and, for a failing one, the section of the chapter's page that explains it), the steps'
 * names and states, the hint level shown, whether solve was used, and times. Never code, file
 * contents, paths or environment: the room's schema refuses anything else anyway.
 *
 * Beside the learner's progress, in .workshop/ (never committed):
 *
 *   room.json         the room's address, the attendee's name and their token, and the room's
 *                     chapter as last heard
 *   room-queue.json   reports the room has not acknowledged yet: they go with the next one
 *
 * A room that cannot be reached never slows the attendee: each command waits for the room at
 * most TIMEOUT_MS, then goes on; what was not acknowledged waits in the queue.
 */
/* global AbortSignal */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The most a command waits for the room, all its requests together. */
export const TIMEOUT_MS = 800;
/** The most reports one request carries (the room's schema allows 20), and the most bytes. */
const BATCH = 20;
const BATCH_BYTES = 48 * 1024;
const TEXT_MAX = 200;

/**
 * @typedef {{ stateDir: string, progressFile: string }} Place   where the learner's state is (the workshop's Place)
 * @typedef {{ number: number, title: string, since: string, step: number } | null} RoomChapterSeen
 * @typedef {object} Membership
 * @property {string} url
 * @property {string} name
 * @property {string} attendee
 * @property {string} token
 * @property {string} joined
 * @property {RoomChapterSeen} room      the room's chapter, as the room last said it
 * @property {string} heard              when the room last answered
 * @typedef {import('./schema.mjs').Report} Report
 */

/**
 * What a command did, in the workshop's words, before reportOf() keeps what may be sent.
 * @typedef {{ type: 'goto' }
 *   | { type: 'verify', checked: number, results: { title: string, state: 'passed' | 'failed' | 'skipped', explained?: string }[], steps?: { name: string, state: 'passed' | 'failed' | 'skipped' }[], seconds?: number }
 *   | { type: 'hint', check: string, level: number, step?: string }
 *   | { type: 'solve', whole: boolean, step?: string }} Happened
 */

/** A request to the room that failed, in words for the attendee. */
export class RoomError extends Error {}

/** @param {Place} place */
export function roomFiles(place) {
  return { membership: path.join(place.stateDir, 'room.json'), queue: path.join(place.stateDir, 'room-queue.json') };
}

/** @param {string} file @param {unknown} data */
function writeJson(file, data) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temporary, file);
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The room the attendee joined, if any.
 * @param {Place} place
 * @returns {Membership | undefined}
 */
export function membershipOf(place) {
  const data = readJson(roomFiles(place).membership);
  return data && typeof data.url === 'string' && typeof data.token === 'string' ? data : undefined;
}

/** @param {Place} place @returns {Report[]} */
export function queued(place) {
  const data = readJson(roomFiles(place).queue);
  return Array.isArray(data) ? data : [];
}

/**
 * The room's address, as the attendee typed it: http(s), no path.
 * @param {string} text
 */
export function roomUrl(text) {
  let url;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new RoomError(`"${text}" is not the room's address: type it as the instructor shows it`);
  }
  if (!['http:', 'https:'].includes(url.protocol)) throw new RoomError(`"${text}" is not the room's address (http://…)`);
  return url.origin;
}

/**
 * One request to the room.
 * @param {string} url @param {string} method @param {string} route
 * @param {{ token?: string, body?: unknown, signal?: AbortSignal }} [options]
 */
async function call(url, method, route, { token, body, signal = AbortSignal.timeout(TIMEOUT_MS) } = {}) {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal,
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

/** Why a request did not reach the room, in a few words. @param {unknown} error */
function unreachable(error) {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${TIMEOUT_MS} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
  return cause;
}

/**
 * Joins a room: the room gives the attendee a token of their own, kept in .workshop/room.json.
 * @param {Place} place
 * @param {{ url: string, code: string, name: string, now?: () => Date }} options
 * @returns {Promise<Membership>}
 */
export async function joinRoom(place, { url: typed, code, name, now = () => new Date() }) {
  const url = roomUrl(typed);
  let answer;
  try {
    answer = await call(url, 'POST', '/api/join', { body: { code, name }, signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new RoomError(`The room at ${url} did not answer (${unreachable(error)}). Check the address the instructor shows, and that you are on the room's network.`, { cause: error });
  }
  if (answer.status !== 201) throw new RoomError(`The room refused to let you in: ${answer.json?.detail ?? `it answered ${answer.status}`}`);
  /** @type {Membership} */
  const membership = { url, name: answer.json.name, attendee: answer.json.attendee, token: answer.json.token, joined: now().toISOString(), room: answer.json.room ?? null, heard: now().toISOString() };
  writeJson(roomFiles(place).membership, membership);
  rmSync(roomFiles(place).queue, { force: true });
  return membership;
}

/**
 * Leaves the room: the room is told (if it answers), and the token and the queue are forgotten.
 * @param {Place} place
 * @returns {Promise<{ membership: Membership | undefined, told: boolean }>}
 */
export async function leaveRoom(place) {
  const membership = membershipOf(place);
  let told = false;
  if (membership) {
    try {
      const answer = await call(membership.url, 'DELETE', '/api/me', { token: membership.token });
      told = answer.status === 204 || answer.status === 401;
    } catch {
      told = false;
    }
  }
  rmSync(roomFiles(place).membership, { force: true });
  rmSync(roomFiles(place).queue, { force: true });
  return { membership, told };
}

/** @param {string} text */
const clip = (text) => (text.length > TEXT_MAX ? `${text.slice(0, TEXT_MAX - 1)}…` : text);

/**
 * The report of what a command did: only what the room may know, picked field by field.
 * @param {Happened} happened
 * @param {number} chapter the chapter the attendee is on, after the command
 * @param {Date} at
 * @returns {Report}
 */
export function reportOf(happened, chapter, at) {
  const common = { id: randomUUID(), chapter, at: at.toISOString() };
  switch (happened.type) {
    case 'goto':
      return { ...common, type: 'goto' };
    case 'verify':
      return {
        ...common,
        type: 'verify',
        checked: happened.checked,
        checks: happened.results.slice(0, 100).map(({ title, state, explained }) => ({ title: clip(title), state, ...(state === 'failed' && explained ? { section: clip(explained) } : {}) })),
        ...(happened.steps ? { steps: happened.steps.slice(0, 50).map(({ name, state }) => ({ name: name.slice(0, 80), state })) } : {}),
        ...(happened.seconds === undefined ? {} : { seconds: Math.round(happened.seconds * 10) / 10 }),
      };
    case 'hint':
      return { ...common, type: 'hint', check: clip(happened.check), level: Math.min(20, Math.max(1, Math.round(happened.level))), ...(happened.step ? { step: happened.step.slice(0, 80) } : {}) };
    case 'solve':
      return { ...common, type: 'solve', whole: happened.whole, ...(happened.step ? { step: happened.step.slice(0, 80) } : {}) };
  }
}

/** The chapter the learner's progress says they are on. @param {Place} place */
function chapterNow(place) {
  const chapter = readJson(place.progressFile)?.chapter;
  return Number.isInteger(chapter) && chapter >= 0 && chapter <= 99 ? chapter : undefined;
}

/**
 * Sends what waits in the queue, oldest first, in batches, until the time is up.
 * @param {Place} place @param {Membership} membership @param {AbortSignal} signal
 * @returns {Promise<{ waiting: number, problem: 'unreachable' | 'unknown' | 'busy' | null, reason: string, room: RoomChapterSeen | undefined }>}
 */
async function sendQueue(place, membership, signal) {
  let queue = queued(place);
  /** @type {RoomChapterSeen | undefined} */
  let room;
  while (queue.length > 0) {
    const batch = [];
    let bytes = 0;
    for (const report of queue) {
      const size = JSON.stringify(report).length;
      if (batch.length >= BATCH || (batch.length > 0 && bytes + size > BATCH_BYTES)) break;
      batch.push(report);
      bytes += size;
    }
    let answer;
    try {
      answer = await call(membership.url, 'POST', '/api/reports', { token: membership.token, body: { reports: batch }, signal });
    } catch (error) {
      return { waiting: queue.length, problem: 'unreachable', reason: unreachable(error), room };
    }
    if (answer.status === 401) return { waiting: queue.length, problem: 'unknown', reason: answer.json?.detail ?? '', room };
    if (answer.status === 429 || answer.status >= 500) return { waiting: queue.length, problem: 'busy', reason: answer.json?.detail ?? `it answered ${answer.status}`, room };
    // Acknowledged, or refused for good (a 4xx other than those above): either way it leaves the queue.
    queue = queue.slice(batch.length);
    writeJson(roomFiles(place).queue, queue);
    if (answer.status === 200) room = answer.json?.room ?? null;
  }
  return { waiting: 0, problem: null, reason: '', room };
}

/** @param {Place} place @param {Membership} membership @param {RoomChapterSeen | undefined} room */
function remember(place, membership, room) {
  if (room === undefined) return;
  writeJson(roomFiles(place).membership, { ...membership, room, heard: new Date().toISOString() });
}

/**
 * Reports what a command did to the room the attendee joined (nothing at all when they have not
 * joined one). Never throws and never waits more than TIMEOUT_MS: a report the room did not
 * acknowledge stays in the queue and goes with the next one.
 * @param {{ place: Place, print?: (text?: string) => void, now?: () => Date }} context
 * @param {Happened} happened
 * @returns {Promise<{ sent: boolean, waiting: number } | undefined>} undefined when not in a room
 */
export async function reportToRoom(context, happened) {
  try {
    const membership = membershipOf(context.place);
    const chapter = chapterNow(context.place);
    if (!membership || chapter === undefined) return undefined;
    const files = roomFiles(context.place);
    writeJson(files.queue, [...queued(context.place), reportOf(happened, chapter, context.now?.() ?? new Date())]);
    const result = await sendQueue(context.place, membership, AbortSignal.timeout(TIMEOUT_MS));
    remember(context.place, membership, result.room);
    if (result.problem && context.print) {
      const waiting = `${result.waiting} report${result.waiting === 1 ? '' : 's'} wait${result.waiting === 1 ? 's' : ''} in .workshop/ and go${result.waiting === 1 ? 'es' : ''} with your next command`;
      if (result.problem === 'unknown') context.print(`\nThe room at ${membership.url} does not know you any more (was it started anew?). Join it again: npm run workshop -- join ${membership.url} CODE --name ${JSON.stringify(membership.name)}`);
      else context.print(`\n(The room at ${membership.url} did not take the report: ${result.reason}. ${waiting}.)`);
    }
    return { sent: result.problem === null, waiting: result.waiting };
  } catch {
    // Reporting is never a reason for a learner's command to fail.
    return { sent: false, waiting: queued(context.place).length };
  }
}

/**
 * The room as `status` shows it: the membership, the room's chapter (asked now, within
 * TIMEOUT_MS, or as last heard), and whether the answer is fresh. Sends what waits, on the way.
 * @param {Place} place
 */
export async function roomNow(place) {
  const membership = membershipOf(place);
  if (!membership) return undefined;
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const sent = await sendQueue(place, membership, signal).catch(() => ({ waiting: queued(place).length, problem: 'unreachable', room: undefined }));
  try {
    const answer = sent.problem ? undefined : await call(membership.url, 'GET', '/api/me', { token: membership.token, signal });
    if (answer?.status === 200) {
      remember(place, membership, answer.json.room ?? null);
      return { membership, room: /** @type {RoomChapterSeen} */ (answer.json.room ?? null), fresh: true, known: true, waiting: sent.waiting, chapter: chapterNow(place) };
    }
    return { membership, room: membership.room, fresh: false, known: answer?.status !== 401 && sent.problem !== 'unknown', waiting: sent.waiting, chapter: chapterNow(place) };
  } catch {
    return { membership, room: membership.room, fresh: false, known: true, waiting: sent.waiting, chapter: chapterNow(place) };
  }
}

/**
 * Exactly what goes to the room, in words and as an example (made from the attendee's last
 * verify, when there is one): what `join` prints.
 * @param {number} chapter
 * @param {{ checked: number, results: { title: string, state: 'passed' | 'failed' | 'skipped', explained?: string }[] }} [lastVerify]
 */
export function whatIsSent(chapter, lastVerify) {
  const results = lastVerify?.results ?? [{ title: 'GET /ping answers 200', state: /** @type {const} */ ('passed') }, { title: 'GET /ping has a unit test', state: /** @type {const} */ ('failed'), explained: 'A first unit test' }];
  const example = reportOf({ type: 'verify', checked: lastVerify?.checked ?? chapter, results, seconds: 12.3 }, chapter, new Date());
  return [
    'After you join, goto, verify, hint and solve send the room only:',
    '  - the chapter you are on, and the time;',
    '  - verify: the title and state of each check (and, for a failing one, the section of the page that explains it), the steps\' names and states, how long it took;',
    '  - hint: the check\'s title and the hint level shown;  solve: that you used it (the whole chapter or a part);',
    '  - your name, once, when you join.',
    `Never your code, your files' contents, paths, or anything of your environment. ${lastVerify ? 'Your last verify would send' : 'A verify sends, for example'}:`,
    ...JSON.stringify({ ...example, id: '…' }, null, 2).split('\n').map((line) => `  ${line}`),
    'Leave the room at any time: npm run workshop -- join --leave',
  ];
}

/** Whether this repository has joined a room (for tests and `status`). @param {Place} place */
export function joined(place) {
  return existsSync(roomFiles(place).membership);
}
