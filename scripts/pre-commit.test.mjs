// @ts-check
import assert from 'node:assert/strict';
import { planChecks } from './pre-commit.mjs';

/** @param {string} folder */
const isWorkspace = (folder) => folder === 'final';

/** @param {string[]} staged */
const plan = (staged) => planChecks(staged, isWorkspace).map((check) => `${check.node ? 'node' : 'npm'} ${check.args.join(' ')}`);

describe('pre-commit: what the hook runs for the staged files', () => {
  it('lints staged code and runs the unit tests of the touched function only', () => {
    assert.deepEqual(plan(['final/src/functions/createSession/handler.ts', 'README.md']), [
      'node scripts/lint.mjs final/src/functions/createSession/handler.ts',
      'npm run test:unit -w final -- --function createSession',
    ]);
  });

  it('runs every unit test of the workspace when shared code or test helpers changed', () => {
    assert.deepEqual(plan(['final/src/functions/ping/handler.test.ts', 'final/src/lib/http.ts', 'final/test/helpers/events.ts']).slice(1), ['npm run test:unit -w final']);
  });

  it('checks the pipelines when a pipeline file, serverless.yml or a package.json changed', () => {
    assert.deepEqual(plan(['pipelines.gocd.yaml']), ['npm run pipelines:check']);
    assert.deepEqual(plan(['final/serverless.yml']), ['npm run pipelines:check']);
  });

  it('runs nothing for documentation only', () => {
    assert.deepEqual(plan(['PIPELINES.md']), []);
  });

  it('lints scripts but runs no unit tests for them (not an app workspace)', () => {
    assert.deepEqual(plan(['scripts/mocha.mjs']), ['node scripts/lint.mjs scripts/mocha.mjs']);
  });
});
