/**
 * Virtual users for the load test: each one runs whole lifecycles (sign up, log in, refresh
 * several times, read, log out) against the local stack, back to back, until the time is up,
 * and records what it saw so the test can check the tables and the tokens afterwards.
 *
 * Sign-ups race on purpose: lifecycles that start one after the other share an email, so two
 * users often sign up the same email at the same moment, and exactly one of them must win.
 */
import { randomUUID } from 'node:crypto';
import { request, type Answer, type RequestOptions } from '../e2e/api';

export const REFRESHES_PER_LIFECYCLE = 3;
const CLIENT = { 'X-Client-Id': 'workshop-web' };
const PASSWORD = 'correct horse battery staple';

interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** Everything the virtual users saw, for the checks that follow the run. */
export interface LoadRecord {
  lifecycles: number;
  requests: number;
  /** Every answer by status, e.g. { 201: 40, 409: 12 }. */
  statuses: Map<number, number>;
  /** Answers a lifecycle did not expect (any status but the one it needed), as text. */
  unexpected: string[];
  /** The user id of every successful sign-up, by email (two ids for one email is a bug). */
  signUps: Map<string, string[]>;
  /** Emails that more than one virtual user tried to sign up. */
  contested: Set<string>;
  /** Refresh tokens replaced by a refresh: each must be refused from now on. */
  rotatedRefreshTokens: string[];
  /** The last tokens of each session, after its log-out: each must be refused. */
  loggedOut: { sessionId: string; accessToken: string; refreshToken: string }[];
}

export function emptyRecord(): LoadRecord {
  return { lifecycles: 0, requests: 0, statuses: new Map(), unexpected: [], signUps: new Map(), contested: new Set(), rotatedRefreshTokens: [], loggedOut: [] };
}

/** Reads the session id (the `sid` claim) from a token, without verifying it. */
export function sessionIdOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sid as string;
}

class UnexpectedAnswer extends Error {}

export interface LoadOptions {
  baseUrl: string;
  users: number;
  seconds: number;
}

/** Runs `users` virtual users for `seconds`; lifecycles under way at the end are finished. */
export async function runVirtualUsers({ baseUrl, users, seconds }: LoadOptions): Promise<LoadRecord> {
  const record = emptyRecord();
  const runId = randomUUID().slice(0, 8);
  const deadline = performance.now() + seconds * 1000;
  let started = 0;

  async function send<T = Record<string, unknown>>(method: string, route: string, expected: number[], options: RequestOptions): Promise<Answer<T>> {
    const answer = await request<T>(baseUrl, method, route, options);
    record.requests += 1;
    record.statuses.set(answer.status, (record.statuses.get(answer.status) ?? 0) + 1);
    if (!expected.includes(answer.status)) {
      record.unexpected.push(`${method} ${route} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      throw new UnexpectedAnswer();
    }
    return answer;
  }

  async function signUp(email: string, expected: number[]): Promise<Answer> {
    const answer = await send('POST', '/user', expected, { headers: CLIENT, json: { email, password: PASSWORD } });
    if (answer.status === 201) record.signUps.set(email, [...(record.signUps.get(email) ?? []), String(answer.body['id'])]);
    return answer;
  }

  async function lifecycle(): Promise<void> {
    // Lifecycles 0 and 1 share an email, 2 and 3 the next one, and so on: they start close
    // together, on different virtual users, so their sign-ups race.
    const index = started++;
    const contested = `load-${runId}-${Math.floor(index / 2)}@example.com`;
    if (index % 2 === 1) record.contested.add(contested);
    let email = contested;
    if ((await signUp(contested, [201, 409])).status === 409) {
      email = `load-${runId}-${randomUUID()}@example.com`;
      await signUp(email, [201]);
    }

    let tokens = (await send<TokenPair>('POST', '/session', [201], { headers: CLIENT, json: { email, password: PASSWORD } })).body;
    for (let refresh = 0; refresh < REFRESHES_PER_LIFECYCLE; refresh += 1) {
      const next = (await send<TokenPair>('PUT', '/session', [200], { headers: CLIENT, json: { refresh_token: tokens.refresh_token } })).body;
      record.rotatedRefreshTokens.push(tokens.refresh_token);
      tokens = next;
    }
    const bearer = { Authorization: `Bearer ${tokens.access_token}` };
    await send('GET', '/user', [200], { headers: bearer });
    await send('GET', '/session', [200], { headers: bearer });
    await send('DELETE', '/session', [204], { headers: bearer });
    record.loggedOut.push({ sessionId: sessionIdOf(tokens.refresh_token), accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
    record.lifecycles += 1;
  }

  async function virtualUser(): Promise<void> {
    while (performance.now() < deadline) {
      try {
        await lifecycle();
      } catch (error) {
        // An unexpected answer is already recorded: start the next lifecycle. Anything else
        // (the stack is gone) ends this virtual user.
        if (!(error instanceof UnexpectedAnswer)) throw error;
      }
    }
  }

  await Promise.all(Array.from({ length: users }, () => virtualUser()));
  return record;
}

/** Runs `task` on every item, at most `concurrency` at a time. */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
}
