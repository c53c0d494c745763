// @ts-check
/**
 * Reads a GoCD YAML config file into plain objects that `run-pipeline.mjs` can run: anchors,
 * aliases and merge keys resolved, shorthands expanded (stage-level `tasks` become one job named
 * after the stage, `approval: manual` becomes `{type: 'manual'}`), values as strings.
 *
 * It trusts the file's shape: `npm run pipelines:check` (check.mjs) is what finds mistakes.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

/** @typedef {'passed' | 'failed' | 'any'} RunIf */

/**
 * @typedef {{type: 'script', text: string, runIf: RunIf}
 *   | {type: 'exec', command: string, args: string[], workingDirectory: string, runIf: RunIf}
 *   | {type: 'fetch', pipeline: string, stage: string, job: string, source: string, destination: string, isFile: boolean, runIf: RunIf}
 *   | {type: 'unsupported', kind: string, runIf: RunIf}} Task
 */

/**
 * @typedef {object} Artifact
 * @property {'build' | 'test' | 'external'} type
 * @property {string} source       a path in the job's workspace (a file, a folder or a pattern)
 * @property {string} destination  a folder in the job's artifacts ('' = the top)
 */

/**
 * @typedef {object} Job
 * @property {string} name
 * @property {Record<string, string>} environment
 * @property {string[]} secureVariables  names only: their values are encrypted on the server
 * @property {Task[]} tasks
 * @property {Artifact[]} artifacts
 * @property {Record<string, string>} tabs  tab name -> path inside the job's artifacts
 * @property {number | undefined} timeout  minutes without console output before GoCD cancels
 *   the job (undefined: the server's default)
 */

/**
 * @typedef {object} Stage
 * @property {string} name
 * @property {'success' | 'manual'} approval
 * @property {boolean} cleanWorkspace
 * @property {Record<string, string>} environment
 * @property {string[]} secureVariables
 * @property {Job[]} jobs
 */

/**
 * @typedef {object} Material
 * @property {string} name
 * @property {string} type         git, pipeline, ...
 * @property {string} destination  folder of the checkout in the workspace ('' = the top)
 */

/**
 * @typedef {object} Pipeline
 * @property {string} name
 * @property {string} labelTemplate
 * @property {Record<string, string>} environment
 * @property {string[]} secureVariables
 * @property {Material[]} materials
 * @property {Stage[]} stages
 */

/** @typedef {Record<string, unknown>} Dict */

/**
 * @param {string} file  a GoCD YAML config file
 * @returns {Pipeline[]}
 */
export function loadPipelines(file) {
  // YAML 1.1 with merge keys, as the GoCD YAML plugin reads it.
  const doc = parseDocument(readFileSync(file, 'utf8'), { version: '1.1', merge: true });
  if (doc.errors.length > 0) throw new Error(`${file} is not valid YAML (run npm run pipelines:check): ${doc.errors[0]?.message}`);
  const root = asDict(doc.toJS({ maxAliasCount: -1 }));
  return Object.entries(asDict(root.pipelines)).map(([name, value]) => readPipeline(name, asDict(value)));
}

/**
 * Finds a pipeline by its full name, or by the end of its name: `createSession` finds
 * `session-api-createSession` when exactly one pipeline name ends with `-createSession`.
 * @param {Pipeline[]} pipelines
 * @param {string} name
 * @returns {Pipeline}
 */
export function findPipeline(pipelines, name) {
  const exact = pipelines.find((pipeline) => pipeline.name === name);
  if (exact) return exact;
  const bySuffix = pipelines.filter((pipeline) => pipeline.name.endsWith(`-${name}`));
  if (bySuffix.length === 1 && bySuffix[0]) return bySuffix[0];
  const names = pipelines.map((pipeline) => pipeline.name).join(', ');
  throw new Error(bySuffix.length > 1
    ? `'${name}' could be ${bySuffix.map((pipeline) => pipeline.name).join(' or ')}: give the full name`
    : `no pipeline '${name}'; pipelines: ${names}`);
}

/**
 * The environment variables of a job as GoCD merges them: the job's override the stage's,
 * which override the pipeline's.
 * @param {Pipeline} pipeline
 * @param {Stage} stage
 * @param {Job} job
 * @returns {Record<string, string>}
 */
export function mergedEnvironment(pipeline, stage, job) {
  return { ...pipeline.environment, ...stage.environment, ...job.environment };
}

/**
 * @param {string} name
 * @param {Dict} value
 * @returns {Pipeline}
 */
