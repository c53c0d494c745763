/**
 * Chapter 9's checks: the app's GoCD pipelines file (chapter.pipelines.yaml in the app's folder;
 * final/'s is pipelines.gocd.yaml at the root of the repository) passes the pipelines check, has
 * one pipeline per function with the 8 shared stages, builds once and deploys that build to test
 * and prod, has the whole-service pipelines, and runs on your machine up to code-coverage. Run
 * them with `npm run workshop -- verify` (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { APP_PIPELINES_FILE, gitTopLevel, pipelinesFileOfApp } from '@session-api/gocd/app-pipelines.mjs';
import { loadPipelines } from '@session-api/gocd/pipeline-model.mjs';
import { runPipeline } from '@session-api/gocd/run-pipeline.mjs';
import { check, runScript, serverlessYml, target } from '@session-api/workshop/checks';
import YAML from 'yaml';

type Pipeline = ReturnType<typeof loadPipelines>[number];
type Stage = Pipeline['stages'][number];
type Job = Stage['jobs'][number];

/** The stages of every per-function pipeline, in order; the two deploys after a promotion wait for a person. */
const FUNCTION_STAGES = ['unit-test', 'lint', 'code-coverage', 'deploy-dev', 'stage-for-test', 'deploy-test', 'stage-for-prod', 'deploy-prod'];
const APPROVED_BY_HAND = ['deploy-test', 'deploy-prod'];
const STAGES_ANCHOR = 'function-stages';

/** The repository the app is in, or the app's own folder outside of one (a copy being checked). */
function repositoryOf(app: string): string {
  try {
    return gitTopLevel(app);
  } catch {
    return app;
  }
}

/** The app's pipelines file, or a failure that says where to write it. */
function pipelinesFile(): string {
  const { file, exists } = pipelinesFileOfApp(target(), repositoryOf(target()));
  if (!exists) throw new Error(`there is no ${APP_PIPELINES_FILE} in your app folder yet: write the pipelines there (${file}).`);
  return file;
}

function pipelines(): Pipeline[] {
  return loadPipelines(pipelinesFile());
}

/** The per-function pipelines: those that set FUNCTION_NAME. */
function functionPipelines(): Pipeline[] {
  return pipelines().filter((pipeline) => pipeline.environment['FUNCTION_NAME']);
}

/** Every command a job runs (scripts and execs), as text. */
function jobCommands(job: Job): string[] {
  return job.tasks.flatMap((task) => {
    if (task.type === 'script') return [task.text];
    if (task.type === 'exec') return [[task.command, ...task.args].join(' ')];
    return [];
  });
}

/** Every command the jobs of a stage run. */
function commandsOf(stage: Stage | undefined): string[] {
  return (stage?.jobs ?? []).flatMap(jobCommands);
}

function stageOf(pipeline: Pipeline, name: string): Stage {
  const stage = pipeline.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`pipeline ${pipeline.name} has no stage ${name}`);
  return stage;
}

/** The artifacts the jobs of a stage publish, as `source -> destination`. */
function artifactsOf(stage: Stage): string[] {
  return stage.jobs.flatMap((job) => job.artifacts.map((artifact) => `${artifact.source} -> ${artifact.destination}`));
}

/** The fetch tasks of a stage: what it takes from an earlier stage of the same run. */
function fetchesOf(stage: Stage): string[] {
  return stage.jobs.flatMap((job) => job.tasks.flatMap((task) => (task.type === 'fetch' ? [`${task.stage}/${task.job}/${task.source}`] : [])));
}

