/**
 * Chapter 7's checks: the coverage gate, which is what a learner writes in this chapter (the
 * lint, the tests of one function and the JUnit report are given scripts, run from the chapter's
 * page). Coverage is measured and held to the thresholds of .nycrc.yml, and the gate really
 * fails when coverage drops. Run them with `npm run workshop -- verify` (or `npm test` in this
 * folder).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { appFile, check, copyOfTarget, runScript, target } from '@session-api/workshop/checks';
import YAML from 'yaml';

const THRESHOLD = 90;
const METRICS = ['lines', 'statements', 'functions', 'branches'];

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
    `npm run coverage runs the unit and integration tests under nyc and passes the ${THRESHOLD}% thresholds of .nycrc.yml`,
    {
      explained: 'Coverage and its thresholds',
      hints: [
        'Coverage says which lines, branches and functions your tests ran; a threshold makes too little of it fail the run.',
        `In .nycrc.yml, the step "thresholds": \`check-coverage: true\`, then ${THRESHOLD} for each of ${METRICS.join(', ')}.`,
        'Below a threshold? The text summary names the metric; the HTML report (reports/coverage/index.html) shows the lines no test ran.',
      ],
      timeoutMs: 180_000,
    },
    () => {
      const text = appFile('.nycrc.yml');
      if (text === undefined) throw new Error('there is no .nycrc.yml in your app folder: it sets what nyc measures and the thresholds');
      const nyc = (YAML.parse(text) ?? {}) as Record<string, unknown>;
      assert.equal(nyc['check-coverage'], true, '.nycrc.yml must say check-coverage: true, or a drop in coverage fails nothing');
      for (const metric of METRICS) assert.ok(Number(nyc[metric]) >= THRESHOLD, `.nycrc.yml must hold ${metric} to at least ${THRESHOLD} (it says ${String(nyc[metric])})`);
      const run = runScript('coverage');
      if (run.status !== 0) throw new Error(`npm run coverage failed:\n${lastLines(run.output)}`);
      assert.match(run.output, /Coverage summary/, `npm run coverage printed no coverage summary:\n${lastLines(run.output)}`);
    },
  );

  check(
    'the coverage gate fails when coverage drops: with an untested module added to what your tests cover, nyc fails on the thresholds',
    {
      explained: 'Coverage and its thresholds',
      hints: [
        'A gate that never closes proves nothing: this check copies your app with the coverage your tests measured, adds a module no test calls, and expects the gate to close.',
        'In .nycrc.yml, the step "measure-all": `all: true`, so that files no test loads count too, with `include` for src/ and `exclude` for the tests; and the step "thresholds", or nothing fails.',
        'nyc fails with "Coverage for lines (…%) does not meet global threshold (90%)": `all: true`, `include: [\'src/**/*.ts\']`, `exclude: [\'src/**/*.test.ts\']`, `check-coverage: true` and the four thresholds.',
      ],
      timeoutMs: 180_000,
    },
    () => {
      // No gate set, none can close: said at once, without running every test to find it out.
      const settings = (YAML.parse(appFile('.nycrc.yml') ?? '') ?? {}) as Record<string, unknown>;
      if (settings['check-coverage'] !== true) throw new Error('.nycrc.yml has no gate yet (check-coverage: true and the thresholds): with none, no drop in coverage can fail the run');
      const copy = copyOfTarget();
      try {
        // The raw coverage of your own tests, which the check above just measured: the gate is
        // judged on it and the untested module together, without running every test again.
        const tempDir = typeof settings['temp-dir'] === 'string' ? settings['temp-dir'] : '.nyc_output';
        const measured = path.join(target(), tempDir);
        if (existsSync(measured)) cpSync(measured, path.join(copy, tempDir), { recursive: true });
        else runScript('coverage', [], { cwd: copy });
        writeFileSync(path.join(copy, 'src', 'lib', 'untested-by-the-check.ts'), untestedModule());
        // nyc with your .nycrc.yml, keeping that coverage (--no-clean) and running no test: `all`
        // adds the module no test loads, at 0%, and the thresholds judge the whole.
        const nyc = createRequire(path.join(copy, 'package.json')).resolve('nyc/bin/nyc.js');
        const run = spawnSync(process.execPath, [nyc, '--no-clean', process.execPath, '-e', ''], { cwd: copy, encoding: 'utf8' });
        const output = `${run.stdout}\n${run.stderr}`;
        assert.match(output, /Coverage summary/, `nyc measured nothing:\n${lastLines(output)}`);
        assert.notEqual(run.status, 0, `the coverage gate stayed open with a module no test calls:\n${lastLines(output)}`);
        assert.match(output, /does not meet (global )?threshold/, `nyc failed, but not on a coverage threshold:\n${lastLines(output)}`);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
  );
});