function readPipeline(name, value) {
  return {
    name,
    labelTemplate: value.label_template === undefined ? '${COUNT}' : String(value.label_template),
    environment: readVariables(value.environment_variables),
    secureVariables: Object.keys(asDict(value.secure_variables)),
    materials: Object.entries(asDict(value.materials)).map(([materialName, material]) => readMaterial(materialName, asDict(material))),
    stages: asList(value.stages).map((item) => readStage(asDict(item))),
  };
}

/**
 * @param {string} name
 * @param {Dict} value
 * @returns {Material}
 */
function readMaterial(name, value) {
  const type = ['git', 'svn', 'hg', 'p4', 'pipeline', 'scm', 'package'].find((key) => key in value) ?? String(value.type ?? 'git');
  return { name, type, destination: value.destination === undefined ? '' : String(value.destination) };
}

/**
 * @param {Dict} item  `{stageName: {...}}`
 * @returns {Stage}
 */
function readStage(item) {
  const [name = '', rawBody] = Object.entries(item)[0] ?? [];
  const body = asDict(rawBody);
  const approval = typeof body.approval === 'object' && body.approval !== null ? asDict(body.approval).type : body.approval;
  // Without `jobs`, the stage's `tasks` (and job keys) make one job named after the stage.
  const jobs = body.jobs === undefined
    ? [readJob(name, body)]
    : Object.entries(asDict(body.jobs)).map(([jobName, job]) => readJob(jobName, asDict(job)));
  return {
    name,
    approval: String(approval ?? 'success') === 'manual' ? 'manual' : 'success',
    cleanWorkspace: isTrue(body.clean_workspace),
    environment: readVariables(body.environment_variables),
    secureVariables: Object.keys(asDict(body.secure_variables)),
    jobs,
  };
}

/**
 * @param {string} name
 * @param {Dict} body
 * @returns {Job}
 */
function readJob(name, body) {
  return {
    name,
    environment: readVariables(body.environment_variables),
    secureVariables: Object.keys(asDict(body.secure_variables)),
    tasks: asList(body.tasks).flat(Infinity).map((task) => readTask(asDict(task))),
    artifacts: asList(body.artifacts).map((item) => readArtifact(asDict(item))),
    tabs: readVariables(body.tabs),
    timeout: body.timeout === undefined || Number(body.timeout) <= 0 ? undefined : Number(body.timeout),
  };
}

/**
 * @param {Dict} item  `{script: '...'}`, `{exec: {...}}`, `{fetch: {...}}`, ...
 * @returns {Task}
 */
function readTask(item) {
  const [kind = '', rawBody] = Object.entries(item)[0] ?? [];
  const body = asDict(rawBody);
  const runIfText = String(body.run_if ?? item.run_if ?? 'passed');
  /** @type {RunIf} */
  const runIf = runIfText === 'failed' || runIfText === 'any' ? runIfText : 'passed';
  if (kind === 'script') return { type: 'script', text: String(rawBody ?? ''), runIf };
  if (kind === 'exec') {
    return {
      type: 'exec',
      command: String(body.command ?? ''),
      args: asList(body.arguments).map(String),
      workingDirectory: String(body.working_directory ?? ''),
      runIf,
    };
  }
  if (kind === 'fetch') {
    return {
      type: 'fetch',
      pipeline: String(body.pipeline ?? ''),
      stage: String(body.stage ?? ''),
      job: String(body.job ?? ''),
      source: String(body.source ?? ''),
      destination: String(body.destination ?? ''),
      isFile: isTrue(body.is_file),
      runIf,
    };
  }
  return { type: 'unsupported', kind, runIf };
}

/**
 * @param {Dict} item  `{build: {source, destination}}` or `{test: {...}}`
 * @returns {Artifact}
 */
function readArtifact(item) {
  const [kind = 'build', rawBody] = Object.entries(item)[0] ?? [];
  const body = asDict(rawBody);
  return {
    type: kind === 'test' ? 'test' : kind === 'external' ? 'external' : 'build',
    source: String(body.source ?? ''),
    destination: String(body.destination ?? ''),
  };
}

/**
 * @param {unknown} value  a map of name to value
 * @returns {Record<string, string>}
 */
function readVariables(value) {
  return Object.fromEntries(Object.entries(asDict(value)).map(([name, variable]) => [name, variable === null ? '' : String(variable)]));
}

/**
 * GoCD reads true/yes/on (any case) as true.
 * @param {unknown} value
 * @returns {boolean}
 */
function isTrue(value) {
  return value === true || /^(true|yes|on)$/i.test(String(value ?? ''));
}

/**
 * @param {unknown} value
 * @returns {Dict}
 */
function asDict(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? /** @type {Dict} */ (value) : {};
}

/**
 * @param {unknown} value
 * @returns {unknown[]}
 */
function asList(value) {
  return Array.isArray(value) ? value : [];
}
