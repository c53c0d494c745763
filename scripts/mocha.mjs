// @ts-check
/**
 * Runs a workspace's test suites with mocha, from the workspace folder (final/ or a chapter):
 *
 *   node ../scripts/mocha.mjs SUITE... [--function NAME] [--junit FILE] [mocha options]
 *
 * unit         the tests beside the code: src/functions/<name>/ and the shared src/lib/
 * integration  test/integration/: the real modules against an embedded DynamoDB
 * e2e          test/e2e/: HTTP against the real local stack
 * deploy       test/deploy/: the packaged CloudFormation templates and zips of dev, test and prod
 * properties   test/properties/: random requests in-process against an embedded DynamoDB
 * faults       test/faults/: the local stack while its database is down, stuck or throttling
 * load         test/load/*.test.ts: a few seconds of whole user lifecycles on the local stack
 * load-full    test/load/*.full.ts: the same for longer (npm run load, not part of npm test)
 * --function   only that function's unit tests, plus the shared code's (what its pipeline runs)
 * --junit      also write JUnit XML to FILE (published by the pipelines as a test artifact)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

const SUITES = {
  unit: (/** @type {string | undefined} */ fn) => [fn ? `src/functions/${fn}/**/*.test.ts` : 'src/functions/**/*.test.ts', 'src/lib/**/*.test.ts'],
  integration: () => ['test/integration/**/*.test.ts'],
  e2e: () => ['test/e2e/**/*.test.ts'],
  deploy: () => ['test/deploy/**/*.test.ts'],
  properties: () => ['test/properties/**/*.test.ts'],
  faults: () => ['test/faults/**/*.test.ts'],
  load: () => ['test/load/**/*.test.ts'],
  'load-full': () => ['test/load/**/*.full.ts'],
};

/** @param {string} fn */
export function checkFunctionName(fn, workspace = process.cwd()) {
  const functionsDir = path.join(workspace, 'src', 'functions');
  const known = existsSync(functionsDir) ? readdirSync(functionsDir).sort() : [];
  if (!known.includes(fn)) {
    throw new Error(`Unknown function "${fn}". Functions in ${path.relative(process.cwd(), functionsDir) || '.'}: ${known.join(', ')}`);
  }
}

/**
 * The mocha command line for the given arguments.
 * @param {string[]} argv
 */
export function mochaArguments(argv, workspace = process.cwd()) {
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
  const specs = suites.flatMap((suite) => SUITES[/** @type {keyof typeof SUITES} */ (suite)](fn));
  // Command-line --require replaces the config file's list, so the e2e hooks repeat it.
  const requires = suites.includes('e2e') ? ['--require', '../scripts/register-typescript.cjs', '--require', 'test/setup.ts', '--require', 'test/e2e/hooks.ts'] : [];
  const junit = typeof values.junit === 'string' ? values.junit : undefined;
  if (junit) mkdirSync(path.dirname(path.resolve(workspace, junit)), { recursive: true });
  const reporter = junit ? ['--reporter', 'xunit', '--reporter-option', `output=${junit}`] : [];
  return [...requires, ...reporter, ...passThrough, ...specs];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
    const result = spawnSync(process.execPath, [mocha, ...mochaArguments(process.argv.slice(2))], { stdio: 'inherit' });
    process.exit(result.status ?? 1);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
}
