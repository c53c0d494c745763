/**
 * Chapter 7's checks: the quality gates every pipeline stage will run. Coverage is measured and
 * held to the thresholds of .nycrc.json (and the gate really fails when coverage drops), ESLint
 * passes, one function's tests run alone, and a test run can write a JUnit report. Run them with
 * `npm run workshop -- verify` (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appFile, check, copyOfTarget, runScript, target } from '@session-api/workshop/checks';

const THRESHOLD = 90;
const METRICS = ['lines', 'branches', 'functions', 'statements'];

/** The last lines a command printed: what a learner needs to see of a failure. */
function lastLines(output: string, count = 15): string {
  return output.trim().split('\n').slice(-count).join('\n');
}

/**
 * A module no test touches: sixty small functions, enough to pull every metric but branches
 * well under 90% in an app of this size.
 */
function untestedModule(): string {
  const functions = Array.from({ length: 60 }, (_, index) => `export function untested${index}(value: number): number {\n  return value + ${index};\n}\n`);
  return `// Added by chapter 7's check: no test calls these, so coverage must drop below the thresholds.\n${functions.join('\n')}`;
}

describe('Chapter 7: quality gates', () => {
  check(
    `npm run coverage runs the unit and integration tests under nyc and passes the ${THRESHOLD}% thresholds of .nycrc.json`,
    {
      explained: 'Coverage and its thresholds',
      hints: [
        'Coverage says which lines, branches and functions your tests ran; a threshold makes too little of it fail the run.',
        `Write .nycrc.json with \`"all": true\`, \`"include": ["src/**/*.ts"]\`, \`"exclude": ["src/**/*.test.ts"]\`, \`"check-coverage": true\` and ${THRESHOLD} for ${METRICS.join(', ')}; package.json gets \`"coverage": "app-coverage"\`.`,
        'Below a threshold? The text summary names the metric; the HTML report (reports/coverage/index.html) shows the lines no test ran.',
      ],
      timeoutMs: 180_000,
    },
    () => {
      const text = appFile('.nycrc.json');
      if (text === undefined) throw new Error('there is no .nycrc.json in your app folder yet: it sets what nyc measures and the thresholds');
      const nyc = JSON.parse(text);
      assert.equal(nyc['check-coverage'], true, '.nycrc.json must say "check-coverage": true, or a drop in coverage fails nothing');
      for (const metric of METRICS) assert.ok(Number(nyc[metric]) >= THRESHOLD, `.nycrc.json must hold ${metric} to at least ${THRESHOLD} (it says ${nyc[metric]})`);
      const run = runScript('coverage');
      if (run.status !== 0) throw new Error(`npm run coverage failed:\n${lastLines(run.output)}`);
      assert.match(run.output, /Coverage summary/, `npm run coverage printed no coverage summary:\n${lastLines(run.output)}`);
    },
  );

  check(
    'the coverage gate fails when coverage drops: with an untested module added, npm run coverage fails on the thresholds',
    {
      explained: 'Coverage and its thresholds',
      hints: [
        'A gate that never closes proves nothing: this check copies your app, adds a module no test calls, and expects npm run coverage to fail.',
        '.nycrc.json needs `"all": true` and `"include": ["src/**/*.ts"]` (files no test loads count too), and `"parserPlugins": ["typescript"]` so that nyc can read such a file: TypeScript, never compiled by a test.',
        'nyc fails with "Coverage for lines (…%) does not meet global threshold (90%)": `"check-coverage": true` and the four thresholds.',
      ],
      timeoutMs: 180_000,
    },
    () => {
      const copy = copyOfTarget();
      try {
        writeFileSync(path.join(copy, 'src', 'lib', 'untested-by-the-check.ts'), untestedModule());
        const run = runScript('coverage', [], { cwd: copy });
        assert.match(run.output, /Coverage summary/, `npm run coverage measured nothing:\n${lastLines(run.output)}`);
        assert.notEqual(run.status, 0, `npm run coverage passed with a module no test calls:\n${lastLines(run.output)}`);
        assert.match(run.output, /does not meet (global )?threshold/, `npm run coverage failed, but not on a coverage threshold:\n${lastLines(run.output)}`);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
  );

  check(
    'npm run lint passes: ESLint, with the repository\'s rules, finds no error',
    {
      explained: 'Lint',
      hints: [
        'ESLint reads TypeScript with its types, so it finds what tests miss, such as a promise nobody awaits.',
        'package.json gets `"lint": "app-lint"` (and `"lint:report": "app-lint --html"` for the pipelines\' report); the rules are eslint.config.mjs at the root of the repository.',
        'Run `npm run lint` and fix each error at the file and line it names; `npm run lint -- --fix` fixes what it can.',
      ],
      timeoutMs: 180_000,
    },
    () => {
      const run = runScript('lint');
      if (run.status !== 0) throw new Error(`npm run lint failed:\n${lastLines(run.output, 25)}`);
      assert.match(run.output, /eslint: [1-9]\d* files?, 0 errors/, `npm run lint linted nothing:\n${lastLines(run.output)}`);
    },
  );

  check(
    'npm run test:unit -- --function createUser runs createUser\'s tests and the shared code\'s, and no other function\'s',
    {
      explained: 'Tests of one function',
      hints: [
        'A function\'s pipeline tests that function and the code it shares with the others, not the whole app.',
        'package.json: `"test:unit": "app-mocha unit"` (and `"test:integration": "app-mocha integration"`); app-mocha knows --function.',
        '.mocharc.json names no spec of its own (app-mocha gives the files: src/functions/<name>/ and src/lib/); it keeps the require of the TypeScript loader and test/setup.ts.',
      ],
      timeoutMs: 120_000,
    },
    () => {
      const run = runScript('test:unit', ['--function', 'createUser', '--reporter', 'json']);
      const start = run.output.indexOf('{\n');
      let report: { tests?: { file?: string }[] };
      try {
        report = JSON.parse(run.output.slice(Math.max(start, 0), run.output.lastIndexOf('}') + 1));
      } catch {
        throw new Error(`npm run test:unit -- --function createUser did not run the tests:\n${lastLines(run.output)}`);
      }
      const files = [...new Set((report.tests ?? []).map((test) => path.relative(target(), test.file ?? '').split(path.sep).join('/')))].sort();
      assert.ok(files.some((file) => file.startsWith('src/functions/createUser/')), `createUser's own tests did not run (ran: ${files.join(', ') || 'nothing'})`);
      assert.ok(files.some((file) => file.startsWith('src/lib/')), `the shared code's tests (src/lib/) did not run (ran: ${files.join(', ')})`);
      const others = files.filter((file) => !file.startsWith('src/functions/createUser/') && !file.startsWith('src/lib/'));
      assert.deepEqual(others, [], 'only createUser\'s tests and src/lib\'s may run');
    },
  );

  check(
    'npm run test:unit -- --junit FILE writes the results as JUnit XML, the report a pipeline shows',
    {
      explained: 'JUnit reports',
      hints: [
        'CI servers (GoCD\'s Tests tab among them) read test results as JUnit XML.',
        'app-mocha writes it with --junit FILE: `npm run test:unit -- --junit reports/unit/junit.xml`.',
        'Nothing to write but the test:unit script: `"test:unit": "app-mocha unit"`.',
      ],
      timeoutMs: 120_000,
    },
    () => {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'chapter-7-junit-'));
      try {
        const report = path.join(folder, 'junit.xml');
        const run = runScript('test:unit', ['--function', 'ping', '--junit', report]);
        if (!existsSync(report)) throw new Error(`npm run test:unit -- --junit ${report} wrote no report:\n${lastLines(run.output)}`);
        const xml = readFileSync(report, 'utf8');
        assert.match(xml, /<testsuite [^>]*tests="[1-9]\d*"/, 'the report holds no test');
        assert.match(xml, /<testcase [^>]*name="[^"]+"/, 'the report names no test case');
        assert.equal(run.status, 0, `the tests failed:\n${lastLines(run.output)}`);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );
});
