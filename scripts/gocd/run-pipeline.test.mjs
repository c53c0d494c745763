// @ts-check
/**
 * Tests of run-pipeline.mjs: small fixture pipelines (fixtures/runner/pipelines.yaml) for what
 * the runner does, and a tiny repository for the pipelines of an app git does not track.
 *
 * A real pipeline of the repository runs in `npm test` too, but not here: chapter 9's check "a
 * pipeline runs on your machine up to code-coverage" runs one, and the chain (chapters:check)
 * runs that check on chapter 9 and on final/, whose pipelines are pipelines.gocd.yaml. Those
 * runs use --use-installed; a job's own `npm ci` is npm's, and `.ci/run` runs one.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { findPipeline, loadPipelines } from './pipeline-model.mjs';
import { agentEnvironment, isInstallTask, runPipeline } from './run-pipeline.mjs';

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

describe('run-pipeline: --use-installed', function () {
  this.timeout(60_000);

  it('knows an install task: one npm ci or npm install, whatever its options', () => {
    const script = (/** @type {string} */ text) => /** @type {const} */ ({ type: 'script', text, runIf: 'passed' });
    assert.equal(isInstallTask(script('npm ci --no-audit --no-fund')), true);
    assert.equal(isInstallTask(script('  npm install\n')), true);
    assert.equal(isInstallTask({ type: 'exec', command: 'npm', args: ['ci'], workingDirectory: '', runIf: 'passed' }), true);
    assert.equal(isInstallTask(script('npm ci && npm test')), false, 'a task that does more than install');
    assert.equal(isInstallTask(script('npm run ci')), false);
    assert.equal(isInstallTask(script('npm ci lodash')), false);
  });

  it('links the repository\'s node_modules instead of running the job\'s npm ci', async () => {
    const run = await runPipeline({ pipeline: 'fixture-installed', file: fixture, repoRoot, workDir: newWorkDir(), output: capture().stream, useInstalled: true });
    const log = readFileSync(path.join(run.workDir, 'logs', 'install', 'install.log'), 'utf8');
    assert.deepEqual(run.stages.map((stage) => stage.result), ['passed'], log);
    assert.match(log, /--use-installed: linking the installed node_modules of .* instead of `npm ci --no-audit --no-fund`/);
    assert.doesNotMatch(log, /\$ npm ci/, 'the install did not run');
  });
});

describe('run-pipeline: the pipelines of an app git does not track (a learner\'s workspace/)', function () {
  this.timeout(60_000);
  /** @type {string} */
  let repo;
  /** @type {string} */
  let app;

  before(() => {
    // A repository that ignores workspace/, holding an app there with its own pipelines file.
    repo = newWorkDir();
    app = path.join(repo, 'workspace');
    mkdirSync(path.join(app, 'src'), { recursive: true });
    writeFileSync(path.join(repo, '.gitignore'), 'workspace/\n');
    writeFileSync(path.join(repo, 'package.json'), '{"private":true}\n');
    writeFileSync(path.join(app, 'serverless.yml'), 'service: demo\nfunctions:\n  ping:\n    handler: src/ping.handler\n');
    writeFileSync(path.join(app, 'src', 'ping.ts'), 'export const handler = () => 1;\n');
    writeFileSync(path.join(app, 'chapter.pipelines.yaml'), [
      'format_version: 10',
      'pipelines:',
      '  demo-ping:',
      '    group: demo',
      '    materials:',
      '      repository:',
      '        git: https://example.com/demo.git',
      '    stages:',
      '      - test:',
      '          tasks:',
      '            - script: test -e workspace/src/ping.ts && test -e package.json',
      '',
    ].join('\n'));
    execFileSync('git', ['init', '--quiet'], { cwd: repo });
    execFileSync('git', ['add', '.'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'start'], { cwd: repo });
  });

  it('--app finds the app\'s chapter.pipelines.yaml, and --working-tree copies the app from the disk', async () => {
    const output = capture();
    const run = await runPipeline({ pipeline: 'ping', app, workDir: newWorkDir(), output: output.stream, workingTree: true });
    assert.deepEqual(run.stages.map((stage) => stage.result), ['passed'], output.text());
    assert.match(output.text(), /git tracks no file of workspace\/: its files were copied from the disk/);
  });

  it('refuses to clone the last commit, which does not hold the app', async () => {
    await assert.rejects(runPipeline({ pipeline: 'ping', app, workDir: newWorkDir(), output: capture().stream }), /git tracks no file of workspace\/.*run with --working-tree/);
  });

  it('says where the pipelines file belongs when the app has none', async () => {
    const empty = path.join(repo, 'workspace-without-pipelines');
    mkdirSync(empty);
    await assert.rejects(runPipeline({ pipeline: 'ping', app: empty, output: capture().stream }), /has no pipelines file: write .*workspace-without-pipelines.chapter\.pipelines\.yaml/);
  });
});
