// @ts-check
/**
 * The rules of this repository, applied when `npm run pipelines:check` checks it as a whole, or
 * an app's own pipelines file (`pipelines-check --app DIR`): one pipeline per Lambda function of
 * the app the file describes (app-pipelines.mjs: final/ for the root file), filters that match
 * real files, and npm scripts that exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { findNpmProblem, npmCallsOf, parseNpmArguments, substituteVariables } from './npm-commands.mjs';
import { appOfPipelinesFile } from './app-pipelines.mjs';
import { listFilesOnDisk, listRepoFiles, matchesGlob } from './repo-files.mjs';
import { finding } from './rules.mjs';
import { scalarText } from './yaml-nodes.mjs';

/** @typedef {import('./yaml-nodes.mjs').PipelineInfo} PipelineInfo */
/** @typedef {import('./rules.mjs').Finding} Finding */

const PROJECT = {
  /** The app's service definition and its functions' folders, relative to the app's folder. */
  serverlessFile: 'serverless.yml',
  functionsDir: 'src/functions',
  pipelinePrefix: 'session-api-',
  group: 'session-api',
  stagesAnchor: 'function-stages',
  /** A pipeline is "per-function" when it sets this variable at pipeline level. */
  functionVariable: 'FUNCTION_NAME',
};

/**
 * The rules of this repository: one pipeline per Lambda function, filters that match real
 * files, and npm scripts that exist.
 * @param {PipelineInfo[]} pipelines
 * @param {string} repoRoot
 * @param {{app?: string, files?: string[]}} [options]  `app`: the app the pipelines describe,
 *   relative to repoRoot (default: each file's own, see appOfPipelinesFile); `files`: the files
 *   checked, so that a file without any pipeline still has its app's functions checked
 * @returns {Finding[]}
 */
export function checkProject(pipelines, repoRoot, options = {}) {
  /** @type {Map<string, PipelineInfo[]>} app -> the pipelines that describe it */
  const byApp = new Map();
  for (const file of options.files ?? []) byApp.set(options.app ?? appOfPipelinesFile(file, repoRoot), []);
  for (const pipeline of pipelines) {
    const app = options.app ?? appOfPipelinesFile(pipeline.file, repoRoot);
    byApp.set(app, [...(byApp.get(app) ?? []), pipeline]);
  }
  const repoFiles = listRepoFiles(repoRoot);
  // An app git does not track at all (a learner's copy in workspace/): its files on disk.
  for (const app of byApp.keys()) {
    if (!repoFiles.some((file) => file.startsWith(`${app}/`))) repoFiles.push(...listFilesOnDisk(repoRoot, app));
  }
  return [
    ...[...byApp].flatMap(([app, described]) => checkFunctionPipelines(described, repoRoot, app)),
    ...pipelines.flatMap((pipeline) => checkFilterPaths(pipeline, repoFiles)),
    ...pipelines.flatMap((pipeline) => checkNpmScripts(pipeline, repoRoot)),
  ];
}

/**
 * Reads the Lambda function names (the keys of `functions:`) from the app's serverless.yml.
 * Serverless variables such as `${sls:stage}` are plain strings to YAML, so they need no care.
 * @param {string} repoRoot
 * @param {string} serverlessFile  relative to repoRoot
 * @returns {{functions: {name: string, line: number}[], findings: Finding[]}}
 */
function readServerlessFunctions(repoRoot, serverlessFile) {
  const file = path.join(repoRoot, serverlessFile);
  /** @param {number} line @param {string} message @returns {{functions: never[], findings: Finding[]}} */
  const failure = (line, message) => ({
    functions: [],
    findings: [finding(file, line, 'serverless-functions-unreadable', message,
      `Give ${serverlessFile} a \`functions:\` map written inline (function name to definition).`)],
  });
  if (!existsSync(file)) return failure(1, `${serverlessFile} does not exist, so the per-function pipelines cannot be checked`);
  const lineCounter = new LineCounter();
  // CloudFormation short tags (!Ref, !GetAtt) are unknown to YAML; they only produce warnings.
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
  const functions = isMap(doc.contents) ? doc.contents.get('functions', true) : undefined;
  if (doc.errors.length > 0 || !isMap(functions)) {
    return failure(1, `${serverlessFile} has no readable \`functions:\` map`);
  }
  return {
    functions: functions.items.filter((pair) => isScalar(pair.key)).map((pair) => ({
      name: scalarText(/** @type {import('yaml').Scalar} */ (pair.key)),
      line: lineCounter.linePos(/** @type {import('yaml').Scalar} */ (pair.key).range?.[0] ?? 0).line,
    })),
    findings: [],
  };
}

