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
  const result = spawnSync(npm, ['run', ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

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

  it('app-test fails when a test fails under coverage', () => {
    writeFileSync(path.join(app, 'src', 'functions', 'hello', 'handler.test.ts'), passingTest.replace("'Hello, Ada'", "'Goodbye, Ada'"));
    const run = npmRun(app, 'test');
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /1 failing/);
  });
});
