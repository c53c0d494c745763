// @ts-check
/**
 * Runs an app's test suites with mocha, from the app's folder (final/, a chapter, your copy):
 *
 *   app-mocha SUITE... [--function NAME] [--junit FILE] [mocha options]
 *
 * unit         the tests beside the code: src/functions/<name>/ and the shared src/lib/
 * integration  test/integration/: the real modules against an embedded DynamoDB
 * e2e          test/e2e/: HTTP against the real local stack; then test/e2e/*.after-all.ts, the
 *              checks of what the whole suite did (the logs it left), which must run last
 * deploy       test/deploy/: the packaged CloudFormation templates and zips of dev, test and prod
 * properties   test/properties/: random requests in-process against an embedded DynamoDB
 * faults       test/faults/: the local stack while its database is down, stuck or throttling
 * load         test/load/*.test.ts: a few seconds of whole user lifecycles on the local stack
 * load-full    test/load/*.full.ts: the same for longer (npm run load, not part of npm test)
 * --function   only that function's unit tests, plus the shared code's (what its pipeline runs)
 * --junit      also write JUnit XML to FILE (published by the pipelines as a test artifact)
 *
 * A run in which no test ran fails (mocha's --fail-zero): a suite that finds no files, for a
 * mistyped pattern or a path it cannot read, must never look like a suite that passed.
 *
 * A run with the integration tests runs its files in mocha workers, one per core; the variable
 * APP_MOCHA_JOBS sets how many instead (1: one process). `npm test` at the repository root sets
 * it to each of its steps' share of the cores, since it runs steps side by side.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
/** Lets mocha load TypeScript (see register-typescript.cjs). */
export const REGISTER_TYPESCRIPT = require.resolve('./register-typescript.cjs');

/** @type {Record<string, (fn: string | undefined) => string[]>} */
const SUITES = {
  unit: (fn) => [fn ? `src/functions/${fn}/**/*.test.ts` : 'src/functions/**/*.test.ts', 'src/lib/**/*.test.ts'],
  integration: () => ['test/integration/**/*.test.ts'],
  e2e: () => ['test/e2e/**/*.test.ts', 'test/e2e/**/*.after-all.ts'],
  deploy: () => ['test/deploy/**/*.test.ts'],
  properties: () => ['test/properties/**/*.test.ts'],
  faults: () => ['test/faults/**/*.test.ts'],
  load: () => ['test/load/**/*.test.ts'],
  'load-full': () => ['test/load/**/*.full.ts'],
};

/**
 * The suites whose files may run side by side, one mocha worker per core: each integration file
 * starts an embedded DynamoDB of its own, and no file counts on another having run. The rest share
 * a local stack or must run last (e2e's after-all files), so they run one file after another.
 */
const PARALLEL_SUITES = new Set(['unit', 'integration']);
/** mocha's own options that choose between one process and workers: given, they are the user's choice. */
const PARALLEL_OPTIONS = /^(--parallel|--no-parallel|-p|--jobs|-j)(=|$)/;

/**
 * How many mocha workers a run may use: APP_MOCHA_JOBS when it is set, else one per core.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {number}
 */
export function jobsAllowed(env = process.env) {
  const given = env['APP_MOCHA_JOBS'];
  if (given === undefined || given === '') return os.availableParallelism();
  const jobs = Number(given);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`APP_MOCHA_JOBS is the number of mocha workers a run may use, a whole number from 1 (one process) up, not "${given}"`);
  return jobs;
}

/**
 * The workers a run of these suites gets: mocha's --parallel and --jobs, or nothing.
 * Only a run with the integration tests gets workers: on two cores the log-in throttle's file
 * (bcrypt at cost 10, one compare after another) then runs beside the others instead of before
 * them, and chapter 7's coverage takes 12 s instead of 15. The unit tests alone take about a
 * second, which workers would only lengthen with their own start (0.3 s here).
 * @param {string[]} suites
 * @param {string[]} passThrough mocha options given on the command line
 * @param {number} jobs the workers allowed (jobsAllowed())
 */
