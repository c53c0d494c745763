// @ts-check
/**
 * Tests of the GoCD config checker. Each rule has a bad fixture that triggers it, and the test
 * names the exact rule AND line it expects, plus good fixtures that must give no finding.
 * Run from the repository root: npx mocha scripts/gocd/check.test.mjs
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appOfPipelinesFile, pipelinesFileOfApp } from './app-pipelines.mjs';
import { checkFiles } from './check.mjs';
import { findNpmProblem, parseNpmArguments, shellCommands } from './npm-commands.mjs';
import { findConfigFiles, matchesGlob } from './repo-files.mjs';
import { RULES } from './rules.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const checker = path.join(here, 'bin', 'pipelines-check.mjs');
const projectRoot = path.join(here, 'fixtures', 'project');

/**
 * @param {string} name  a path under fixtures/
 * @returns {string}
 */
function fixture(name) {
  return path.join(here, 'fixtures', name);
}

/**
 * Findings as `rule:line` strings: short to read in a failing assertion, and exact.
 * @param {import('./rules.mjs').Finding[]} findings
 * @returns {string[]}
 */
function summary(findings) {
  return findings.map((f) => `${f.rule}:${f.line}`);
}

/**
 * A fresh folder under the system's temporary directory, removed after the test.
 * @returns {string}
 */
