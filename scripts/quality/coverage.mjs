// @ts-check
/**
 * Unit and integration tests of an app under nyc, failing under the thresholds of its
 * .nycrc.yml (90% lines, branches, functions, statements):
 *
 *   app-coverage [--function NAME] [--junit FILE]
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
const APP_MOCHA = fileURLToPath(new URL('./bin/app-mocha.mjs', import.meta.url));

/**
 * The nyc command line (after nyc itself) for these arguments.
 * @param {string[]} argv
 * @param {string} [workspace]
 */
export function nycArguments(argv, workspace = process.cwd()) {
  const { values } = parseArgs({ args: argv, options: { function: { type: 'string' }, junit: { type: 'string' } }, strict: false });
  const fn = typeof values.function === 'string' ? values.function : undefined;
  if (fn) checkFunctionName(fn, workspace);
  const include = fn ? ['--include', `src/functions/${fn}/**/*.ts`, '--include', 'src/lib/**/*.ts'] : [];
  return [...include, process.execPath, APP_MOCHA, 'unit', 'integration', ...argv];
}

/** @param {string[]} argv */
export function main(argv) {
  let args;
  try {
    args = nycArguments(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  return spawnSync(process.execPath, [require.resolve('nyc/bin/nyc.js'), ...args], { stdio: 'inherit' }).status ?? 1;
}
