// @ts-check
import assert from 'node:assert/strict';
import { planChecks } from './pre-commit.mjs';

/**
 * final/ runs its unit tests one function at a time; a chapter before chapter 7 runs them all.
 * @param {string} folder
 * @returns {import('./pre-commit.mjs').UnitTests}
 */
const unitTestsOf = (folder) => (folder === 'final' ? 'by-function' : folder.startsWith('chapters/') ? 'all' : 'none');

/** @param {string[]} staged */
const plan = (staged) =>
  planChecks(staged, unitTestsOf).map((check) => `${check.node ? 'node' : 'npm'} ${check.args.map((arg) => arg.replace(/^\/.*\/bin\//, 'bin/')).join(' ')}`);

describe('pre-commit: what the hook runs for the staged files', () => {
  it('lints staged code and runs the unit tests of the touched function only', () => {
    assert.deepEqual(plan(['final/src/functions/createSession/handler.ts', 'README.md']), [
      'node bin/app-lint.mjs final/src/functions/createSession/handler.ts',
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

  it('checks a chapter\'s pipelines in its folder when its chapter.pipelines.yaml changed', () => {
    assert.deepEqual(plan(['chapters/09-pipelines/chapter.pipelines.yaml']), ['npm run pipelines:check -w chapters/09-pipelines']);
  });

  it('runs nothing for documentation only', () => {
    assert.deepEqual(plan(['PIPELINES.md']), []);
  });

  it('lints scripts but runs no unit tests for them (not an app workspace)', () => {
    assert.deepEqual(plan(['scripts/quality/mocha.mjs']), ['node bin/app-lint.mjs scripts/quality/mocha.mjs']);
  });

  it('runs all the unit tests of an app that cannot filter by function', () => {
    assert.deepEqual(plan(['chapters/02-sign-up/src/functions/createUser/handler.ts']).slice(1), ['npm run test:unit -w chapters/02-sign-up']);
  });
});
