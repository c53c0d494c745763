// @ts-check
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mochaArguments } from './mocha.mjs';

const finalDir = fileURLToPath(new URL('../../final', import.meta.url));

describe('app-mocha: which tests a suite runs', () => {
  it('runs one function\'s unit tests and the shared code\'s with --function', () => {
    assert.deepEqual(mochaArguments(['unit', '--function', 'createSession'], finalDir), ['--fail-zero', 'src/functions/createSession/**/*.test.ts', 'src/lib/**/*.test.ts']);
  });

  it('passes mocha\'s own options through, and takes out only its own', () => {
    const args = mochaArguments(['unit', 'integration', '--reporter', 'dot', '--function=ping', '--grep', 'unit'], finalDir);
    assert.deepEqual(args, ['--fail-zero', '--reporter', 'dot', '--grep', 'unit', 'src/functions/ping/**/*.test.ts', 'src/lib/**/*.test.ts', 'test/integration/**/*.test.ts']);
  });

  it('names an unknown function and lists the real ones', () => {
    assert.throws(() => mochaArguments(['unit', '--function', 'nope'], finalDir), /Unknown function "nope".*createSession/);
  });

  it('runs the e2e suite\'s after-all files after every test file', () => {
    const specs = mochaArguments(['e2e'], finalDir).filter((word) => word.startsWith('test/e2e/**'));
    assert.deepEqual(specs, ['test/e2e/**/*.test.ts', 'test/e2e/**/*.after-all.ts']);
  });

  it('asks for a suite', () => {
    assert.throws(() => mochaArguments(['--function', 'ping'], finalDir), /Name a suite/);
  });
});
