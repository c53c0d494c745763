#!/usr/bin/env node
// @ts-check
/**
 * The repository's own checker of GoCD YAML config files (`*.gocd.yaml`).
 *
 * No GoCD server or YAML config plugin can run in this workshop, so this file encodes what they
 * would reject (the "format rules", from the plugin's documented behaviour) and what this project
 * expects of its per-function pipelines (the "project rules"). Every rule reports a finding
 * `{file, line, rule, message, fix}` pointing at the line to change.
 *
 * Usage:
 *   pipelines-check            every *.gocd.yaml / *.gocd.yml the GoCD server would load from
 *                              this repository: format + project rules (npm run pipelines:check)
 *   pipelines-check --app DIR  the pipelines file of the app in DIR (DIR/chapter.pipelines.yaml;
 *                              final/'s is the root pipelines.gocd.yaml): format + project rules
 *                              for that app (`npm run pipelines:check` in an app's folder)
 *   pipelines-check FILE...    the given files: format rules only (with --app DIR: and the
 *                              project rules for the app in DIR)
 *
 * Exit code: 0 no findings, 1 findings, 2 usage error (for example a missing file).
 *
 * This file is the command line and `checkFiles`; the rules live in the modules beside it:
 *   rules.mjs            every rule id (`RULES`) and the shape of a finding
 *   yaml-nodes.mjs       reading YAML as the plugin does (aliases, merge keys, scalars as text)
 *   format-file.mjs      format rules of a whole file, its top level, and across files
 *   format-pipeline.mjs  format rules of a pipeline and its materials
 *   format-stages.mjs    format rules of stages and approvals
 *   format-jobs.mjs      format rules of jobs, artifacts and tasks
 *   format-values.mjs    format rules of single fields: booleans, integers, names, kinds
 *   project-rules.mjs    this project's rules: one pipeline per function, filters, npm scripts
 *   app-pipelines.mjs    which app a pipelines file describes, and the pipelines file of an app
 *   npm-commands.mjs     the npm calls in a task, and the package.json script each one runs
 *   repo-files.mjs       the files of the repository, and GoCD's path patterns
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { APP_PIPELINES_FILE, appPath, gitTopLevel, pipelinesFileOfApp } from './app-pipelines.mjs';
import { checkAcrossFiles, checkOneFile } from './format-file.mjs';
import { checkProject } from './project-rules.mjs';
import { findConfigFiles } from './repo-files.mjs';
import { sortAndDeduplicate } from './rules.mjs';

/** @typedef {import('./rules.mjs').Finding} Finding */

/**
 * @typedef {object} CheckOptions
 * @property {boolean} [projectRules]  also apply this project's rules (see `checkProject`)
 * @property {string} [repoRoot]       the repository the project rules look at (default: cwd)
 * @property {string} [app]            the app the files describe, relative to repoRoot
 *   (default: each file's own, see app-pipelines.mjs)
 */

/**
 * Checks GoCD YAML config files and returns every finding, sorted by file and line.
 * Throws if a file cannot be read.
 *
 * @param {string[]} files  paths of the files, relative to the current directory or absolute
 * @param {CheckOptions} [options]
 * @returns {Finding[]}
 */
export function checkFiles(files, options = {}) {
  const contexts = files.map((file) => checkOneFile(file, readFileSync(file, 'utf8')));
  const findings = contexts.flatMap((ctx) => ctx.findings);
  findings.push(...checkAcrossFiles(contexts));
  if (options.projectRules) {
    const pipelines = contexts.flatMap((ctx) => ctx.pipelines);
    findings.push(...checkProject(pipelines, options.repoRoot ?? '.', { files, ...(options.app === undefined ? {} : { app: options.app }) }));
  }
  return sortAndDeduplicate(findings);
}

