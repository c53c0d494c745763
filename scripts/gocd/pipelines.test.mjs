// @ts-check
/**
 * Tests of the repository's own pipelines.gocd.yaml: its format, and that the checker run by
 * `npm test` (`npm run pipelines:check`) says what to add when a Lambda function has no
 * pipeline. That last test works on a temporary copy of the repository with one more function.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { checkFiles } from './check.mjs';
import { loadPipelines } from './pipeline-model.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const pipelinesFile = path.join(repoRoot, 'pipelines.gocd.yaml');

describe('pipelines.gocd.yaml', () => {
  it('has no finding of the GoCD format rules', () => {
    assert.deepEqual(checkFiles([pipelinesFile]), []);
  });

  it('has one pipeline per function of final/serverless.yml, each with the 8 shared stages', () => {
    const serverless = readFileSync(path.join(repoRoot, 'final', 'serverless.yml'), 'utf8');
    const functionsBlock = serverless.split(/^functions:\n/m)[1]?.split(/^\S/m)[0] ?? '';
    const functions = [...functionsBlock.matchAll(/^ {2}(\w+):/gm)].map((match) => match[1]);
    const perFunction = loadPipelines(pipelinesFile).filter((pipeline) => pipeline.environment.FUNCTION_NAME);
    assert.deepEqual(perFunction.map((pipeline) => pipeline.environment.FUNCTION_NAME).sort(), [...functions].sort());
    for (const pipeline of perFunction) {
      assert.equal(pipeline.name, `session-api-${pipeline.environment.FUNCTION_NAME}`);
      assert.deepEqual(pipeline.stages.map((stage) => stage.name), ['unit-test', 'lint', 'code-coverage', 'deploy-dev', 'stage-for-test', 'deploy-test', 'stage-for-prod', 'deploy-prod']);
    }
  });

  it('clones the whole history (no shallow_clone): npm run deploy looks for the stack\'s commit in the package\'s history', () => {
    /** @type {{pipelines: Record<string, {materials: Record<string, {git?: string, shallow_clone?: unknown}>}>}} */
    const file = YAML.parse(readFileSync(pipelinesFile, 'utf8'), { version: '1.1', merge: true });
    const shallow = Object.entries(file.pipelines).flatMap(([name, pipeline]) => Object.entries(pipeline.materials)
      .filter(([, material]) => material.git !== undefined && material.shallow_clone === true)
      .map(([material]) => `${name}: ${material}`));
    assert.deepEqual(shallow, []);
  });
});

describe('a function without a pipeline fails npm test (pipelines:check)', function () {
  this.timeout(60_000);
  /** @type {string} */
  let copy;

  before(() => {
    // The files a commit would hold, as they are now, in a new git repository (the checker
    // only looks at tracked files), with one function added to serverless.yml.
    copy = mkdtempSync(path.join(os.tmpdir(), 'pipelines-test-'));
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0').filter((file) => file !== '' && !file.split('/').includes('node_modules'));
    for (const file of files) if (existsSync(path.join(repoRoot, file))) cpSync(path.join(repoRoot, file), path.join(copy, file));
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'));
    const serverless = path.join(copy, 'final', 'serverless.yml');
    writeFileSync(serverless, readFileSync(serverless, 'utf8').replace(/^functions:\n/m, 'functions:\n  listSessions:\n    handler: src/functions/listSessions/handler.handler\n'));
    execFileSync('git', ['init', '--quiet'], { cwd: copy });
    execFileSync('git', ['add', '--all'], { cwd: copy });
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it('reports function-pipeline-missing with what to add', () => {
    const result = spawnSync(process.execPath, ['scripts/gocd/bin/pipelines-check.mjs'], { cwd: copy, encoding: 'utf8' });
    assert.equal(result.status, 1);
    const missing = result.stdout.split('\n').filter((line) => line.includes('function-pipeline-missing'));
    assert.equal(missing.length, 1, result.stdout);
    assert.match(missing[0] ?? '', /^final\/serverless\.yml:\d+ {2}function-pipeline-missing {2}function 'listSessions' has no per-function pipeline: add a pipeline `session-api-listSessions` in group `session-api` with FUNCTION_NAME: listSessions, materials filtered to final\/src\/functions\/listSessions\/\*\*, and the shared stages `\*function-stages`/);
  });
});
