// @ts-check
/**
 * The test runners, run the way an app runs them (`npm run ...` in its folder), from a folder
 * whose path holds spaces. A runner once decided whether it was the main module by comparing
 * `import.meta.url` with `file://${process.argv[1]}`: from such a path that was false, so it ran
 * nothing and exited 0, and `npm test` reported suites as passed that never ran. Now a bin only
 * runs and a module only exports; these tests prove that tests really run, that a failing test
 * fails the run, and that a run that finds no test fails too.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const passingTest = `import assert from 'node:assert/strict';
import { greet } from './handler';

describe('hello', () => {
  it('greets by name', () => {
    assert.equal(greet('Ada'), 'Hello, Ada');
  });
});
`;

/** A tiny app: one function and its unit test, run with the workshop's runners. */
function writeApp(/** @type {string} */ dir) {
  mkdirSync(path.join(dir, 'src', 'functions', 'hello'), { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'app-with-spaces', private: true, scripts: { 'test:unit': 'app-mocha unit', coverage: 'app-coverage', test: 'app-test coverage' } }),
  );
  writeFileSync(path.join(dir, '.mocharc.json'), JSON.stringify({ require: ['@session-api/quality/register-typescript'], extension: ['ts'], reporter: 'spec' }));
  // YAML, as the apps of the repository write nyc's settings (comments and all).
  writeFileSync(
    path.join(dir, '.nycrc.yml'),
    ['# nyc: every source file, held to 90% of lines', 'extension: [.ts]', "include: ['src/**/*.ts']", "exclude: ['src/**/*.test.ts']", 'all: true', 'check-coverage: true', 'lines: 90', 'reporter: [text-summary]', ''].join('\n'),
  );
  writeFileSync(path.join(dir, 'src', 'functions', 'hello', 'handler.ts'), "export function greet(name: string): string {\n  return `Hello, ${name}`;\n}\n");
  writeFileSync(path.join(dir, 'src', 'functions', 'hello', 'handler.test.ts'), passingTest);
  // The app finds the runners (bins) and mocha where a workspace of this repository finds them.
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
}

/** @param {string} cwd @param {string[]} args */
function npmRun(cwd, ...args) {
  return npmRunWith({}, cwd, ...args);
}

/** @param {NodeJS.ProcessEnv} env added to this process's @param {string} cwd @param {string[]} args */
function npmRunWith(env, cwd, ...args) {
  const result = spawnSync(npm, ['run', ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', ...env } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/**
 * An integration test file that says which process ran it, and keeps it busy for a second
 * (as a real one waits on its database): the next file goes to another worker meanwhile.
 */
const integrationTest = (/** @type {string} */ name) => `import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { greet } from '../../src/functions/hello/handler';

describe('integration ${name}', () => {
  it('greets, in process', async () => {
    await sleep(1000);
    console.log(\`${name} ran in process \${process.pid}\`);
    assert.equal(greet('${name}'), 'Hello, ${name}');
  });
});
`;

describe('the test runners, from a path with spaces', function () {
  this.timeout(60_000);
  /** @type {string} */
  let scratch;
  /** @type {string} */
  let app;

  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'quality runners '));
    app = path.join(scratch, 'my app folder');
    writeApp(app);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));
  afterEach(() => writeFileSync(path.join(app, 'src', 'functions', 'hello', 'handler.test.ts'), passingTest));

  it('app-mocha runs the tests and passes', () => {
    assert.ok(app.includes(' '));
    const run = npmRun(app, 'test:unit');
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /1 passing/);
  });

  it('app-mocha fails when a test fails', () => {
    writeFileSync(path.join(app, 'src', 'functions', 'hello', 'handler.test.ts'), passingTest.replace("'Hello, Ada'", "'Goodbye, Ada'"));
    const run = npmRun(app, 'test:unit');
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /1 failing/);
  });

  it('app-mocha fails when it finds no test at all', () => {
    writeFileSync(path.join(app, 'src', 'functions', 'hello', 'handler.test.ts'), "import './handler';\n");
    const run = npmRun(app, 'test:unit');
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /No test files found|fail-zero|0 passing/i);
  });

  it('app-coverage and app-test run the tests under nyc and pass', () => {
    const run = npmRun(app, 'test');
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /1 passing/);
    assert.match(run.output, /Lines\s*: 100%/);
  });

  it('app-mocha runs integration files in workers of their own, as many as APP_MOCHA_JOBS allows, and app-coverage measures across them', () => {
    mkdirSync(path.join(app, 'test', 'integration'), { recursive: true });
    for (const name of ['first', 'second']) writeFileSync(path.join(app, 'test', 'integration', `${name}.test.ts`), integrationTest(name));
    try {
      const processes = (/** @type {string} */ output) => new Set([...output.matchAll(/(?:first|second) ran in process (\d+)/g)].map((match) => match[1]));
      const inWorkers = npmRunWith({ APP_MOCHA_JOBS: '2' }, app, 'test:unit', '--', 'integration');
      assert.equal(inWorkers.status, 0, inWorkers.output);
      assert.match(inWorkers.output, /3 passing/);
      assert.equal(processes(inWorkers.output).size, 2, `two workers, one file each:\n${inWorkers.output}`);
      const inOne = npmRunWith({ APP_MOCHA_JOBS: '1' }, app, 'test:unit', '--', 'integration');
      assert.equal(inOne.status, 0, inOne.output);
      assert.equal(processes(inOne.output).size, 1, `one process:\n${inOne.output}`);
      const covered = npmRunWith({ APP_MOCHA_JOBS: '2' }, app, 'coverage');
      assert.equal(covered.status, 0, covered.output);
      assert.match(covered.output, /3 passing/);
      assert.match(covered.output, /Lines\s*: 100%/);
    } finally {
      rmSync(path.join(app, 'test'), { recursive: true, force: true });
    }
  });

  it('app-mocha refuses an APP_MOCHA_JOBS that is not a number of workers, and runs nothing', () => {
    const run = npmRunWith({ APP_MOCHA_JOBS: 'all' }, app, 'test:unit');
    assert.equal(run.status, 2, run.output);
    assert.match(run.output, /APP_MOCHA_JOBS is the number of mocha workers a run may use, a whole number from 1 \(one process\) up, not "all"/);
    assert.doesNotMatch(run.output, /passing/);
  });

  it('app-test fails when a test fails under coverage', () => {
    writeFileSync(path.join(app, 'src', 'functions', 'hello', 'handler.test.ts'), passingTest.replace("'Hello, Ada'", "'Goodbye, Ada'"));
    const run = npmRun(app, 'test');
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /1 failing/);
  });
});
