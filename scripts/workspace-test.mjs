// @ts-check
/**
 * `npm test` of one workspace (final/ or a chapter), run from its folder:
 *
 *   node ../scripts/workspace-test.mjs [--function NAME]
 *
 * 1. unit and integration tests under nyc, failing under the coverage thresholds;
 * 2. the deploy tests: package every deployed stage (no AWS account needed) and check the
 *    templates and zips (roles, secrets, tables, API settings, bundle sizes);
 * 3. end-to-end tests over HTTP against the local stack (skipped with --function: they span
 *    every function, and the per-function pipelines run them once in the full pipelines);
 * 4. property tests (random requests in-process), fault tests (the local stack while its
 *    database is down, stuck or throttling) and a short load test; skipped with --function too.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const here = (/** @type {string} */ file) => fileURLToPath(new URL(file, import.meta.url));
const steps = [
  ['coverage', [here('./coverage.mjs'), ...argv]],
  ['deploy', [here('./mocha.mjs'), 'deploy']],
];
if (!argv.some((word) => word.startsWith('--function'))) steps.push(['end-to-end', [here('./mocha.mjs'), 'e2e']]);
// Random requests, database faults and a short load test: they too span every function.
if (!argv.some((word) => word.startsWith('--function'))) {
  steps.push(['properties', [here('./mocha.mjs'), 'properties']], ['faults', [here('./mocha.mjs'), 'faults']], ['load', [here('./mocha.mjs'), 'load']]);
}

for (const [name, args] of /** @type {[string, string[]][]} */ (steps)) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${name} failed`);
    process.exit(result.status ?? 1);
  }
}
