// @ts-check
/**
 * Tests of run-pipeline.mjs: small fixture pipelines (fixtures/runner/pipelines.yaml) for what
 * the runner does, and one real run of session-api-createSession up to code-coverage, the slow
 * one (about two minutes: three `npm ci` and the tests), which runs once here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { findPipeline, loadPipelines } from './pipeline-model.mjs';
import { agentEnvironment, runPipeline } from './run-pipeline.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const fixture = path.join(here, 'fixtures', 'runner', 'pipelines.yaml');
const runner = path.join(here, 'bin', 'pipeline-run.mjs');

/** @returns {{stream: Writable, text: () => string}} an output that keeps what is written */
function capture() {
  let text = '';
  const stream = new Writable({ write(chunk, _encoding, done) { text += String(chunk); done(); } });
  return { stream, text: () => text };
}

/** @type {string[]} */
const workDirs = [];
/** @returns {string} a new work folder, removed after the tests */
function newWorkDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'run-pipeline-test-'));
  workDirs.push(dir);
  return dir;
}
after(function () {
  this.timeout(120_000); // the real run's workspaces hold a node_modules each
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe('run-pipeline: finding pipelines', () => {
  it('accepts the end of a name: createSession is session-api-createSession', () => {
    const pipelines = loadPipelines(path.join(repoRoot, 'pipelines.gocd.yaml'));
    assert.equal(findPipeline(pipelines, 'createSession').name, 'session-api-createSession');
    assert.equal(findPipeline(pipelines, 'session-api-deploy-dev').name, 'session-api-deploy-dev');
    assert.throws(() => findPipeline(pipelines, 'nope'), /no pipeline 'nope'; pipelines: session-api-ping/);
  });

  it('reads the shared stages of a per-function pipeline in order', () => {
    const pipeline = findPipeline(loadPipelines(path.join(repoRoot, 'pipelines.gocd.yaml')), 'ping');
    assert.deepEqual(pipeline.stages.map((stage) => `${stage.name}:${stage.approval}`), [
      'unit-test:success', 'lint:success', 'code-coverage:success', 'deploy-dev:success',
      'stage-for-test:success', 'deploy-test:manual', 'stage-for-prod:success', 'deploy-prod:manual',
    ]);
    assert.equal(pipeline.environment.FUNCTION_NAME, 'ping');
  });
});

describe('run-pipeline: the agent environment', () => {
  it('drops what `npm run` added, and makes deploys dry runs unless --deploy', () => {
    const env = agentEnvironment({ PATH: ['/repo/node_modules/.bin', '/usr/bin'].join(path.delimiter), npm_lifecycle_event: 'pipeline', INIT_CWD: '/repo', HOME: '/home/me' }, { deploy: false });
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.npm_lifecycle_event, undefined);
    assert.equal(env.INIT_CWD, undefined);
    assert.equal(env.HOME, '/home/me');
    assert.equal(env.DEPLOY_DRY_RUN, 'true');
    assert.equal(agentEnvironment({ DEPLOY_DRY_RUN: 'true' }, { deploy: true }).DEPLOY_DRY_RUN, undefined);
  });
});

describe('run-pipeline: a failing fixture pipeline', function () {
  this.timeout(60_000);
  /** @type {import('./run-pipeline.mjs').RunResult} */
  let run;
  let printed = '';
  before(async () => {
    const output = capture();
    run = await runPipeline({ pipeline: 'fixture-failing', file: fixture, repoRoot, workDir: newWorkDir(), output: output.stream });
    printed = output.text();
  });

  it('fails at the failed stage and never starts the next one', () => {
    assert.equal(run.passed, false);
    assert.deepEqual(run.stages.map((stage) => `${stage.name}:${stage.result}`), ['build:passed', 'check:failed', 'never:not run']);
    assert.match(printed, /check\/greet failed; the end of its log/);
    assert.match(printed, /\$ exit 3/);
  });

  it('runs the jobs of a stage side by side (each waits for the other one to start)', () => {
    assert.deepEqual(run.stages[0]?.jobs.map((job) => job.passed), [true, true]);
  });

  it('merges variables as GoCD does: job over stage over pipeline, plus GO_* and DEPLOY_DRY_RUN', () => {
    const env = readFileSync(path.join(run.workDir, 'artifacts', 'build', 'environment', 'env.txt'), 'utf8');
    for (const line of ['FROM_PIPELINE=pipeline', 'STAGE_WINS=stage', 'JOB_WINS=job', 'GO_PIPELINE_NAME=fixture-failing',
      'GO_PIPELINE_COUNTER=1', 'GO_STAGE_NAME=build', 'GO_JOB_NAME=environment', 'DEPLOY_DRY_RUN=true']) {
      assert.ok(env.split('\n').includes(line), `${line} in\n${env}`);
    }
    assert.doesNotMatch(env, /npm_lifecycle_event/);
  });

  it('fetches an artifact of an earlier stage, keeps the workspace between stages, and honours run_if', () => {
    const workspace = path.join(run.workDir, 'agents', 'agent-1', 'pipelines', 'fixture-failing');
    assert.equal(readFileSync(path.join(workspace, 'fetched', 'greeting.txt'), 'utf8'), 'hello\n');
    assert.ok(existsSync(path.join(workspace, 'noted.txt')), 'the run_if: failed task ran');
    assert.ok(!existsSync(path.join(workspace, 'should-not-exist.txt')), 'no task runs after a failure unless run_if says so');
  });

  it('collects artifacts of a failed job too, and lists them in the summary', () => {
    assert.ok(existsSync(path.join(run.workDir, 'artifacts', 'check', 'greet', 'noted.txt')));
    assert.match(printed, /artifacts in .*check.greet: noted\.txt/);
  });

  it('exits with 1 from the command line', () => {
    const result = spawnSync(process.execPath, [runner, 'fixture-failing', '--file', fixture, '--until', 'check', '--work-dir', newWorkDir()], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /fixture-failing: FAILED/);
  });
});

describe('run-pipeline: approvals and --until', function () {
  this.timeout(60_000);

  it('stops before a manual approval without --approve, and exits 0', async () => {
    const run = await runPipeline({ pipeline: 'fixture-approval', file: fixture, repoRoot, workDir: newWorkDir(), output: capture().stream });
    assert.equal(run.passed, true);
    assert.equal(run.stoppedBecause, 'approval');
    assert.deepEqual(run.stages.map((stage) => stage.result), ['passed', 'awaiting approval']);
  });

  it('goes on with --approve, into a clean workspace (clean_workspace: true)', async () => {
    const run = await runPipeline({ pipeline: 'fixture-approval', file: fixture, repoRoot, workDir: newWorkDir(), output: capture().stream, approve: true });
    assert.deepEqual(run.stages.map((stage) => stage.result), ['passed', 'passed']);
  });

  it('--until STAGE stops after that stage', async () => {
    const run = await runPipeline({ pipeline: 'fixture-failing', file: fixture, repoRoot, workDir: newWorkDir(), output: capture().stream, until: 'build' });
    assert.equal(run.passed, true);
    assert.equal(run.stoppedBecause, 'until');
    assert.deepEqual(run.stages.map((stage) => stage.result), ['passed', 'not run', 'not run']);
  });

  it('cancels a job that prints nothing for longer than the timeout, and what it started', async () => {
    const started = Date.now();
    const run = await runPipeline({ pipeline: 'fixture-silent', file: fixture, repoRoot, workDir: newWorkDir(), output: capture().stream, timeoutMinutes: 0.02 });
    assert.equal(run.passed, false);
    assert.ok(Date.now() - started < 20_000, 'cancelled after about a second, not after the sleep');
    assert.match(readFileSync(path.join(run.workDir, 'logs', 'hang', 'hang.log'), 'utf8'), /no output for 0\.02 minutes: cancelling the job/);
  });

  it('rejects an unknown stage for --until', async () => {
    await assert.rejects(runPipeline({ pipeline: 'fixture-approval', file: fixture, repoRoot, output: capture().stream, until: 'nope' }), /has no stage 'nope'; stages: first, second/);
  });
});

describe('run-pipeline: session-api-createSession up to code-coverage (slow)', function () {
  // Three jobs that each run `npm ci` (about 20-35 s each here) and then the tests, lint, and
  // coverage. --working-tree, so that it tests the files as they are, committed or not.
  this.timeout(10 * 60_000);
  /** @type {import('./run-pipeline.mjs').RunResult} */
  let run;
  before(async () => {
    // timeoutMinutes: a job silent for 3 minutes (a hung test run) fails the test long before
    // mocha's own timeout; the slowest silent step, `npm ci`, takes under a minute.
    run = await runPipeline({ pipeline: 'createSession', repoRoot, workDir: newWorkDir(), output: capture().stream, until: 'code-coverage', workingTree: true, timeoutMinutes: 3 });
  });

  it('passes unit-test, lint and code-coverage and runs nothing after them', () => {
    const failedLogs = run.stages.flatMap((stage) => stage.jobs).filter((job) => !job.passed)
      .map((job) => `--- ${job.log}\n${readFileSync(job.log, 'utf8').slice(-3000)}`).join('\n');
    assert.deepEqual(run.stages.map((stage) => `${stage.name}:${stage.result}`), [
      'unit-test:passed', 'lint:passed', 'code-coverage:passed', 'deploy-dev:not run',
      'stage-for-test:not run', 'deploy-test:not run', 'stage-for-prod:not run', 'deploy-prod:not run',
    ], failedLogs);
  });

  it('publishes the JUnit XML, the lint HTML and the coverage HTML where the pipeline says', () => {
    const artifacts = path.join(run.workDir, 'artifacts');
    const junit = readFileSync(path.join(artifacts, 'unit-test', 'mocha', 'unit', 'junit.xml'), 'utf8');
    assert.match(junit, /<testsuite [^>]*failures="0"/);
    assert.match(readFileSync(path.join(artifacts, 'lint', 'eslint', 'lint', 'index.html'), 'utf8'), /ESLint Report/);
    assert.ok(existsSync(path.join(artifacts, 'code-coverage', 'nyc', 'coverage', 'index.html')));
  });
});
