// @ts-check
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { jobsAllowed, mochaArguments } from './mocha.mjs';

const finalDir = fileURLToPath(new URL('../../final', import.meta.url));

describe('app-mocha: which tests a suite runs', () => {
  it('runs one function\'s unit tests and the shared code\'s with --function', () => {
    assert.deepEqual(mochaArguments(['unit', '--function', 'createSession'], finalDir, 1), ['--fail-zero', 'src/functions/createSession/**/*.test.ts', 'src/lib/**/*.test.ts']);
  });

  it('passes mocha\'s own options through, and takes out only its own', () => {
    const args = mochaArguments(['unit', 'integration', '--reporter', 'dot', '--function=ping', '--grep', 'unit'], finalDir, 1);
    assert.deepEqual(args, ['--fail-zero', '--reporter', 'dot', '--grep', 'unit', 'src/functions/ping/**/*.test.ts', 'src/lib/**/*.test.ts', 'test/integration/**/*.test.ts']);
  });

  it('names an unknown function and lists the real ones', () => {
    assert.throws(() => mochaArguments(['unit', '--function', 'nope'], finalDir), /Unknown function "nope".*createSession/);
  });

  it('runs the e2e suite\'s after-all files after every test file', () => {
    const specs = mochaArguments(['e2e'], finalDir).filter((word) => word.startsWith('test/e2e/**'));
    assert.deepEqual(specs, ['test/e2e/**/*.test.ts', 'test/e2e/**/*.after-all.ts']);
  });

  it('runs the integration files, with the unit files or alone, in mocha workers when more than one is allowed', () => {
    assert.deepEqual(mochaArguments(['unit', 'integration'], finalDir, 4).slice(0, 4), ['--fail-zero', '--parallel', '--jobs', '4']);
    assert.deepEqual(mochaArguments(['integration', '--function', 'ping', '--junit', 'reports/junit.xml'], finalDir, 2).slice(0, 4), ['--fail-zero', '--parallel', '--jobs', '2']);
    assert.ok(!mochaArguments(['unit', 'integration'], finalDir, 1).includes('--parallel'), 'one worker allowed: one process');
  });

  it('runs the unit files alone, and the suites that share a stack or run last, one file after another; leaves mocha\'s own choice alone', () => {
    for (const suites of [['unit'], ['e2e'], ['integration', 'e2e'], ['properties'], ['faults'], ['load']]) {
      assert.ok(!mochaArguments(suites, finalDir, 4).includes('--parallel'), suites.join(' '));
    }
    assert.deepEqual(mochaArguments(['integration', '--jobs', '3'], finalDir, 4).filter((word) => /^(--parallel|--jobs|3)$/.test(word)), ['--jobs', '3']);
    assert.ok(!mochaArguments(['integration', '--no-parallel'], finalDir, 4).includes('--parallel'));
  });

  it('takes the number of workers from APP_MOCHA_JOBS, one per core without it, and refuses anything but a whole number from 1', () => {
    assert.equal(jobsAllowed({}), os.availableParallelism());
    assert.equal(jobsAllowed({ APP_MOCHA_JOBS: '1' }), 1);
    assert.equal(jobsAllowed({ APP_MOCHA_JOBS: '3' }), 3);
    for (const bad of ['0', '-2', '1.5', 'many']) assert.throws(() => jobsAllowed({ APP_MOCHA_JOBS: bad }), new RegExp(`APP_MOCHA_JOBS is the number of mocha workers.*not "${bad}"`));
  });

  it('asks for a suite', () => {
    assert.throws(() => mochaArguments(['--function', 'ping'], finalDir), /Name a suite/);
  });
});
