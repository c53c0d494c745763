// @ts-check
/**
 * `npm test` of one workspace (final/ or a chapter), run from its folder:
 *
 *   node ../scripts/workspace-test.mjs [--function NAME]
 *
 * 1. unit and integration tests under nyc, failing under the coverage thresholds;
 * 2. end-to-end tests over HTTP against the local stack (skipped with --function: they span
 *    every function, and the per-function pipelines run them once in the full pipelines).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const here = (/** @type {string} */ file) => fileURLToPath(new URL(file, import.meta.url));
const steps = [['coverage', [here('./coverage.mjs'), ...argv]]];
if (!argv.some((word) => word.startsWith('--function'))) steps.push(['end-to-end', [here('./mocha.mjs'), 'e2e']]);

for (const [name, args] of /** @type {[string, string[]][]} */ (steps)) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${name} failed`);
    process.exit(result.status ?? 1);
  }
}
