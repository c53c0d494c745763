#!/usr/bin/env node
// @ts-check
/**
 * Runs one pipeline of pipelines.gocd.yaml on this machine, the way a GoCD server and its
 * agents would, so that you can see what a pipeline does before any server exists:
 *
 *   npm run pipeline -- createSession --until code-coverage
 *
 *   NAME               a pipeline name, or its end: `createSession` = `session-api-createSession`
 *   --until STAGE      stop after this stage
 *   --approve          go through manual approvals (without it the run stops before them)
 *   --deploy           really deploy (without it DEPLOY_DRY_RUN=true: packages, deploys nothing)
 *   --working-tree     use your files as they are now, uncommitted changes included
 *                      (default: a clone of the last commit, which is what GoCD would see)
 *   --app DIR          a pipeline of the app in DIR: its chapter.pipelines.yaml (for final/, the
 *                      root pipelines.gocd.yaml; see app-pipelines.mjs). `npm run pipeline` in
 *                      an app's folder passes `--app .`
 *   --file FILE        another pipeline file (default: pipelines.gocd.yaml at the repository root)
 *   --use-installed    jobs use this repository's installed node_modules instead of running their
 *                      `npm ci` task: quicker, and what the workshop's checks use; not what an
 *                      agent does (it installs from the lockfile in every job)
 *   --work-dir DIR     where to put workspaces, artifacts and logs (default: a new temp folder)
 *   --timeout MINUTES  cancel a job silent for this long, unless it sets its own `timeout`
 *                      (default 10; GoCD has the same rule, with a server-wide default)
 *
 * What it does, like GoCD:
 * - pins one revision for the whole run (HEAD, or a snapshot of the working tree);
 * - gives each job an agent workspace `<work>/agents/agent-N/pipelines/<pipeline>`, checked out
 *   afresh when the stage says `clean_workspace: true` and kept between stages otherwise; the
 *   jobs of a stage run side by side, each on its own agent;
 * - runs the tasks in order (`run_if` decides which run after a failure), with the environment
 *   variables of pipeline, stage and job merged (job wins) and GoCD's GO_* variables;
 * - copies each job's `artifacts` to `<work>/artifacts/<stage>/<job>/`, also when the job failed,
 *   and `fetch` tasks copy from there;
 * - stops at the first failed stage, and before a stage that needs manual approval.
 * What it does not: pipeline dependencies, triggers, timers, resources, elastic agents, plugins.
 *
 * Dependencies: the pipelines' own tasks run `npm ci`, a clean install from the lockfile, in
 * every job, as on an agent. The runner only makes npm prefer its local cache
 * (npm_config_prefer_offline), so the install is fast and works offline once the packages have
 * been downloaded once; what gets installed is exactly what the lockfile says. With
 * --use-installed, a task that is only an `npm ci` (or `npm install`) links the node_modules
 * folders this repository has installed into the job's workspace instead, so a job's tools are
 * the repository's own (its scripts/ included, as they are on disk).
 *
 * An app that git does not track (a learner's copy in the ignored workspace/) cannot be seen by
 * a GoCD server: the runner copies its files from disk into a --working-tree checkout, and
 * refuses to clone without them.
 *
 * Exit code: 0 every stage run passed (or the run stopped at an approval or --until),
 * 1 a stage failed, 2 usage error.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { appOfPipelinesFile, appPath, gitTopLevel, isUntracked, pipelinesFileOfApp, ROOT_PIPELINES_FILE } from './app-pipelines.mjs';
import { shellCommands, workspaceFolders } from './npm-commands.mjs';
import { listFilesOnDisk, matchesGlob } from './repo-files.mjs';
import { findPipeline, loadPipelines, mergedEnvironment } from './pipeline-model.mjs';
import { Progress } from './progress.mjs';

/** @typedef {import('./pipeline-model.mjs').Pipeline} Pipeline */
/** @typedef {import('./pipeline-model.mjs').Stage} Stage */
/** @typedef {import('./pipeline-model.mjs').Job} Job */
/** @typedef {import('./pipeline-model.mjs').Task} Task */