const USAGE = `usage: pipelines-check [--app DIR] [FILE...]

  no FILE    check every *.gocd.yaml / *.gocd.yml that git tracks in this repository,
             with the GoCD format rules and this project's rules
  --app DIR  check the pipelines file of the app in DIR (DIR/${APP_PIPELINES_FILE}; for final/,
             the repository's pipelines.gocd.yaml) with the format rules and the project
             rules for that app
  FILE...    check the given files with the GoCD format rules only (with --app DIR: and the
             project rules for the app in DIR)

exit code: 0 no findings, 1 findings (or no pipelines file for the app), 2 usage error`;

/**
 * @param {string[]} args  the command-line arguments
 * @returns {number} the exit code
 */
export function main(args) {
  /** @type {{values: {app?: string | undefined, help?: boolean | undefined}, positionals: string[]}} */
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { app: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const missing = positionals.find((file) => !existsSync(file) || !statSync(file).isFile());
  if (missing) return usageError(`cannot read ${missing}: no such file`);

  if (values.app !== undefined) return checkApp(values.app, positionals);
  const checkRepository = positionals.length === 0;
  const repoRoot = checkRepository ? findRepoRoot() : '.';
  const files = checkRepository ? findConfigFiles(repoRoot).map((file) => path.join(repoRoot, file)) : positionals;
  const findings = checkFiles(files, { projectRules: checkRepository, repoRoot });
  printFindings(findings, files);
  if (checkRepository && files.length === 0) {
    console.log('note: only files tracked by git count (a GoCD server sees commits); `git add` a new *.gocd.yaml to check it.');
  }
  return findings.length > 0 ? 1 : 0;
}

/**
 * `--app DIR`: the app's pipelines file (or the given files), with the project rules for it.
 * @param {string} appDir
 * @param {string[]} files
 * @returns {number} the exit code
 */
function checkApp(appDir, files) {
  if (!existsSync(path.join(appDir, 'serverless.yml'))) return usageError(`${appDir} is not an app folder: it has no serverless.yml`);
  let top;
  try {
    top = gitTopLevel(appDir);
  } catch {
    return usageError(`${appDir} is not in a git repository: a pipelines file describes a folder of one`);
  }
  const repoRoot = path.relative(process.cwd(), top) || '.';
  const own = pipelinesFileOfApp(appDir, top);
  if (files.length === 0 && !own.exists) {
    console.log(`${path.relative(process.cwd(), own.file)}: the app in ${appDir} has no pipelines file yet. Write its pipelines there (${APP_PIPELINES_FILE}).`);
    return 1;
  }
  const checked = files.length > 0 ? files : [path.relative(process.cwd(), own.file)];
  const findings = checkFiles(checked, { projectRules: true, repoRoot, app: appPath(appDir, top) });
  printFindings(findings, checked);
  return findings.length > 0 ? 1 : 0;
}

/**
 * @param {string} message
 * @returns {number}
 */
function usageError(message) {
  console.error(`pipelines-check: ${message}\n\n${USAGE}`);
  return 2;
}

/**
 * @returns {string} the top of the git work tree around the current directory, relative to it
 *   ('.' there, or when not in a git repository)
 */
function findRepoRoot() {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return path.relative(process.cwd(), top) || '.';
  } catch {
    return '.';
  }
}

/**
 * @param {Finding[]} findings
 * @param {string[]} files
 */
function printFindings(findings, files) {
  for (const finding of findings) {
    console.log(`${finding.file}:${finding.line}  ${finding.rule}  ${finding.message}\n    fix: ${finding.fix}`);
  }
  const checked = `${files.length} GoCD config file${files.length === 1 ? '' : 's'} checked`;
  if (findings.length === 0) {
    console.log(`${checked}: no problems found.`);
    return;
  }
  const withFindings = new Set(findings.map((finding) => finding.file)).size;
  console.log(`${checked}: ${findings.length} problem${findings.length === 1 ? '' : 's'} in ${withFindings} file${withFindings === 1 ? '' : 's'}.`);
}
