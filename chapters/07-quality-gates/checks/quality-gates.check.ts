/**
 * Chapter 7's checks: the coverage gate, which is what a learner writes in this chapter (the
 * lint, the tests of one function and the JUnit report are given scripts, run from the chapter's
 * page). Coverage is measured and held to the thresholds of .nycrc.yml, and the gate really
 * fails when coverage drops. Run them with `npm run workshop -- verify` (or `npm test` in this
 * folder).
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appFile, check, copyOfTarget, runScript } from '@session-api/workshop/checks';
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
    'the coverage gate fails when coverage drops: with an untested module added, npm run coverage fails on the thresholds',
    {
      explained: 'Coverage and its thresholds',
      hints: [
        'A gate that never closes proves nothing: this check copies your app, adds a module no test calls, and expects npm run coverage to fail.',
        'In .nycrc.yml, the step "measure-all": `all: true`, so that files no test loads count too, with `include` for src/ and `exclude` for the tests; and the step "thresholds", or nothing fails.',
        'nyc fails with "Coverage for lines (…%) does not meet global threshold (90%)": `all: true`, `include: [\'src/**/*.ts\']`, `exclude: [\'src/**/*.test.ts\']`, `check-coverage: true` and the four thresholds.',
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
});