/**
 * @typedef {object} RunOptions
 * @property {string} pipeline      name or end of name
 * @property {string} [app]         the app's folder: its pipelines file is the default `file`
 * @property {string} [file]        the pipeline file (default: the app's, or else
 *                                  pipelines.gocd.yaml at repoRoot)
 * @property {string} [repoRoot]    the repository to check out (default: the one around the
 *                                  app, the file, or else cwd)
 * @property {string} [workDir]     default: a new folder in the system's temp folder
 * @property {string} [until]       last stage to run
 * @property {boolean} [approve]    go through manual approvals
 * @property {boolean} [deploy]     really deploy
 * @property {boolean} [workingTree]  check out the working tree instead of HEAD
 * @property {boolean} [useInstalled]  link the repository's node_modules instead of `npm ci` tasks
 * @property {number} [timeoutMinutes]  for jobs without `timeout` (default: 10)
 * @property {import('node:stream').Writable} [output]  default: process.stdout
 * @property {NodeJS.ProcessEnv} [env]                  default: process.env
 */

/**
 * @typedef {object} JobResult
 * @property {string} name
 * @property {boolean} passed
 * @property {number} seconds
 * @property {string} log                 the job's console log
 * @property {string} artifactsDir        `<work>/artifacts/<stage>/<job>`
 * @property {string[]} artifacts         what was collected, relative to artifactsDir
 * @property {Record<string, string>} tabs  tab name -> file path
 */

/**
 * @typedef {object} StageResult
 * @property {string} name
 * @property {'passed' | 'failed' | 'not run' | 'awaiting approval'} result
 * @property {number} seconds
 * @property {JobResult[]} jobs
 */

/**
 * @typedef {object} RunResult
 * @property {string} pipeline   the full name
 * @property {boolean} passed    no stage failed
 * @property {string} stoppedBecause  'finished', 'failed', 'approval', 'until'
 * @property {string} workDir
 * @property {StageResult[]} stages
 */

/**
 * @typedef {object} RunContext
 * @property {Pipeline} pipeline
 * @property {string} repoRoot
 * @property {string} workDir
 * @property {string} checkoutSource  a folder to copy (working tree) or a repository to clone
 * @property {'clone' | 'copy'} checkoutMode
 * @property {string} revision
 * @property {NodeJS.ProcessEnv} baseEnv
 * @property {string[]} warnings
 * @property {number} timeoutMinutes
 * @property {boolean} useInstalled
 */

const COUNTER = '1'; // every local run is run number 1: there is no server to count runs

/**
 * Runs a pipeline and returns what happened. Prints the live view and the summary to `output`.
 * @param {RunOptions} options
 * @returns {Promise<RunResult>}
 */
