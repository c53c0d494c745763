// @ts-check
/**
 * The GoCD YAML plugin's rules for jobs, their artifacts and their tasks. Each task's command
 * (a `script:` text or an `exec`) is recorded on the pipeline for the project rules.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { checkBooleans, checkInteger, expectList, expectMap, reportDroppedKeys, reportWrongType } from './format-values.mjs';
import { getEntry, lineOf, mapEntries, report, resolve, scalarText } from './yaml-nodes.mjs';

/** @typedef {import('./yaml-nodes.mjs').Entry} Entry */
/** @typedef {import('./yaml-nodes.mjs').FileContext} FileContext */
/** @typedef {import('./yaml-nodes.mjs').PipelineInfo} PipelineInfo */
/** @typedef {import('./yaml-nodes.mjs').YamlNode} YamlNode */
/** @typedef {import('./yaml-nodes.mjs').YamlSeq} YamlSeq */

const RUN_IF_VALUES = ['passed', 'failed', 'any'];

/** `script` is the bundled script-executor plugin; ant, nant and rake are GoCD's built-in tasks. */
const TASK_TYPES = ['script', 'exec', 'fetch', 'plugin', 'ant', 'nant', 'rake'];
const ARTIFACT_TYPES = ['build', 'test', 'external'];

/**
 * @param {FileContext} ctx
 * @param {Entry} job  `name: {...}` under `jobs:` (or a stage with stage-level tasks)
 * @param {PipelineInfo} info
 */
export function checkJob(ctx, job, info) {
  const where = `job '${job.key}'`;
  if (job.value !== null && !expectMap(ctx, job, where, 'a map with tasks')) return;
  const entries = isMap(job.value) ? mapEntries(ctx, job.value) : [];
  const tasks = getEntry(entries, 'tasks');
  const taskItems = tasks && isSeq(tasks.value) ? flattenTasks(ctx, tasks.value) : [];
  if (taskItems.length === 0) {
    report(ctx, lineOf(ctx, tasks?.keyNode ?? job.keyNode), 'job-without-tasks', `tasks are required in a job: ${where} has none`,
      `Add a \`tasks:\` list with at least one task (e.g. \`- script: npm test\`) to ${where}.`);
  }
  for (const task of taskItems) checkTask(ctx, task, info, 0);
  checkArtifacts(ctx, getEntry(entries, 'artifacts'));
  const tabs = getEntry(entries, 'tabs');
  if (tabs?.value && !isMap(tabs.value)) {
    report(ctx, lineOf(ctx, tabs.keyNode), 'tabs-not-map', `tabs of ${where} must be a map of tab name to a path in the artifacts`,
      'Write tabs as a map, e.g. `tabs: {coverage: coverage/index.html}`.');
  }
  const resources = getEntry(entries, 'resources');
  const elasticProfile = getEntry(entries, 'elastic_profile_id');
  if (resources && elasticProfile) {
    report(ctx, lineOf(ctx, elasticProfile.keyNode), 'resources-and-elastic-profile',
      `${where} has both resources and elastic_profile_id; the server accepts only one`,
      'Keep either `resources` (static agents) or `elastic_profile_id` (elastic agents) in this job.');
  }
  const timeout = getEntry(entries, 'timeout');
  if (timeout) checkInteger(ctx, timeout, 'timeout');
  const runInstances = getEntry(entries, 'run_instances');
  if (runInstances && !(isScalar(runInstances.value) && scalarText(runInstances.value) === 'all')) {
    checkInteger(ctx, runInstances, 'run_instances', "or 'all'");
  }
}

/**
 * Nested lists of tasks are flattened by the plugin (handy to splice shared task lists in).
 * @param {FileContext} ctx
 * @param {YamlSeq} list
 * @returns {YamlNode[]}
 */
function flattenTasks(ctx, list) {
  return list.items.flatMap((item) => {
    const node = resolve(ctx, item);
    if (isSeq(node)) return flattenTasks(ctx, node);
    return node ? [node] : [];
  });
}

/**
 * @param {FileContext} ctx
 * @param {Entry | undefined} entry  the `artifacts:` entry
 */
function checkArtifacts(ctx, entry) {
  if (!entry?.value || !expectList(ctx, entry, 'artifacts', 'a list of `- build: {source: ...}` items')) return;
  for (const item of /** @type {YamlSeq} */ (entry.value).items) {
    const node = resolve(ctx, item);
    if (!isMap(node)) continue;
    const [artifact, ...extras] = mapEntries(ctx, node);
    if (!artifact) continue;
    reportDroppedKeys(ctx, extras, `artifact '${artifact.key}'`);
    checkArtifact(ctx, artifact);
  }
}

/**
 * @param {FileContext} ctx
 * @param {Entry} artifact  `build: {...}`, `test: {...}` or `external: {...}`
 */
function checkArtifact(ctx, artifact) {
  const line = lineOf(ctx, artifact.keyNode);
  if (!ARTIFACT_TYPES.includes(artifact.key)) {
    report(ctx, line, 'artifact-invalid', `unknown artifact type '${artifact.key}'`,
      'Use `build:`, `test:` or `external:` as the artifact type.');
    return;
  }
  const fields = isMap(artifact.value) ? mapEntries(ctx, artifact.value) : [];
  const required = artifact.key === 'external' ? ['id', 'store_id'] : ['source'];
  const missing = required.filter((key) => !getEntry(fields, key));
  if (missing.length === 0) return;
  report(ctx, line, 'artifact-invalid', `${artifact.key} artifact has no ${missing.join(' or ')}`,
    `Add ${missing.map((key) => `\`${key}:\``).join(' and ')} to this ${artifact.key} artifact, indented under \`${artifact.key}:\`.`);
}

