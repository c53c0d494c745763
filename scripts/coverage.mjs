// @ts-check
/**
 * Unit and integration tests of a workspace under nyc, failing under the thresholds of its
 * .nycrc.json (90% lines, branches, functions, statements):
 *
 *   node ../scripts/coverage.mjs [--function NAME] [--junit FILE]
 *
 * With --function, coverage is measured over that function's folder and the shared code only,
 * which is what that function's pipeline is answerable for.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkFunctionName } from './mocha.mjs';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const { values } = parseArgs({ args: argv, options: { function: { type: 'string' }, junit: { type: 'string' } }, strict: false });
const fn = typeof values.function === 'string' ? values.function : undefined;
try {
  if (fn) checkFunctionName(fn);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
const include = fn ? ['--include', `src/functions/${fn}/**/*.ts`, '--include', 'src/lib/**/*.ts'] : [];
const mocha = fileURLToPath(new URL('./mocha.mjs', import.meta.url));
const result = spawnSync(process.execPath, [require.resolve('nyc/bin/nyc.js'), ...include, process.execPath, mocha, 'unit', 'integration', ...argv], { stdio: 'inherit' });
process.exit(result.status ?? 1);