export async function runPipeline(options) {
  const output = options.output ?? process.stdout;
  const repoRoot = options.repoRoot ?? gitTopLevel(options.app ?? (options.file ? path.dirname(path.resolve(options.file)) : process.cwd()));
  const file = options.file ?? pipelinesFileOf(options.app, repoRoot);
  const app = options.app ? appPath(options.app, repoRoot) : appOfPipelinesFile(file, repoRoot);
  const pipeline = findPipeline(loadPipelines(file), options.pipeline);
  const stages = stagesToRun(pipeline, options.until);
  const workDir = options.workDir ?? mkdtempSync(path.join(os.tmpdir(), `gocd-${pipeline.name}-`));
  mkdirSync(workDir, { recursive: true });

  const revision = git(repoRoot, ['rev-parse', 'HEAD']).trim();
  /** @type {string[]} */
  const warnings = [];
  // A GoCD server sees commits only: an app git does not track can be run from the working tree.
  const untrackedApp = isUntracked(app, repoRoot);
  if (untrackedApp && !options.workingTree) {
    throw new Error(`git tracks no file of ${app}/, so a clone of the last commit would not hold the app: run with --working-tree (a GoCD server would need it committed)`);
  }
  /** @type {RunContext} */
  const ctx = {
    pipeline,
    repoRoot,
    workDir,
    revision,
    checkoutMode: options.workingTree ? 'copy' : 'clone',
    checkoutSource: options.workingTree ? snapshotWorkingTree(repoRoot, path.join(workDir, 'snapshot'), untrackedApp ? app : undefined) : repoRoot,
    baseEnv: agentEnvironment(options.env ?? process.env, { deploy: options.deploy === true }),
    warnings,
    timeoutMinutes: options.timeoutMinutes ?? 10,
    useInstalled: options.useInstalled === true,
  };
  if (untrackedApp) warnings.push(`git tracks no file of ${app}/: its files were copied from the disk (a GoCD server would need them committed)`);
  if (ctx.useInstalled) warnings.push(`--use-installed: the jobs used the node_modules of ${repoRoot} instead of their own npm ci`);

  const source = options.workingTree ? `the working tree (commit ${revision.slice(0, 8)} and your changes)` : `commit ${revision.slice(0, 8)}`;
  output.write(`${pipeline.name} #${COUNTER}: ${source}${options.deploy ? '' : ', deploys as dry runs'}\nwork folder: ${workDir}\n\n`);
  const progress = new Progress(output, pipeline.stages.map((stage) => [stage.name, ...stage.jobs.map((job) => job.name)]));
  progress.start();

  /** @type {StageResult[]} */
  const results = [];
  let stoppedBecause = 'finished';
  for (const [index, stage] of pipeline.stages.entries()) {
    if (stoppedBecause === 'finished' && !stages.includes(stage)) stoppedBecause = 'until';
    if (stoppedBecause !== 'finished') {
      results.push({ name: stage.name, result: 'not run', seconds: 0, jobs: [] });
      continue;
    }
    // The first stage's approval is given by starting the run; later ones by --approve.
    if (index > 0 && stage.approval === 'manual' && !options.approve) {
      stoppedBecause = 'approval';
      progress.set(stage.name, null, 'awaiting approval');
      results.push({ name: stage.name, result: 'awaiting approval', seconds: 0, jobs: [] });
      continue;
    }
    const result = await runStage(ctx, stage, progress);
    results.push(result);
    if (result.result === 'failed') stoppedBecause = 'failed';
  }
  progress.stop();

  /** @type {RunResult} */
  const run = { pipeline: pipeline.name, passed: stoppedBecause !== 'failed', stoppedBecause, workDir, stages: results };
  output.write(summary(run, ctx.warnings));
  return run;
}

/**
 * The pipelines file to run: the app's own (app-pipelines.mjs), or else the repository's.
 * @param {string | undefined} app
 * @param {string} repoRoot
 * @returns {string}
 */
function pipelinesFileOf(app, repoRoot) {
  if (!app) return path.join(repoRoot, ROOT_PIPELINES_FILE);
  const { file, exists } = pipelinesFileOfApp(app, repoRoot);
  if (!exists) throw new Error(`the app in ${app} has no pipelines file: write ${path.relative(process.cwd(), file)}`);
  return file;
}

/**
 * @param {Pipeline} pipeline
 * @param {string | undefined} until
 * @returns {Stage[]} the stages to run, in order
 */
function stagesToRun(pipeline, until) {
  if (until === undefined) return pipeline.stages;
  const last = pipeline.stages.findIndex((stage) => stage.name === until);
  if (last < 0) throw new Error(`pipeline ${pipeline.name} has no stage '${until}'; stages: ${pipeline.stages.map((stage) => stage.name).join(', ')}`);
  return pipeline.stages.slice(0, last + 1);
}

/**
 * Runs the jobs of a stage side by side, one agent each.
 * @param {RunContext} ctx
 * @param {Stage} stage
 * @param {Progress} progress
 * @returns {Promise<StageResult>}
 */
