// @ts-check
/**
 * The git pre-commit hook (.husky/pre-commit runs it; `npm install` sets it up): checks what
 * is about to be committed, in seconds, so that a broken commit never reaches a pipeline.
 *
 * - ESLint on the staged JavaScript and TypeScript files;
 * - the unit tests of each function whose folder has staged changes (with the shared code's
 *   tests, as its pipeline runs them), or the whole unit suite when shared code changed;
 * - `npm run pipelines:check` when a pipeline file, serverless.yml or a package.json changed.
 *
 * It checks the files as they are on disk, which is what is staged unless you staged only part
 * of a file. Skip it once with `git commit --no-verify`; the pipelines run everything anyway.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * @typedef {object} Check
 * @property {string} name
 * @property {string[]} args  of npm, or of node when `node` is true
 * @property {boolean} [node]
 */

/**
 * What to run for these staged files. `isWorkspace` says whether a folder is an npm workspace
 * with its own unit tests (final/, and later the chapters).
 * @param {string[]} staged  paths relative to the repository root
 * @param {(folder: string) => boolean} isWorkspace
 * @returns {Check[]}
 */
export function planChecks(staged, isWorkspace) {
  /** @type {Check[]} */
  const checks = [];
  const lintable = staged.filter((file) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(file));
  if (lintable.length > 0) checks.push({ name: `eslint (${lintable.length} file${lintable.length === 1 ? '' : 's'})`, args: ['scripts/lint.mjs', ...lintable], node: true });

  /** @type {Map<string, Set<string> | 'all'>} workspace -> functions to test, or all */
  const tests = new Map();
  for (const file of staged) {
    const match = /^(.+?)\/(?:src\/functions\/([^/]+)\/|src\/lib\/|test\/helpers\/|test\/setup\.ts$)/.exec(file);
    const workspace = match?.[1];
    if (!workspace || !isWorkspace(workspace)) continue;
    const fn = match[2];
    const planned = tests.get(workspace) ?? new Set();
    if (planned === 'all' || !fn) tests.set(workspace, 'all');
    else tests.set(workspace, planned.add(fn));
  }
  for (const [workspace, functions] of tests) {
    if (functions === 'all') {
      checks.push({ name: `unit tests of ${workspace}`, args: ['run', 'test:unit', '-w', workspace] });
      continue;
    }
    for (const fn of [...functions].sort()) {
      checks.push({ name: `unit tests of ${fn}`, args: ['run', 'test:unit', '-w', workspace, '--', '--function', fn] });
    }
  }

  if (staged.some((file) => /\.gocd\.ya?ml$|(^|\/)serverless\.yml$|(^|\/)package\.json$/.test(file))) {
    checks.push({ name: 'pipelines check', args: ['run', 'pipelines:check'] });
  }
  return checks;
}

/**
 * @param {string} folder  relative to the repository root
 * @returns {boolean}
 */
function isWorkspaceWithUnitTests(folder) {
  return existsSync(path.join(repoRoot, folder, 'package.json')) && existsSync(path.join(repoRoot, folder, 'src'));
}

function main() {
  const staged = execFileSync('git', ['diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  const checks = planChecks(staged, isWorkspaceWithUnitTests);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (const check of checks) {
    const started = Date.now();
    console.log(`pre-commit ▶ ${check.name}`);
    const result = spawnSync(check.node ? process.execPath : npm, check.args, { cwd: repoRoot, stdio: 'inherit' });
    if (result.status !== 0) {
      console.error(`pre-commit ✖ ${check.name} failed: fix it and commit again (or skip the hook once: git commit --no-verify)`);
      return 1;
    }
    console.log(`pre-commit ✔ ${check.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (checks.length === 0) console.log('pre-commit: nothing to check in the staged files');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