function temporaryDirectory() {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'gocd-check-'));
  temporaryDirectories.push(directory);
  return directory;
}
/** @type {string[]} */
const temporaryDirectories = [];
afterEach(() => {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/**
 * Runs the checker as a program.
 * @param {string[]} args
 * @param {string} [cwd]
 */
function runCli(args, cwd = process.cwd()) {
  return spawnSync(process.execPath, [checker, ...args], { cwd, encoding: 'utf8' });
}

// ---------------------------------------------------------------------------------------------

/**
 * One bad fixture per rule (some rules have a second one for another form of the mistake), with
 * exactly the findings it must produce. Nothing else may be found in it.
 * @type {{file: string, expected: string[]}[]}
 */
const FORMAT_CASES = [
  { file: 'bad/yaml-syntax.yaml', expected: ['yaml-syntax:7'] },
  { file: 'bad/tab-indentation.yaml', expected: ['tab-indentation:5'] },
  { file: 'bad/duplicate-key.yaml', expected: ['duplicate-key:9'] },
  { file: 'bad/unknown-alias.yaml', expected: ['unknown-alias:9'] },
  { file: 'bad/ignored-document.yaml', expected: ['ignored-document:13'] },
  { file: 'bad/unknown-top-level-key.yaml', expected: ['unknown-top-level-key:3'] },
  { file: 'bad/wrong-type.yaml', expected: ['wrong-type:12'] },
  { file: 'bad/group-missing.yaml', expected: ['group-missing:4'] },
  { file: 'bad/lock-behavior-invalid.yaml', expected: ['lock-behavior-invalid:6'] },
  { file: 'bad/timer-invalid.yaml', expected: ['timer-invalid:6'] },
  { file: 'bad/integer-invalid.yaml', expected: ['integer-invalid:13'] },
  { file: 'bad/boolean-invalid.yaml', expected: ['boolean-invalid:9'] },
  // A value merged in from an anchor is reported where the anchor defines it.
  { file: 'bad/boolean-invalid-merged.yaml', expected: ['boolean-invalid:6'] },
  { file: 'bad/materials-missing.yaml', expected: ['materials-missing:4'] },
  { file: 'bad/materials-not-map.yaml', expected: ['materials-not-map:6'] },
  { file: 'bad/material-name-duplicate.yaml', expected: ['material-name-duplicate:10'] },
  { file: 'bad/extra-keys-dropped.yaml', expected: ['extra-keys-dropped:13'] },
  { file: 'bad/extra-keys-dropped-artifact.yaml', expected: ['extra-keys-dropped:18'] },
  { file: 'bad/extra-keys-dropped-material.yaml', expected: ['extra-keys-dropped:9'] },
  { file: 'bad/filter-both-kinds.yaml', expected: ['filter-both-kinds:10'] },
  { file: 'bad/scm-destination-missing.yaml', expected: ['scm-destination-missing:10'] },
  { file: 'bad/stages-missing.yaml', expected: ['stages-missing:4'] },
  { file: 'bad/stage-null.yaml', expected: ['stage-null:10'] },
  { file: 'bad/stage-name-duplicate.yaml', expected: ['stage-name-duplicate:13'] },
  { file: 'bad/stage-without-jobs.yaml', expected: ['stage-without-jobs:10'] },
  { file: 'bad/approval-invalid.yaml', expected: ['approval-invalid:11'] },
  { file: 'bad/approval-invalid-value.yaml', expected: ['approval-invalid:11'] },
  { file: 'bad/job-name-duplicate.yaml', expected: ['job-name-duplicate:15'] },
  { file: 'bad/job-without-tasks.yaml', expected: ['job-without-tasks:12'] },
  { file: 'bad/artifact-invalid.yaml', expected: ['artifact-invalid:16'] },
  { file: 'bad/tabs-not-map.yaml', expected: ['tabs-not-map:15'] },
  { file: 'bad/resources-and-elastic-profile.yaml', expected: ['resources-and-elastic-profile:14'] },
  { file: 'bad/task-unknown-type.yaml', expected: ['task-unknown-type:12'] },
  { file: 'bad/task-without-command.yaml', expected: ['task-without-command:12'] },
  { file: 'bad/task-without-command-script.yaml', expected: ['task-without-command:12'] },
  { file: 'bad/run-if-invalid.yaml', expected: ['run-if-invalid:15'] },
];

const GOOD_FILES = ['good/minimal.yaml', 'good/complete.yaml', 'good/merge-keys.yaml', 'good/stage-level-tasks.yaml', 'good/script-plugin-run-if.yaml'];

describe('format rules', () => {
  for (const { file, expected } of FORMAT_CASES) {
    it(`${file} gives ${expected.join(', ')}`, () => {
      assert.deepEqual(summary(checkFiles([fixture(file)])), expected);
    });
  }

  for (const file of GOOD_FILES) {
    it(`${file} gives no finding`, () => {
      assert.deepEqual(summary(checkFiles([fixture(file)])), []);
    });
  }

  it('gives every finding a file, a message and a fix sentence', () => {
    const [finding] = checkFiles([fixture('bad/materials-not-map.yaml')]);
    assert.ok(finding);
    assert.equal(finding.file, fixture('bad/materials-not-map.yaml'));
    assert.match(finding.message, /materials of pipeline 'p' is a list/);
    assert.match(finding.fix, /^Write materials as a map/);
  });

  it('advises the plugin form for run_if beside a script: shorthand, which cannot carry it', () => {
    const [finding] = checkFiles([fixture('bad/extra-keys-dropped.yaml')]);
    assert.match(finding?.fix ?? '', /plugin: \{configuration: \{id: script-executor, version: 1\}.*run_if: \.\.\./);
  });

  it('reports a finding inside shared (anchored) stages once, not once per pipeline', () => {
    const file = fixture('bad/shared-stage-used-twice.yaml');
    assert.deepEqual(summary(checkFiles([file])), ['run-if-invalid:10']);
  });
});

describe('rules across files', () => {
  it('pipeline-name-duplicate: the same pipeline name (ignoring case) in two files', () => {
    const findings = checkFiles([fixture('good/minimal.yaml'), fixture('bad/pipeline-name-duplicate.yaml')]);
    assert.deepEqual(summary(findings), ['pipeline-name-duplicate:4']);
    assert.equal(findings[0]?.file, fixture('bad/pipeline-name-duplicate.yaml'));
  });

  it('format-version-mixed: a file without format_version (1) beside one with 10', () => {
    const findings = checkFiles([fixture('good/minimal.yaml'), fixture('bad/format-version-mixed.yaml')]);
    assert.deepEqual(summary(findings), ['format-version-mixed:1']);
    assert.equal(findings[0]?.file, fixture('bad/format-version-mixed.yaml'));
  });

  it('good files with distinct names and the same version give no finding together', () => {
    assert.deepEqual(summary(checkFiles([fixture('good/minimal.yaml'), fixture('good/complete.yaml')])), []);
  });
});

// ---------------------------------------------------------------------------------------------

describe('project rules (fixtures/project stands in for the repository)', () => {
  /**
   * @param {string} name  a pipelines file in fixtures/project
   */
  function checkProjectFile(name) {
    return checkFiles([path.join(projectRoot, name)], { projectRules: true, repoRoot: projectRoot });
  }

  it('pipelines.yaml (one pipeline per function, real paths and scripts) gives no finding', () => {
    assert.deepEqual(summary(checkProjectFile('pipelines.yaml')), []);
  });

  it('function-pipeline-missing: points at the function in serverless.yml and says what to add', () => {
    const findings = checkProjectFile('missing-pipeline.yaml');
    assert.deepEqual(summary(findings), ['function-pipeline-missing:15']);
    assert.equal(findings[0]?.file, path.join(projectRoot, 'final', 'serverless.yml'));
    assert.equal(findings[0]?.message,
      "function 'getSession' has no per-function pipeline: add a pipeline `session-api-getSession` in group `session-api` "
      + 'with FUNCTION_NAME: getSession, materials filtered to final/src/functions/getSession/**, and the shared stages `*function-stages`');
  });

  it('function-pipeline-duplicate: a second pipeline for the same function', () => {
    assert.deepEqual(summary(checkProjectFile('duplicate-pipeline.yaml')), ['function-pipeline-duplicate:24']);
  });

  it('function-pipeline-unknown: a pipeline for a function serverless.yml does not have', () => {
    assert.deepEqual(summary(checkProjectFile('unknown-function.yaml')), ['function-pipeline-unknown:25']);
  });

  it('filter-matches-nothing: a filter path with a typo', () => {
    assert.deepEqual(summary(checkProjectFile('filter-matches-nothing.yaml')), ['filter-matches-nothing:25']);
  });

  it('npm-script-missing: root, -w workspace, working_directory, and per-pipeline names', () => {
    const findings = checkProjectFile('npm-script-missing.yaml');
    assert.deepEqual(summary(findings), [
      'npm-script-missing:11', // npm run coverage (root package.json), line inside the script block
      'npm-script-missing:12', // npm run lint -w final
      'npm-script-missing:14', // exec npm start in working_directory final
      'npm-script-missing:17', // npm run deploy:$FUNCTION_NAME, for createSession
      'npm-script-missing:17', // ... and for getSession
    ]);
    assert.match(findings[3]?.message ?? '', /deploy:createSession.*session-api-createSession/);
  });

  it('serverless-functions-unreadable: the repository has no final/serverless.yml', () => {
    const repo = temporaryDirectory();
    const pipelines = path.join(repo, 'pipelines.yaml');
    writeFileSync(pipelines, 'format_version: 10\n');
    const findings = checkFiles([pipelines], { projectRules: true, repoRoot: repo });
    assert.deepEqual(summary(findings), ['serverless-functions-unreadable:1']);
    assert.equal(findings[0]?.file, path.join(repo, 'final', 'serverless.yml'));
  });

  it('format rules alone (no projectRules) ignore the project', () => {
    assert.deepEqual(summary(checkFiles([path.join(projectRoot, 'missing-pipeline.yaml')])), []);
  });
});

describe('the pipelines of an app elsewhere than final/ (a chapter, a learner\'s workspace/)', function () {
  this.timeout(20000);

  /**
   * A repository whose app lives in `folder`, with the app's own chapter.pipelines.yaml: the
   * project fixture, its paths moved from final/ to the folder, its npm calls given --prefix.
   * @param {string} folder
   * @param {(text: string) => string} [edit]  a change to the pipelines file
   */
  function repositoryWithApp(folder, edit = (text) => text) {
    const repo = temporaryDirectory();
    cpSync(path.join(projectRoot, 'final'), path.join(repo, folder), { recursive: true });
    writeFileSync(path.join(repo, 'package.json'), '{"private":true,"scripts":{"lint":"echo lint"}}\n');
    const text = readFileSync(path.join(projectRoot, 'pipelines.yaml'), 'utf8')
      .replaceAll('final/', `${folder}/`)
      .replaceAll('-w final', `--prefix ${folder}`)
      .replaceAll('working_directory: final', `working_directory: ${folder}`)
      .replaceAll('--workspace=gocd-fixture-api', `--prefix=${folder}`);
    const file = path.join(repo, folder, 'chapter.pipelines.yaml');
    writeFileSync(file, edit(text));
    return { repo, file };
  }

  it('the file describes the app in its folder; the root file describes final/', () => {
    assert.equal(appOfPipelinesFile('/repo/chapters/09-pipelines/chapter.pipelines.yaml', '/repo'), 'chapters/09-pipelines');
    assert.equal(appOfPipelinesFile('/repo/pipelines.gocd.yaml', '/repo'), 'final');
    const { repo, file } = repositoryWithApp('apps/demo');
    assert.deepEqual(pipelinesFileOfApp(path.join(repo, 'apps', 'demo'), repo), { file, exists: true });
    mkdirSync(path.join(repo, 'final'));
    assert.deepEqual(pipelinesFileOfApp(path.join(repo, 'final'), repo), { file: path.join(repo, 'pipelines.gocd.yaml'), exists: false });
    writeFileSync(path.join(repo, 'pipelines.gocd.yaml'), 'format_version: 10\n');
    assert.deepEqual(pipelinesFileOfApp(path.join(repo, 'final'), repo), { file: path.join(repo, 'pipelines.gocd.yaml'), exists: true });
    assert.equal(pipelinesFileOfApp(repo, repo).exists, false, 'the root itself is no app');
  });

  it('checks one pipeline per function of that app, its paths and its npm --prefix scripts', () => {
    const { repo, file } = repositoryWithApp('apps/demo');
    assert.deepEqual(summary(checkFiles([file], { projectRules: true, repoRoot: repo })), []);
    const missing = repositoryWithApp('apps/demo', (text) => text.replace(/ {2}session-api-getSession:[\s\S]*?stages: \*function-stages\n/, ''));
    const findings = checkFiles([missing.file], { projectRules: true, repoRoot: missing.repo });
    assert.deepEqual(summary(findings), ['function-pipeline-missing:15']);
    assert.equal(findings[0]?.file, path.join(missing.repo, 'apps', 'demo', 'serverless.yml'));
    assert.match(findings[0]?.message ?? '', /materials filtered to apps\/demo\/src\/functions\/getSession\/\*\*/);
  });

  it('npm --prefix DIR runs the scripts of DIR/package.json', () => {
    const { repo } = repositoryWithApp('apps/demo');
    assert.equal(findNpmProblem(parseNpmArguments(['--prefix', 'apps/demo', 'run', 'build']), repo), null);
    assert.match(findNpmProblem(parseNpmArguments(['--prefix', 'apps/demo', 'run', 'coverage']), repo)?.message ?? '', /no script 'coverage' in .*apps.demo.package\.json/);
    assert.match(findNpmProblem(parseNpmArguments(['--prefix', 'apps/nothing', 'run', 'build']), repo)?.message ?? '', /no package\.json in .*apps.nothing/);
  });

  it('pipelines-check --app DIR: an app git ignores is checked with its files on disk; an app without a file is told where to write it', () => {
    const { repo } = repositoryWithApp('workspace');
    writeFileSync(path.join(repo, '.gitignore'), 'workspace/\n');
    execFileSync('git', ['init', '--quiet'], { cwd: repo });
    execFileSync('git', ['add', '.'], { cwd: repo });
    const clean = runCli(['--app', 'workspace'], repo);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^1 GoCD config file checked: no problems found\.$/m);

    rmSync(path.join(repo, 'workspace', 'src', 'functions', 'getSession'), { recursive: true });
    const broken = runCli(['--app', 'workspace'], repo);
    assert.equal(broken.status, 1, broken.stdout + broken.stderr);
    assert.match(broken.stdout, /^workspace\/chapter\.pipelines\.yaml:\d+ {2}filter-matches-nothing {2}filter path 'workspace\/src\/functions\/getSession\/\*\*'/m);

    rmSync(path.join(repo, 'workspace', 'chapter.pipelines.yaml'));
    const none = runCli(['--app', 'workspace'], repo);
    assert.equal(none.status, 1);
    assert.match(none.stdout, /workspace\/chapter\.pipelines\.yaml: the app in workspace has no pipelines file yet/);
    assert.equal(runCli(['--app', '.'], repo).status, 2, 'a folder without serverless.yml is no app');
  });
});

describe('every rule is tested', () => {
  it('each rule id in RULES is expected by at least one test case above', () => {
    const tested = new Set([
      ...FORMAT_CASES.flatMap((c) => c.expected.map((e) => e.split(':')[0])),
      'pipeline-name-duplicate', 'format-version-mixed', 'serverless-functions-unreadable',
      'function-pipeline-missing', 'function-pipeline-duplicate', 'function-pipeline-unknown',
      'filter-matches-nothing', 'npm-script-missing',
    ]);
    assert.deepEqual(Object.keys(RULES).filter((rule) => !tested.has(rule)), []);
  });

  it('each rule id in RULES is described in README.md', () => {
    const readme = readFileSync(path.join(here, 'README.md'), 'utf8');
    assert.deepEqual(Object.keys(RULES).filter((rule) => !readme.includes(`\`${rule}\``)), []);
  });
});

// ---------------------------------------------------------------------------------------------

describe('helpers', () => {
  it('matchesGlob follows GoCD (Ant) patterns', () => {
    assert.equal(matchesGlob('final/src/functions/ping/handler.ts', 'final/src/functions/ping/**'), true);
    assert.equal(matchesGlob('final/src/functions/ping/handler.ts', 'final/src/functions/*/handler.ts'), true);
    assert.equal(matchesGlob('final/src/functions/ping/deep/handler.ts', 'final/src/functions/*/handler.ts'), false);
    assert.equal(matchesGlob('README.md', '**/*.md'), true); // ** also spans no folder at all
    assert.equal(matchesGlob('docs/a/b.md', '**/*.md'), true);
    assert.equal(matchesGlob('final/src/shared/db.ts', '/final/src/shared/'), true); // leading / ignored, trailing / = everything below
    assert.equal(matchesGlob('final/src/sharedx/db.ts', 'final/src/shared/**'), false);
    assert.equal(matchesGlob('pipelines.gocd.yaml', '**/*.gocd.yaml'), true);
    assert.equal(matchesGlob('pipelines.gocd.yaml', '**/*.gocd.yml'), false);
  });

  it('shellCommands splits scripts into commands, with their line', () => {
    assert.deepEqual(shellCommands('npm ci && npm run lint # check\nCI=true npm test -- --grep "a b"'), [
      { words: ['npm', 'ci'], line: 0 },
      { words: ['npm', 'run', 'lint'], line: 0 },
      { words: ['npm', 'test', '--', '--grep', 'a b'], line: 1 },
    ]);
  });

  it('parseNpmArguments finds the script, the workspace and the --prefix folder', () => {
    assert.deepEqual(parseNpmArguments(['run', 'build', '-w', 'final', '--', '--watch']),
      { script: 'build', workspace: 'final', prefix: undefined, ifPresent: false });
    assert.deepEqual(parseNpmArguments(['--workspace=final', 'test']), { script: 'test', workspace: 'final', prefix: undefined, ifPresent: false });
    assert.deepEqual(parseNpmArguments(['--prefix', 'chapters/09-pipelines', 'run', 'coverage', '--', '--function', 'ping']),
      { script: 'coverage', workspace: undefined, prefix: 'chapters/09-pipelines', ifPresent: false });
    assert.equal(parseNpmArguments(['run', 'lint', '--prefix=workspace']).prefix, 'workspace');
    assert.equal(parseNpmArguments(['run', 'typecheck', '--if-present']).ifPresent, true);
    assert.equal(parseNpmArguments(['ci']).script, null);
  });
});

describe('finding the files a GoCD server would load', () => {
  /**
   * @param {string} root
   * @param {string[]} files
   */
  function writeFiles(root, files) {
    for (const file of files) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), 'format_version: 10\n');
    }
  }

  it('outside git: walks the folder, skipping node_modules', () => {
    const root = temporaryDirectory();
    writeFiles(root, ['a.gocd.yaml', 'ci/b.gocd.yml', 'node_modules/pkg/c.gocd.yaml', 'd.yaml', 'e.gocd.yaml.bak']);
    assert.deepEqual(findConfigFiles(root).sort(), ['a.gocd.yaml', 'ci/b.gocd.yml']);
  });

  it('inside git: only files git tracks count', () => {
    const root = temporaryDirectory();
    writeFiles(root, ['tracked.gocd.yaml', 'untracked.gocd.yaml']);
    execFileSync('git', ['init', '--quiet'], { cwd: root });
    execFileSync('git', ['add', 'tracked.gocd.yaml'], { cwd: root });
    assert.deepEqual(findConfigFiles(root), ['tracked.gocd.yaml']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('command line', function () {
  this.timeout(20000); // each case starts node (and git)

  it('exits 0 on a good file', () => {
    const result = runCli([fixture('good/complete.yaml')]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /1 GoCD config file checked: no problems found\./);
  });

  it('exits 1 on a bad file and prints FILE:LINE  rule  message, then the fix', () => {
    const file = fixture('bad/materials-not-map.yaml');
    const result = runCli([file]);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`^${escapeRegExp(file)}:6  materials-not-map  .+\\n    fix: Write materials as a map`, 'm'));
    assert.match(result.stdout, /1 problem in 1 file\.$/m);
  });

  it('exits 2 on a missing file', () => {
    const result = runCli([fixture('bad/no-such-file.yaml')]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /cannot read .*no-such-file\.yaml/);
  });

  it('exits 2 on an unknown option', () => {
    assert.equal(runCli(['--fix']).status, 2);
  });

  it('without FILE: checks the tracked *.gocd.yaml of the repository with the project rules', () => {
    const repo = temporaryDirectory();
    cpSync(projectRoot, repo, { recursive: true });
    cpSync(path.join(projectRoot, 'pipelines.yaml'), path.join(repo, 'pipelines.gocd.yaml'));
    execFileSync('git', ['init', '--quiet'], { cwd: repo });
    execFileSync('git', ['add', '.'], { cwd: repo });
    // Untracked: GoCD only sees what is committed, so this one must not count.
    cpSync(path.join(projectRoot, 'missing-pipeline.yaml'), path.join(repo, 'draft.gocd.yaml'));

    const clean = runCli([], repo);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^1 GoCD config file checked: no problems found\.$/m);

    execFileSync('git', ['add', 'draft.gocd.yaml'], { cwd: repo });
    const withDraft = runCli([], repo);
    assert.equal(withDraft.status, 1, withDraft.stdout + withDraft.stderr);
    // Both files now define session-api-createSession, and it is a second pipeline for it.
    assert.match(withDraft.stdout, /^pipelines\.gocd\.yaml:\d+ {2}pipeline-name-duplicate /m);
    assert.match(withDraft.stdout, /function-pipeline-duplicate/);
  });
});

/**
 * @param {string} text
 * @returns {string}
 */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