async function runStage(ctx, stage, progress) {
  const started = Date.now();
  progress.set(stage.name, null, 'running');
  const jobs = await Promise.all(stage.jobs.map((job, index) => runJob(ctx, stage, job, index + 1, progress)));
  const passed = jobs.every((job) => job.passed);
  progress.set(stage.name, null, passed ? 'passed' : 'failed');
  for (const job of jobs.filter((result) => !result.passed)) {
    progress.print(`\n── ${stage.name}/${job.name} failed; the end of its log (${job.log}):\n${tail(job.log, 30)}\n`);
  }
  return { name: stage.name, result: passed ? 'passed' : 'failed', seconds: (Date.now() - started) / 1000, jobs };
}

/**
 * @param {RunContext} ctx
 * @param {Stage} stage
 * @param {Job} job
 * @param {number} agent  1 for the first job of the stage, 2 for the second, ...
 * @param {Progress} progress
 * @returns {Promise<JobResult>}
 */
async function runJob(ctx, stage, job, agent, progress) {
  const started = Date.now();
  progress.set(stage.name, job.name, 'running');
  const workspace = path.join(ctx.workDir, 'agents', `agent-${agent}`, 'pipelines', ctx.pipeline.name);
  const artifactsDir = path.join(ctx.workDir, 'artifacts', stage.name, job.name);
  const logFile = path.join(ctx.workDir, 'logs', stage.name, `${job.name}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);

  if (stage.cleanWorkspace || !existsSync(workspace)) {
    log.write(`[runner] ${stage.cleanWorkspace ? 'clean_workspace: fresh' : 'first'} checkout into ${workspace}\n`);
    checkout(ctx, workspace);
  }
  const env = jobEnvironment(ctx, stage, job);
  const silenceLimit = (job.timeout ?? ctx.timeoutMinutes) * 60_000;

  let failed = false;
  for (const task of job.tasks) {
    const runs = task.runIf === 'any' || (task.runIf === 'failed') === failed;
    if (!runs) continue;
    const passed = await runTask(ctx, task, workspace, env, log, silenceLimit);
    if (!passed) failed = true;
  }

  // GoCD uploads artifacts whether the job passed or failed (a failed test's report matters most).
  const collected = collectArtifacts(job, workspace, artifactsDir, log);
  if (!collected.passed) failed = true;
  await new Promise((resolve) => log.end(resolve));

  const tabs = Object.fromEntries(Object.entries(job.tabs).map(([tab, file]) => [tab, path.join(artifactsDir, file)]));
  progress.set(stage.name, job.name, failed ? 'failed' : 'passed', failed ? `log: ${logFile}` : '');
  return { name: job.name, passed: !failed, seconds: (Date.now() - started) / 1000, log: logFile, artifactsDir, artifacts: collected.paths, tabs };
}

/**
 * @param {RunContext} ctx
 * @param {Task} task
 * @param {string} workspace
 * @param {NodeJS.ProcessEnv} env
 * @param {import('node:stream').Writable} log
 * @param {number} silenceLimit  milliseconds without output before the task is cancelled
 * @returns {Promise<boolean>} whether the task passed
 */
async function runTask(ctx, task, workspace, env, log, silenceLimit) {
  if (ctx.useInstalled && isInstallTask(task)) return linkInstalledModules(ctx.repoRoot, workspace, task, log);
  switch (task.type) {
    case 'script':
      log.write(`\n$ ${task.text.trim()}\n`);
      return run('bash', ['-c', task.text], { cwd: workspace, env, log, silenceLimit });
    case 'exec':
      log.write(`\n$ ${[task.command, ...task.args].map((word) => (/\s/.test(word) ? JSON.stringify(word) : word)).join(' ')}\n`);
      return run(task.command, task.args, { cwd: path.join(workspace, task.workingDirectory), env, log, silenceLimit });
    case 'fetch':
      return fetchArtifact(ctx, task, workspace, log);
    default:
      log.write(`\n[runner] a '${task.kind}' task cannot run here (plugins need a GoCD agent)\n`);
      return false;
  }
}

/**
 * Whether a task only installs the dependencies: a script that is one `npm ci` or `npm install`
 * command (its options aside), or an exec of one.
 * @param {Task} task
 * @returns {boolean}
 */
export function isInstallTask(task) {
  const isInstall = (/** @type {string[]} */ words) => path.basename(words[0] ?? '') === 'npm' && ['ci', 'install', 'i'].includes(words[1] ?? '')
    && words.slice(2).every((word) => word.startsWith('-'));
  if (task.type === 'script') {
    const commands = shellCommands(task.text);
    return commands.length === 1 && isInstall(commands[0]?.words ?? []);
  }
  return task.type === 'exec' && isInstall([task.command, ...task.args]);
}

/**
 * --use-installed: instead of the job's `npm ci`, links into its workspace every node_modules
 * folder the repository has installed (at its root, and in the workspaces of its package.json
 * that have their own), where the workspace has that folder and no node_modules of its own.
 * @param {string} repoRoot
 * @param {string} workspace
 * @param {Task} task
 * @param {import('node:stream').Writable} log
 * @returns {boolean}
 */
function linkInstalledModules(repoRoot, workspace, task, log) {
  const instead = task.type === 'script' ? task.text.trim() : task.type === 'exec' ? [task.command, ...task.args].join(' ') : task.type;
  log.write(`\n[runner] --use-installed: linking the installed node_modules of ${repoRoot} instead of \`${instead}\`\n`);
  for (const folder of ['.', ...workspaceFolders(repoRoot).map((dir) => path.relative(repoRoot, dir))]) {
    const installed = path.join(repoRoot, folder, 'node_modules');
    const linked = path.join(workspace, folder, 'node_modules');
    // A folder with nothing but dot entries (.bin, .cache) holds no package.
    if (!existsSync(installed) || !readdirSync(installed).some((name) => !name.startsWith('.'))) continue;
    if (!existsSync(path.join(workspace, folder)) || existsSync(linked)) continue;
    symlinkSync(installed, linked, 'junction');
    log.write(`[runner] ${path.join(folder, 'node_modules')} -> ${installed}\n`);
  }
  return true;
}

