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

/** @param {string[]} argv */
export function main(argv) {
  let run;
  try {
    run = smokeRun(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  return runMocha(run.args, { env: { ...process.env, ...run.env } });
}