/**
 * Each Lambda function of the app has exactly one per-function pipeline (a pipeline that sets
 * FUNCTION_NAME), and no per-function pipeline names a function that does not exist.
 * @param {PipelineInfo[]} pipelines
 * @param {string} repoRoot
 * @param {string} app  the app's folder, relative to repoRoot
 * @returns {Finding[]}
 */
function checkFunctionPipelines(pipelines, repoRoot, app) {
  const serverlessPath = path.posix.join(app, PROJECT.serverlessFile);
  const functionsDir = path.posix.join(app, PROJECT.functionsDir);
  const { functions, findings } = readServerlessFunctions(repoRoot, serverlessPath);
  if (findings.length > 0) return findings;
  const serverlessFile = path.join(repoRoot, serverlessPath);
  const functionNames = new Set(functions.map((f) => f.name));
  /** @type {Map<string, PipelineInfo>} */
  const pipelineByFunction = new Map();
  for (const pipeline of pipelines) {
    const variable = pipeline.environment.get(PROJECT.functionVariable);
    if (!variable) continue;
    const name = variable.value;
    const earlier = pipelineByFunction.get(name);
    if (!functionNames.has(name)) {
      findings.push(finding(pipeline.file, variable.line, 'function-pipeline-unknown',
        `pipeline '${pipeline.name}' is for function '${name}', which is not in ${serverlessPath}`,
        `Remove pipeline '${pipeline.name}', or correct ${PROJECT.functionVariable} to the name of a function under \`functions:\` in ${serverlessPath}.`));
    } else if (earlier) {
      findings.push(finding(pipeline.file, variable.line, 'function-pipeline-duplicate',
        `function '${name}' already has the pipeline '${earlier.name}' (${earlier.file}:${earlier.line}); '${pipeline.name}' is a second one`,
        `Keep one pipeline per function: remove pipeline '${pipeline.name}' or merge it into '${earlier.name}'.`));
    } else {
      pipelineByFunction.set(name, pipeline);
    }
  }
  for (const fn of functions) {
    if (pipelineByFunction.has(fn.name)) continue;
    const recipe = `a pipeline \`${PROJECT.pipelinePrefix}${fn.name}\` in group \`${PROJECT.group}\` with ${PROJECT.functionVariable}: ${fn.name}, `
      + `materials filtered to ${functionsDir}/${fn.name}/**, and the shared stages \`*${PROJECT.stagesAnchor}\``;
    findings.push(finding(serverlessFile, fn.line, 'function-pipeline-missing',
      `function '${fn.name}' has no per-function pipeline: add ${recipe}`,
      `Add that pipeline to the *.gocd.yaml file, next to the other per-function pipelines (copy one and replace its function name).`));
  }
  return findings;
}

/**
 * A filter path that matches no file is a typo or a leftover: it silently stops a pipeline from
 * triggering (includes) or from ignoring what it should (ignore).
 * @param {PipelineInfo} pipeline
 * @param {string[]} repoFiles
 * @returns {Finding[]}
 */
function checkFilterPaths(pipeline, repoFiles) {
  return pipeline.filters
    .filter((filter) => !repoFiles.some((file) => matchesGlob(file, filter.pattern)))
    .map((filter) => finding(pipeline.file, filter.line, 'filter-matches-nothing',
      `filter path '${filter.pattern}' matches no file in the repository`,
      'Correct the path so that it matches files that exist (patterns are relative to the repository root; `**` spans folders, `*` stays in one).'));
}

/**
 * Every `npm run X`, `npm test` or `npm start` a task runs names a script of the package.json
 * it will use (the root one, a workspace's with `-w`, or the one in working_directory).
 * @param {PipelineInfo} pipeline
 * @param {string} repoRoot
 * @returns {Finding[]}
 */
function checkNpmScripts(pipeline, repoRoot) {
  /** @type {Finding[]} */
  const findings = [];
  for (const command of pipeline.commands) {
    for (const call of npmCallsOf(command)) {
      const argv = call.argv.map((word) => substituteVariables(word, pipeline.environment));
      const problem = findNpmProblem(parseNpmArguments(argv), path.join(repoRoot, call.workingDirectory));
      if (!problem) continue;
      // Name the pipeline only when its variables changed the command: a task shared by every
      // pipeline (through an anchor) is then reported once, not once per pipeline.
      const substituted = argv.join(' ') !== call.argv.join(' ');
      const context = substituted ? ` (in pipeline '${pipeline.name}')` : '';
      findings.push(finding(pipeline.file, call.line, 'npm-script-missing',
        `\`npm ${argv.join(' ')}\`${context}: ${problem.message}`, problem.fix));
    }
  }
  return findings;
}
