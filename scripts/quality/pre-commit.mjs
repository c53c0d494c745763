// @ts-check
/**
 * The git pre-commit hook (.husky/pre-commit runs `pre-commit-checks`; `npm install` sets it
 * up): checks what
 * is about to be committed, in seconds, so that a broken commit never reaches a pipeline.
 *
 * - ESLint on the staged JavaScript and TypeScript files;
 * - the unit tests of each function whose folder has staged changes (with the shared code's
 *   tests, as its pipeline runs them), or the whole unit suite when shared code changed;
 * - `npm run pipelines:check` when a pipeline file, serverless.yml or a package.json changed:
 *   the repository's (final/'s pipelines), and a chapter's when its chapter.pipelines.yaml changed.
 *
 * It checks the files as they are on disk, which is what is staged unless you staged only part
 * of a file. Skip it once with `git commit --no-verify`; the pipelines run everything anyway.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const APP_LINT = fileURLToPath(new URL('./bin/app-lint.mjs', import.meta.url));

/**
 * @typedef {object} Check
 * @property {string} name
 * @property {string[]} args  of npm, or of node when `node` is true
 * @property {boolean} [node]
 */

/**
 * How a folder runs its unit tests: not at all (not an app), all at once, or one function at a
 * time (its test:unit script is app-mocha, which takes --function).
 * @typedef {'none' | 'all' | 'by-function'} UnitTests
 */

/**
 * What to run for these staged files.
 * @param {string[]} staged  paths relative to the repository root
 * @param {(folder: string) => UnitTests} unitTestsOf  how the app in that folder runs its unit tests
 * @returns {Check[]}
 */
export function planChecks(staged, unitTestsOf) {
  /** @type {Check[]} */
  const checks = [];
  const lintable = staged.filter((file) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(file));
  if (lintable.length > 0) checks.push({ name: `eslint (${lintable.length} file${lintable.length === 1 ? '' : 's'})`, args: [APP_LINT, ...lintable], node: true });

  /** @type {Map<string, Set<string> | 'all'>} workspace -> functions to test, or all */
  const tests = new Map();
  for (const file of staged) {
    const match = /^(.+?)\/(?:src\/functions\/([^/]+)\/|src\/lib\/|test\/helpers\/|test\/setup\.ts$)/.exec(file);
    const workspace = match?.[1];
    const kind = workspace ? unitTestsOf(workspace) : 'none';
    if (!workspace || kind === 'none') continue;
    const fn = kind === 'by-function' ? match[2] : undefined;
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
  // A chapter's pipelines describe the app in its folder: checked there (npm run pipelines:check).
  const chapterPipelines = new Set(staged.map((file) => /^(.+)\/chapter\.pipelines\.yaml$/.exec(file)?.[1]).filter((folder) => folder !== undefined));
  for (const folder of [...chapterPipelines].sort()) {
    checks.push({ name: `pipelines check of ${folder}`, args: ['run', 'pipelines:check', '-w', folder] });
  }
  return checks;
}

/**
 * @param {string} repoRoot
 * @returns {(folder: string) => UnitTests}
 */
function unitTestsIn(repoRoot) {
  return (folder) => {
    const manifest = path.join(repoRoot, folder, 'package.json');
    if (!existsSync(manifest) || !existsSync(path.join(repoRoot, folder, 'src'))) return 'none';
    const script = JSON.parse(readFileSync(manifest, 'utf8')).scripts?.['test:unit'];
    if (typeof script !== 'string') return 'none';
    return script.startsWith('app-mocha') ? 'by-function' : 'all';
  };
}

export function main(_argv = process.argv.slice(2)) {
  const repoRoot = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const staged = execFileSync('git', ['diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  const checks = planChecks(staged, unitTestsIn(repoRoot));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (const check of checks) {
    const started = Date.now();
    console.log(`pre-commit ▶ ${check.name}`);
    // npm is a .cmd script on Windows, which only a shell can start.
    const result = spawnSync(check.node ? process.execPath : npm, check.args, { cwd: repoRoot, stdio: 'inherit', shell: !check.node && process.platform === 'win32' });
    if (result.status !== 0) {
      console.error(`pre-commit ✖ ${check.name} failed: fix it and commit again (or skip the hook once: git commit --no-verify)`);
      return 1;
    }
    console.log(`pre-commit ✔ ${check.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (checks.length === 0) console.log('pre-commit: nothing to check in the staged files');
  return 0;
}