/** @type {Set<number | undefined>} process groups of the commands running now, to stop them on Ctrl-C */
const running = new Set();

/**
 * Runs a command with its output going to the job's log. The command gets a process group of
 * its own, so that cancelling it also stops whatever it started (npm starts a shell, which
 * starts node, which starts mocha...).
 * @param {string} command
 * @param {string[]} args
 * @param {{cwd: string, env: NodeJS.ProcessEnv, log: import('node:stream').Writable, silenceLimit: number}} options
 * @returns {Promise<boolean>} whether it exited with 0
 */
function run(command, args, { cwd, env, log, silenceLimit }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child.pid);
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const restartClock = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        log.write(`\n[runner] no output for ${silenceLimit / 60_000} minutes: cancelling the job, as GoCD's job timeout would\n`);
        stopGroup(child.pid);
      }, silenceLimit);
    };
    restartClock();
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', restartClock);
      stream.pipe(log, { end: false });
    }
    child.on('error', (error) => {
      log.write(`[runner] could not start ${command}: ${error.message}\n`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid);
      log.write(`[runner] exit ${code ?? signal}\n`);
      resolve(code === 0);
    });
  });
}

/**
 * @param {number | undefined} pid  the leader of a process group
 */
function stopGroup(pid) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/**
 * A `fetch` task: copies an artifact of an earlier stage of this run into the workspace.
 * A folder lands inside `destination` under its own name, a file (`is_file`) too.
 * @param {RunContext} ctx
 * @param {Extract<Task, {type: 'fetch'}>} task
 * @param {string} workspace
 * @param {import('node:stream').Writable} log
 * @returns {boolean}
 */
function fetchArtifact(ctx, task, workspace, log) {
  log.write(`\n[fetch] ${task.stage}/${task.job}/${task.source} -> ${task.destination || '.'}\n`);
  if (task.pipeline && task.pipeline !== ctx.pipeline.name) {
    log.write(`[runner] fetching from another pipeline (${task.pipeline}) is not supported here\n`);
    return false;
  }
  const from = path.join(ctx.workDir, 'artifacts', task.stage, task.job, task.source);
  const to = path.join(workspace, task.destination, path.basename(task.source));
  if (!existsSync(from) || statSync(from).isDirectory() === task.isFile) {
    log.write(`[fetch] no ${task.isFile ? 'file' : 'folder'} ${task.source} in the artifacts of ${task.stage}/${task.job}\n`);
    return false;
  }
  cpSync(from, to, { recursive: true });
  return true;
}

