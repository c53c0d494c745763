// @ts-check
/**
 * `npm run smoke` (app-smoke): the end-to-end contract tests of an app, against any base URL:
 *
 *   npm run smoke -- --url https://<api-id>.execute-api.<region>.amazonaws.com/dev --client-id workshop-web [--other-client-id workshop-cli]
 *
 * The same tests as the local end-to-end suite (test/e2e), over HTTP, minus those marked
 * [local: ...] in their titles, which need what only the local stack shows (its signing key,
 * its logs), and minus those marked [two clients] when no --other-client-id is given. They create
 * accounts and sessions with unique emails in the stage they test.
 *
 * First it asks the URL once: when nothing answers there (a mistyped host, a stage removed, an
 * API not started), it says so in one line, instead of a hundred tests each failing with the
 * same connection error.
 */
import { parseArgs } from 'node:util';
import { REGISTER_TYPESCRIPT, runMocha } from './mocha.mjs';

const USAGE = 'usage: npm run smoke -- --url BASE_URL --client-id CLIENT_ID [--other-client-id CLIENT_ID]';

/**
 * The mocha command line and environment of a smoke run.
 * @param {string[]} argv
 */
export function smokeRun(argv) {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, 'client-id': { type: 'string' }, 'other-client-id': { type: 'string' } } });
  const url = values.url;
  const clientId = values['client-id'];
  if (!url || !clientId) throw new Error(USAGE);
  if (!/^https?:\/\//.test(url)) throw new Error(`--url must be an http(s) URL with the stage in its path, e.g. http://localhost:3000/local (got ${url})`);
  const otherClientId = values['other-client-id'];
  const leftOut = otherClientId ? '\\[local:' : '\\[local:|\\[two clients\\]';
  return {
    args: [
      '--fail-zero', '--require', REGISTER_TYPESCRIPT, '--require', 'test/setup.ts', '--require', 'test/e2e/hooks.ts',
      '--grep', leftOut, '--invert', '--reporter', 'spec', 'test/e2e/**/*.test.ts',
    ],
    env: { E2E_BASE_URL: url, E2E_CLIENT_ID: clientId, ...(otherClientId ? { E2E_OTHER_CLIENT_ID: otherClientId } : {}) },
  };
}

/** How long the first request may take: a cold start of a deployed stage included. */
const ANSWER_WITHIN_MS = 15_000;

/**
 * Why nothing answers at `url`, or null when something does (any HTTP answer, even a 403 or a
 * 404, is an answer: the tests say what is wrong with it).
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<string | null>}
 */
export async function whyNothingAnswers(url, { timeoutMs = ANSWER_WITHIN_MS } = {}) {
  try {
    const response = await fetch(url, { signal: globalThis.AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    return null;
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
    const cause = /** @type {{ cause?: { code?: string, message?: string } }} */ (error).cause;
    return cause?.message ?? (error instanceof Error ? error.message : String(error));
  }
}

/** @param {string[]} argv */
export async function main(argv) {
  let run;
  try {
    run = smokeRun(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  const url = run.env.E2E_BASE_URL;
  const reason = await whyNothingAnswers(url);
  if (reason !== null) {
    console.error(`Nothing answers at ${url} (${reason}). Check the URL: a deployed stage's is the start of the endpoints npm run deploy printed, stage included (…/dev); a local one needs npm start first.`);
    return 1;
  }
  return runMocha(run.args, { env: { ...process.env, ...run.env } });
}