/**
 * A task is a single-key map whose key is its type.
 * @param {FileContext} ctx
 * @param {YamlNode} node
 * @param {PipelineInfo} info
 * @param {number} depth  on_cancel nesting, bounded in case of alias cycles
 */
function checkTask(ctx, node, info, depth) {
  if (!isMap(node)) {
    reportWrongType(ctx, node, 'a task', 'a single-key map such as `- script: npm test` or `- exec: {command: npm}`');
    return;
  }
  const [task, ...extras] = mapEntries(ctx, node);
  if (!task || depth > 5) return;
  const line = lineOf(ctx, task.keyNode);
  if (!TASK_TYPES.includes(task.key)) {
    report(ctx, line, 'task-unknown-type', `unknown task type '${task.key}'`,
      `Use one of ${TASK_TYPES.join(', ')} as the task's key.`);
    return;
  }
  if (task.key === 'script') {
    checkScriptTask(ctx, task, extras, info);
    return;
  }
  if (task.key === 'exec') checkExecTask(ctx, task, extras, info);
  else reportDroppedKeys(ctx, extras, `${task.key} task`);
  if (!isMap(task.value)) return;
  const fields = mapEntries(ctx, task.value);
  checkRunIf(ctx, getEntry(fields, 'run_if'));
  checkBooleans(ctx, fields, ['is_file']);
  const onCancel = getEntry(fields, 'on_cancel');
  if (onCancel?.value) checkTask(ctx, onCancel.value, info, depth + 1);
}

/**
 * @param {FileContext} ctx
 * @param {Entry} task
 * @param {Entry[]} extras
 * @param {PipelineInfo} info
 */
function checkScriptTask(ctx, task, extras, info) {
  // `script:` takes only the script's text, so a script that needs run_if or on_cancel must be
  // written out as the plugin task the shorthand stands for.
  reportDroppedKeys(ctx, extras, 'script task', (key) =>
    `A \`script:\` shorthand cannot carry '${key}': write it as \`plugin: {configuration: {id: script-executor, version: 1}, options: {script: ...}, ${key}: ...}\`.`);
  const text = isScalar(task.value) ? scalarText(task.value) : '';
  if (text.trim() === '') {
    report(ctx, lineOf(ctx, task.keyNode), 'task-without-command', 'script task has an empty script: it has nothing to run',
      'Write the commands after `script:`, e.g. `- script: npm test` or a block `script: |` with indented lines.');
    return;
  }
  // In a literal block (`script: |`) the text starts on the line after the `|`.
  const isBlock = isScalar(task.value) && task.value.type === 'BLOCK_LITERAL';
  info.commands.push({ kind: 'script', text, line: lineOf(ctx, task.value) + (isBlock ? 1 : 0) });
}

/**
 * The classic mistake: `- exec:` with `command:` at the same indentation gives an exec task with
 * no command (valid YAML, broken pipeline).
 * @param {FileContext} ctx
 * @param {Entry} task
 * @param {Entry[]} extras
 * @param {PipelineInfo} info
 */
function checkExecTask(ctx, task, extras, info) {
  const fields = isMap(task.value) ? mapEntries(ctx, task.value) : [];
  const command = getEntry(fields, 'command');
  if (!command || !isScalar(command.value) || scalarText(command.value).trim() === '') {
    const because = extras.some((e) => e.key === 'command')
      ? ': `command:` is at the same indentation as `exec:`, so it is not part of the task'
      : '';
    report(ctx, lineOf(ctx, task.keyNode), 'task-without-command', `exec task has no command${because}`,
      'Indent `command:` (and `arguments:`) two more spaces than `- exec:` so that they belong to the exec task.');
    return;
  }
  reportDroppedKeys(ctx, extras, 'exec task');
  const args = getEntry(fields, 'arguments');
  if (args?.value && !expectList(ctx, args, 'arguments', 'a list of strings')) return;
  const argNodes = args && isSeq(args.value) ? args.value.items.map((item) => resolve(ctx, item)) : [];
  const workingDirectory = getEntry(fields, 'working_directory');
  info.commands.push({
    kind: 'exec',
    command: scalarText(command.value),
    args: argNodes.filter(isScalar).map(scalarText),
    workingDirectory: isScalar(workingDirectory?.value) ? scalarText(workingDirectory.value) : '',
    line: lineOf(ctx, command.value),
  });
}

/**
 * @param {FileContext} ctx
 * @param {Entry | undefined} entry
 */
function checkRunIf(ctx, entry) {
  if (!entry) return;
  const value = isScalar(entry.value) ? scalarText(entry.value) : '';
  if (RUN_IF_VALUES.includes(value)) return;
  report(ctx, lineOf(ctx, entry.value ?? entry.keyNode), 'run-if-invalid', `run_if '${value}' is not one of ${RUN_IF_VALUES.join(', ')}`,
    `Set run_if to ${RUN_IF_VALUES.join(', ')}.`);
}