/**
 * Copies the job's artifacts out of its workspace. A source that matches nothing fails the job,
 * as it does on GoCD.
 * @param {Job} job
 * @param {string} workspace
 * @param {string} artifactsDir
 * @param {import('node:stream').Writable} log
 * @returns {{passed: boolean, paths: string[]}}
 */
function collectArtifacts(job, workspace, artifactsDir, log) {
  let passed = true;
  /** @type {string[]} */
  const paths = [];
  for (const artifact of job.artifacts) {
    if (artifact.type === 'external') continue; // stored by a plugin on a server
    const sources = /[*?]/.test(artifact.source)
      ? listFiles(workspace).filter((file) => matchesGlob(file, artifact.source))
      : [artifact.source].filter((file) => existsSync(path.join(workspace, file)));
    if (sources.length === 0) {
      log.write(`[artifacts] nothing matches ${artifact.source}\n`);
      passed = false;
    }
    for (const source of sources) {
      const target = path.join(artifact.destination, path.basename(source));
      cpSync(path.join(workspace, source), path.join(artifactsDir, target), { recursive: true });
      log.write(`[artifacts] ${artifact.type}: ${source} -> ${target}\n`);
      paths.push(`${target}${artifact.type === 'test' ? ' (test report)' : ''}`);
    }
  }
  return { passed, paths };
}

/**
 * @param {string} root
 * @param {string} [relative]
 * @returns {string[]} files below root, relative, without node_modules and .git
 */
function listFiles(root, relative = '') {
  return readdirSync(path.join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.name === 'node_modules' || entry.name === '.git') return [];
    return entry.isDirectory() ? listFiles(root, child) : [child];
  });
}

// ---------------------------------------------------------------------------------------------
// Workspaces and environment
// ---------------------------------------------------------------------------------------------

/**
 * Checks out the pinned revision (or the working-tree snapshot) into an empty workspace.
 * @param {RunContext} ctx
 * @param {string} workspace
 */
function checkout(ctx, workspace) {
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(path.dirname(workspace), { recursive: true });
  const material = ctx.pipeline.materials.find((candidate) => candidate.type === 'git');
  const target = path.join(workspace, material?.destination ?? '');
  if (ctx.checkoutMode === 'copy') {
    cpSync(ctx.checkoutSource, target, { recursive: true });
    return;
  }
  execFileSync('git', ['clone', '--quiet', '--no-checkout', ctx.checkoutSource, target]);
  execFileSync('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', ctx.revision], { cwd: target });
}

/**
 * Copies the files git would commit (tracked and untracked-but-not-ignored, as they are on
 * disk now) to `snapshot`, once, so that every stage of the run sees the same files even if
 * you keep editing while it runs; and the files of an app git does not track at all.
 * @param {string} repoRoot
 * @param {string} snapshot
 * @param {string} [untrackedApp]  an app folder, relative to repoRoot, whose files git ignores
 * @returns {string} the snapshot folder
 */