export function parallelArguments(suites, passThrough, jobs) {
  if (jobs < 2 || !suites.includes('integration') || !suites.every((suite) => PARALLEL_SUITES.has(suite))) return [];
  if (passThrough.some((word) => PARALLEL_OPTIONS.test(word))) return [];
  return ['--parallel', '--jobs', String(jobs)];
}

/**
 * The functions of an app: one folder each in src/functions/.
 * @param {string} workspace the app's folder
 */
export function functionNames(workspace) {
  const functionsDir = path.join(workspace, 'src', 'functions');
  return existsSync(functionsDir) ? readdirSync(functionsDir).sort() : [];
}

/**
 * @param {string} fn
 * @param {string} [workspace]
 */
export function checkFunctionName(fn, workspace = process.cwd()) {
  const known = functionNames(workspace);
  if (!known.includes(fn)) {
    throw new Error(`Unknown function "${fn}". Functions in ${path.join(path.relative(process.cwd(), workspace) || '.', 'src', 'functions')}: ${known.join(', ')}`);
  }
}

/**
 * The mocha command line for the given arguments.
 * @param {string[]} argv
 * @param {string} [workspace]
 * @param {number} [jobs] the mocha workers allowed (see jobsAllowed())
 */
export function mochaArguments(argv, workspace = process.cwd(), jobs = jobsAllowed()) {
  // The suites come first; after them, --function and --junit are ours and the rest is mocha's
  // (so `--grep unit` greps for "unit" rather than naming a suite).
  const firstOption = argv.findIndex((word) => !(word in SUITES));
  const suites = firstOption < 0 ? argv : argv.slice(0, firstOption);
  const rest = firstOption < 0 ? [] : argv.slice(firstOption);
  const { values, tokens } = parseArgs({
    args: rest,
    options: { function: { type: 'string' }, junit: { type: 'string' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const ours = new Set();
  for (const token of tokens) {
    if (token.kind === 'option' && (token.name === 'function' || token.name === 'junit')) {
      ours.add(token.index);
      if (!token.inlineValue) ours.add(token.index + 1);
    }
  }
  const passThrough = rest.filter((_, index) => !ours.has(index));
  if (suites.length === 0) throw new Error(`Name a suite: ${Object.keys(SUITES).join(', ')}`);
  const fn = typeof values.function === 'string' ? values.function : undefined;
  if (fn) checkFunctionName(fn, workspace);
  const specs = suites.flatMap((suite) => SUITES[suite]?.(fn) ?? []);
  // Command-line --require replaces the config file's list, so the e2e hooks repeat it.
  const requires = suites.includes('e2e') ? ['--require', REGISTER_TYPESCRIPT, '--require', 'test/setup.ts', '--require', 'test/e2e/hooks.ts'] : [];
  const junit = typeof values.junit === 'string' ? values.junit : undefined;
  if (junit) mkdirSync(path.dirname(path.resolve(workspace, junit)), { recursive: true });
  const reporter = junit ? ['--reporter', 'xunit', '--reporter-option', `output=${junit}`] : [];
  return ['--fail-zero', ...parallelArguments(suites, passThrough, jobs), ...requires, ...reporter, ...passThrough, ...specs];
}

/**
 * Runs mocha with these arguments in the app folder `cwd`; returns its exit code.
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 */
export function runMocha(args, { cwd = process.cwd(), env = process.env } = {}) {
  const mocha = require.resolve('mocha/bin/mocha.js');
  return spawnSync(process.execPath, [mocha, ...args], { cwd, env, stdio: 'inherit' }).status ?? 1;
}

/**
 * `app-mocha SUITE...`: the exit code of the run (2 for a usage mistake).
 * @param {string[]} argv
 */
export function main(argv) {
  let args;
  try {
    args = mochaArguments(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  return runMocha(args);
}