/** Collects what is written to it: the runner's live view, shown only when the run fails. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('Chapter 9: pipelines', () => {
  check(
    `${APP_PIPELINES_FILE} passes the pipelines check (npm run pipelines:check)`,
    {
      explained: 'Check it: the pipelines checker',
      hints: [
        `Write your pipelines in ${APP_PIPELINES_FILE}, in your app's folder, then run \`npm run pipelines:check\` there and fix what it reports, one line at a time.`,
        'package.json needs the script `"pipelines:check": "pipelines-check --app ."`; each finding names the line, the rule, and the fix.',
        'Paths in the file start at the root of the repository and name the app\'s folder as the rest of the file does: `chapters/09-pipelines/src/functions/ping/**`, `chapters/09-pipelines/dist`; npm runs with `npm --prefix chapters/09-pipelines run ...`.',
      ],
      timeoutMs: 120_000,
    },
    () => {
      pipelinesFile();
      const run = runScript('pipelines:check');
      if (run.status !== 0) throw new Error(`npm run pipelines:check failed:\n${run.output.trim().split('\n').slice(-20).join('\n')}`);
    },
  );

  check(
    'one pipeline per function of serverless.yml, each running the 8 shared stages of the `function-stages` anchor',
    {
      explained: 'One pipeline per function',
      hints: [
        'Each function gets its own pipeline, so that a change to one function tests and deploys it without waiting for the others: ping\'s is the one still to write.',
        `In ${APP_PIPELINES_FILE}, session-api-ping needs its group and lock_behavior, \`FUNCTION_NAME: ping\` under environment_variables and \`stages: *${STAGES_ANCHOR}\` (the 8 stages written once under \`common:\`), and its own folder first in \`includes\`.`,
        `group: session-api / lock_behavior: unlockWhenFinished / environment_variables: { FUNCTION_NAME: ping } / stages: *${STAGES_ANCHOR}; and in includes: - chapters/09-pipelines/src/functions/ping/** (your app's folder, as the other paths of the file name it).`,
      ],
    },
    () => {
      const file = pipelinesFile();
      const functions = Object.keys(serverlessYml().functions ?? {}).sort();
      const perFunction = functionPipelines();
      assert.deepEqual(perFunction.map((pipeline) => pipeline.environment['FUNCTION_NAME']).sort(), functions,
        `the pipelines that set FUNCTION_NAME must be exactly one per function of serverless.yml (${functions.join(', ')})`);
      // The anchor itself, read from the YAML: every per-function pipeline's stages are an alias of it.
      const document = YAML.parseDocument(readFileSync(file, 'utf8'), { version: '1.1', merge: true });
      const raw = document.toJS({ maxAliasCount: -1 }) as { pipelines?: Record<string, { materials?: Record<string, { includes?: unknown }> }> };
      for (const pipeline of perFunction) {
        const name = pipeline.environment['FUNCTION_NAME'];
        const includes = Object.values(raw.pipelines?.[pipeline.name]?.materials ?? {}).flatMap((material) => (Array.isArray(material.includes) ? material.includes.map(String) : []));
        assert.ok(includes.some((include) => include.endsWith(`src/functions/${name}/**`)), `pipeline ${pipeline.name} must watch its function's own folder: \`- .../src/functions/${name}/**\` in its material's includes`);
        const stages = document.getIn(['pipelines', pipeline.name, 'stages'], true);
        assert.ok(YAML.isAlias(stages) && stages.source === STAGES_ANCHOR, `pipeline ${pipeline.name} must say \`stages: *${STAGES_ANCHOR}\` (the shared stages), not a list of its own`);
        assert.deepEqual(pipeline.stages.map((stage) => stage.name), FUNCTION_STAGES, `the stages of ${pipeline.name}, in order`);
        const manual = pipeline.stages.filter((stage) => stage.approval === 'manual').map((stage) => stage.name);
        assert.deepEqual(manual, APPROVED_BY_HAND, 'exactly deploy-test and deploy-prod wait for someone to approve them');
      }
    },
  );

  check(
    'build once, deploy many: deploy-dev packages every stage, and test and prod deploy that very package after checking its checksum',
    {
      explained: 'Build once, deploy many',
      hints: [
        'What reaches prod must be what was tested: package once, in deploy-dev, and hand the packages on as artifacts.',
        'deploy-dev\'s job runs `npm run package -- --stage dev|test|prod --out dist/<stage>` and publishes each dist/<stage> as an artifact with `destination: packages`; stage-for-test (given) fetches packages/test from it and records the checksum.',
        'deploy-test\'s job fetches packages/test and packages/test.sha256 (is_file: true) from stage-for-test\'s promote job, runs `package:checksum -- --verify dist/test`, then `npm run deploy -- --stage test --package dist/test`.',
      ],
    },
    () => {
      const [pipeline] = functionPipelines();
      if (!pipeline) throw new Error('there is no per-function pipeline yet (a pipeline that sets FUNCTION_NAME)');
      const packages = /\brun package -- .*--stage (\w+)/;
      const built = commandsOf(stageOf(pipeline, 'deploy-dev')).map((command) => packages.exec(command)?.[1]).filter(Boolean).sort();
      assert.deepEqual(built, ['dev', 'prod', 'test'], 'deploy-dev packages the service for dev, test and prod (npm run package -- --stage ...)');
      const published = artifactsOf(stageOf(pipeline, 'deploy-dev'));
      for (const stage of ['dev', 'test', 'prod']) {
        assert.ok(published.some((artifact) => artifact.endsWith(`/dist/${stage} -> packages`)), `deploy-dev publishes the ${stage} package (an artifact with source .../dist/${stage} and destination packages)`);
      }
      for (const stage of pipeline.stages.filter((candidate) => candidate.name !== 'deploy-dev')) {
        assert.ok(!commandsOf(stage).some((command) => packages.test(command)), `${stage.name} packages again: only deploy-dev builds; later stages fetch what it built`);
      }
      for (const target of ['test', 'prod']) {
        const promote = stageOf(pipeline, `stage-for-${target}`);
        assert.ok(fetchesOf(promote).includes(`deploy-dev/deploy/packages/${target}`), `stage-for-${target} fetches packages/${target} from deploy-dev/deploy`);
        assert.ok(commandsOf(promote).some((command) => /package:checksum -- --write/.test(command)), `stage-for-${target} records the package's checksum (package:checksum -- --write)`);
        const deploy = stageOf(pipeline, `deploy-${target}`);
        for (const fetched of [`packages/${target}`, `packages/${target}.sha256`]) {
          assert.ok(fetchesOf(deploy).includes(`stage-for-${target}/promote/${fetched}`), `deploy-${target} fetches ${fetched} from stage-for-${target}/promote: the package it promoted, and its checksum`);
        }
        const commands = commandsOf(deploy);
        const verified = commands.findIndex((command) => /package:checksum -- --verify/.test(command));
        const deployed = commands.findIndex((command) => new RegExp(`\\brun deploy -- .*--stage ${target}\\b.*--package`).test(command));
        assert.ok(deployed >= 0, `deploy-${target} deploys the fetched package (npm run deploy -- --stage ${target} --package ...)`);
        assert.ok(verified >= 0 && verified < deployed, `deploy-${target} verifies the checksum (package:checksum -- --verify) before it deploys`);
      }
    },
  );

  check(
    'a whole-service pipeline per stage (dev, test, prod): the tests and the lint side by side, then a deploy someone approves',
    {
      explained: 'The whole-service pipelines',
      hints: [
        'Besides the per-function pipelines, one pipeline per stage tests the whole service and deploys it, for changes no single function owns.',
        'The test and prod ones are given: session-api-deploy-dev is still to write, with `STAGE: dev` and the shared `stages: *service-stages`.',
        'session-api-deploy-dev: group: session-api / lock_behavior: unlockWhenFinished / environment_variables: { STAGE: dev } / materials: { repository: *repository } / stages: *service-stages.',
      ],
    },
    () => {
      // The pipelines of a stage that deploy the service (final/ also has one that creates a VPC).
      const deploys = (pipeline: Pipeline) => pipeline.stages.some((stage) => commandsOf(stage).some((command) => /\brun deploy\b/.test(command)));
      const byStage = pipelines().filter((pipeline) => pipeline.environment['STAGE'] && deploys(pipeline));
      assert.deepEqual(byStage.map((pipeline) => pipeline.environment['STAGE']).sort(), ['dev', 'prod', 'test'], 'one pipeline each with STAGE: dev, test and prod');
      for (const pipeline of byStage) {
        const [first, ...later] = pipeline.stages;
        const runs = (pattern: RegExp) => (first?.jobs ?? []).filter((job) => jobCommands(job).some((command) => pattern.test(command)));
        const testing = runs(/\brun test:unit\b/);
        const linting = runs(/\brun lint(:report)?\b/);
        assert.ok(testing.length > 0 && commandsOf(first).some((command) => /\brun test:integration\b/.test(command)), `${pipeline.name}'s first stage runs the unit and integration tests`);
        assert.ok(linting.length > 0 && linting.every((job) => !testing.includes(job)), `${pipeline.name}'s first stage lints in a job of its own, beside the tests`);
        const deploy = later.find((stage) => commandsOf(stage).some((command) => /\brun deploy\b/.test(command)));
        assert.ok(deploy, `${pipeline.name} has a stage that deploys`);
        assert.equal(deploy.approval, 'manual', `${pipeline.name}'s deploy waits for someone to approve it`);
      }
    },
  );

  check(
    'a pipeline runs on your machine up to code-coverage (npm run pipeline -- ping --until code-coverage) and publishes its reports',
    {
      explained: 'Run it: the local runner',
      hints: [
        'Run it yourself: `npm run pipeline -- ping --until code-coverage --working-tree`; a failed job prints the end of its log, and the whole log is in the work folder.',
        'package.json needs `"pipeline": "pipeline-run --app ."`. A job that cannot find a file: artifact sources and fetch destinations start at the root of the repository, npm --prefix at the app.',
        'unit-test publishes reports/unit/junit.xml as a `test` artifact; lint publishes reports/lint with the tab `lint: lint/index.html`; code-coverage reports/coverage with `coverage: coverage/index.html`.',
      ],
      timeoutMs: 300_000,
    },
    async () => {
      const ping = functionPipelines().find((pipeline) => pipeline.environment['FUNCTION_NAME'] === 'ping');
      if (!ping) throw new Error('there is no pipeline for the function ping (FUNCTION_NAME: ping)');
      const output = new Capture();
      // The files as they are now, with the repository's node_modules instead of each job's
      // `npm ci`: the same stages and commands, without installing everything three times.
      const run = await runPipeline({ pipeline: ping.name, app: target(), until: 'code-coverage', workingTree: true, useInstalled: true, timeoutMinutes: 3, output });
      try {
        const results = run.stages.map((stage) => `${stage.name}: ${stage.result}`);
        if (!results.slice(0, 3).every((result) => result.endsWith(': passed'))) {
          const failed = run.stages.flatMap((stage) => stage.jobs).filter((job) => !job.passed)
            .map((job) => `--- the end of ${job.log}:\n${readFileSync(job.log, 'utf8').trimEnd().split('\n').slice(-15).join('\n')}`);
          throw new Error(`${ping.name} did not pass up to code-coverage (${results.slice(0, 3).join(', ')}):\n${failed.join('\n')}`);
        }
        assert.equal(run.stages[3]?.result, 'not run', 'nothing runs after code-coverage (--until code-coverage)');
        const jobsOf = (name: string) => run.stages.find((stage) => stage.name === name)?.jobs ?? [];
        const junit = jobsOf('unit-test').flatMap((job) => job.artifacts.filter((artifact) => artifact.endsWith('(test report)')).map((artifact) => path.join(job.artifactsDir, artifact.replace(/ \(test report\)$/, ''))));
        assert.ok(junit.length > 0, 'unit-test publishes its JUnit XML as a test artifact (artifacts: - test: source: .../reports/unit/junit.xml)');
        for (const file of junit) assert.match(readFileSync(file, 'utf8'), /<testsuite [^>]*tests="[1-9]\d*"[^>]*failures="0"/, `${file} holds passed tests`);
        for (const [stage, tab] of [['lint', 'lint'], ['code-coverage', 'coverage']] as const) {
          const tabs = jobsOf(stage).flatMap((job) => Object.entries(job.tabs));
          const file = tabs.find(([name]) => name === tab)?.[1];
          assert.ok(file && existsSync(file), `${stage} shows its HTML report in a tab named ${tab} (published as an artifact, with tabs: { ${tab}: ${tab}/index.html })`);
        }
      } finally {
        rmSync(run.workDir, { recursive: true, force: true });
      }
    },
  );
});