function snapshotWorkingTree(repoRoot, snapshot, untrackedApp) {
  // node_modules is skipped even when git does not ignore it (a symlink is not matched by the
  // `node_modules/` rule): the jobs install their own.
  const files = git(repoRoot, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0')
    .concat(untrackedApp ? appFilesOnDisk(repoRoot, untrackedApp) : [])
    .filter((file) => file !== '' && !file.split('/').includes('node_modules'));
  const realRoot = realpathSync(repoRoot);
  for (const file of files) {
    const from = path.join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    // A link out of the repository would let a job change files outside its workspace.
    if (lstatSync(from).isSymbolicLink() && !realpathSync(from).startsWith(realRoot + path.sep)) continue;
    cpSync(from, path.join(snapshot, file));
  }
  return snapshot;
}

/** Build output and reports that an app's copy leaves behind: never part of a checkout. */
const BUILD_OUTPUT = /^(node_modules|\.serverless.*|\.esbuild|\.nyc_output|coverage|reports|dist|\.local|\.git)$/;

/**
 * The files of an app folder on disk, relative to the repository, without build output (a name
 * below the app folder that BUILD_OUTPUT matches; the app's own path is not tested).
 * @param {string} repoRoot
 * @param {string} app  relative to repoRoot
 * @returns {string[]}
 */
function appFilesOnDisk(repoRoot, app) {
  const folder = app.split(path.sep).join('/');
  const prefix = folder === '' ? '' : `${folder}/`;
  return listFilesOnDisk(repoRoot, folder).filter((file) => !file.slice(prefix.length).split('/').some((name) => BUILD_OUTPUT.test(name)));
}

/**
 * The environment an agent starts jobs with: this shell's, less what `npm run pipeline` added
 * (npm's own variables, and node_modules/.bin of this repository on PATH, which would let a
 * task use tools the workspace never installed).
 * @param {NodeJS.ProcessEnv} env
 * @param {{deploy: boolean}} options
 * @returns {NodeJS.ProcessEnv}
 */
export function agentEnvironment(env, { deploy }) {
  const clean = Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
  clean.PATH = (env.PATH ?? '').split(path.delimiter).filter((entry) => !entry.includes(`node_modules${path.sep}.bin`)).join(path.delimiter);
  // Install from the local npm cache when it has the package: same lockfile, no downloads.
  clean.npm_config_prefer_offline = 'true';
  if (!deploy) clean.DEPLOY_DRY_RUN = 'true';
  else delete clean.DEPLOY_DRY_RUN;
  return clean;
}

/**
 * The variables of one job: the agent's, the pipeline's < the stage's < the job's, and GoCD's.
 * @param {RunContext} ctx
 * @param {Stage} stage
 * @param {Job} job
 * @returns {NodeJS.ProcessEnv}
 */
function jobEnvironment(ctx, stage, job) {
  const { pipeline } = ctx;
  const env = { ...ctx.baseEnv };
  for (const [name, value] of Object.entries(mergedEnvironment(pipeline, stage, job))) {
    // {{SECRET:[config][key]}} is resolved by a GoCD secrets plugin; here only a value you
    // exported yourself can stand in for it.
    if (/\{\{SECRET:/.test(value)) {
      if (env[name] === undefined) ctx.warnings.push(`${name} is a GoCD secret reference; export ${name} to give it a value here`);
      continue;
    }
    env[name] = value;
  }
  for (const name of [...pipeline.secureVariables, ...stage.secureVariables, ...job.secureVariables]) {
    if (env[name] === undefined) ctx.warnings.push(`${name} is a secure variable (encrypted on the server); export ${name} to give it a value here`);
  }
  const materialName = pipeline.materials[0]?.name ?? 'material';
  Object.assign(env, {
    GO_PIPELINE_NAME: pipeline.name,
    GO_PIPELINE_COUNTER: COUNTER,
    GO_PIPELINE_LABEL: pipeline.labelTemplate.replace(/\$\{COUNT\}/g, COUNTER).replace(/\$\{[^}:]+(?::(\d+))?\}/g, (_, length) => ctx.revision.slice(0, Number(length ?? 40))),
    GO_STAGE_NAME: stage.name,
    GO_STAGE_COUNTER: '1',
    GO_JOB_NAME: job.name,
    GO_TRIGGER_USER: env.USER ?? 'anonymous',
    GO_REVISION: ctx.revision,
    [`GO_REVISION_${materialName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`]: ctx.revision,
  });
  return env;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/**
 * @param {RunResult} run
 * @param {string[]} warnings
 * @returns {string}
 */
function summary(run, warnings) {
  const endings = {
    finished: 'every stage ran',
    failed: 'stopped at the failed stage',
    approval: 'stopped: the next stage waits for manual approval (run again with --approve)',
    until: 'stopped after the stage given with --until',
  };
  const lines = ['', `━━ ${run.pipeline}: ${run.passed ? 'passed' : 'FAILED'}, ${endings[/** @type {keyof typeof endings} */ (run.stoppedBecause)] ?? run.stoppedBecause}`];
  for (const stage of run.stages) {
    const mark = { passed: '✔', failed: '✖', 'not run': '·', 'awaiting approval': '⏸' }[stage.result];
    lines.push(`${mark} ${stage.name.padEnd(16)} ${stage.result}${stage.seconds ? ` in ${stage.seconds.toFixed(1)} s` : ''}`);
    for (const job of stage.jobs) {
      if (stage.jobs.length > 1 || !job.passed) lines.push(`    job ${job.name}: ${job.passed ? 'passed' : 'failed'} in ${job.seconds.toFixed(1)} s, log ${job.log}`);
      if (job.artifacts.length > 0) lines.push(`    artifacts in ${job.artifactsDir}: ${job.artifacts.join(', ')}`);
      for (const [tab, file] of Object.entries(job.tabs)) lines.push(`    tab ${tab}: ${file}${existsSync(file) ? '' : ' (missing)'}`);
    }
  }
  for (const warning of new Set(warnings)) lines.push(`note: ${warning}`);
  lines.push(`logs: ${path.join(run.workDir, 'logs')}   (remove ${run.workDir} when done)`, '');
  return lines.join('\n');
}

/**
 * @param {string} file
 * @param {number} count
 * @returns {string} the last lines of a file
 */
function tail(file, count) {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * @param {string} cwd
 * @param {string[]} args
 * @returns {string}
 */
function git(cwd, args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

const USAGE = `usage: npm run pipeline -- NAME [--until STAGE] [--approve] [--deploy] [--working-tree] [--app DIR | --file FILE] [--use-installed] [--work-dir DIR] [--timeout MINUTES]
  NAME   a pipeline of pipelines.gocd.yaml (or of the app in DIR), or the end of its name (createSession, deploy-dev)`;

/**
 * @param {string[]} argv
 * @returns {Promise<number>} the exit code
 */
export async function main(argv) {
  /** @type {ReturnType<typeof parseArgs<{args: string[], allowPositionals: true, options: Record<string, {type: 'string' | 'boolean'}>}>>} */
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        until: { type: 'string' },
        approve: { type: 'boolean' },
        deploy: { type: 'boolean' },
        'working-tree': { type: 'boolean' },
        app: { type: 'string' },
        file: { type: 'string' },
        'use-installed': { type: 'boolean' },
        'work-dir': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const name = positionals[0];
  if (!name || positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const text = (/** @type {unknown} */ value) => (typeof value === 'string' ? value : undefined);
  /** @type {RunOptions} */
  const options = {
    pipeline: name,
    approve: values.approve === true,
    deploy: values.deploy === true,
    workingTree: values['working-tree'] === true,
    useInstalled: values['use-installed'] === true,
  };
  const until = text(values.until);
  const app = text(values.app);
  const file = text(values.file);
  const workDir = text(values['work-dir']);
  if (app && file) {
    console.error(`--app and --file both name the pipelines file: give one\n${USAGE}`);
    return 2;
  }
  if (until) options.until = until;
  if (app) options.app = path.resolve(app);
  if (file) options.file = path.resolve(file);
  if (workDir) options.workDir = path.resolve(workDir);
  const timeout = text(values.timeout);
  if (timeout) {
    if (!(Number(timeout) > 0)) {
      console.error(`--timeout takes a number of minutes, not '${timeout}'\n${USAGE}`);
      return 2;
    }
    options.timeoutMinutes = Number(timeout);
  }
  // Commands run in process groups of their own, so Ctrl-C must be passed on to them.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.once(signal, () => {
      for (const pid of running) stopGroup(pid);
      process.exit(130);
    });
  }
  try {
    const run = await runPipeline(options);
    return run.passed ? 0 : 1;
  } catch (error) {
    console.error(`run-pipeline: ${error instanceof Error ? error.message : error}`);
    return 2;
  }
}
