// @ts-check
/** The GoCD YAML plugin's rules for a pipeline's stages and their approvals. */
import { isMap, isScalar, isSeq } from 'yaml';
import { checkJob } from './format-jobs.mjs';
import { checkBooleans, checkUniqueNames, expectList, expectMap, reportDroppedKeys, reportWrongType } from './format-values.mjs';
import { getEntry, lineOf, mapEntries, report, resolve, scalarText } from './yaml-nodes.mjs';

/** @typedef {import('./yaml-nodes.mjs').Entry} Entry */
/** @typedef {import('./yaml-nodes.mjs').FileContext} FileContext */
/** @typedef {import('./yaml-nodes.mjs').PipelineInfo} PipelineInfo */
/** @typedef {import('./yaml-nodes.mjs').YamlMap} YamlMap */
/** @typedef {import('./yaml-nodes.mjs').YamlSeq} YamlSeq */

const STAGE_BOOLEANS = ['fetch_materials', 'keep_artifacts', 'clean_workspace'];
const APPROVAL_TYPES = ['manual', 'success', 'auto'];

/**
 * @param {FileContext} ctx
 * @param {Entry} pipeline
 * @param {Entry[]} entries  the pipeline's keys
 * @param {PipelineInfo} info
 */
export function checkStages(ctx, pipeline, entries, info) {
  const stages = getEntry(entries, 'stages');
  const usesTemplate = Boolean(getEntry(entries, 'template'));
  if (!stages || !stages.value) {
    if (usesTemplate) return; // a template supplies the stages
    report(ctx, lineOf(ctx, stages?.keyNode ?? pipeline.keyNode), 'stages-missing',
      `pipeline '${pipeline.key}' has no stages: expected a list of pipeline stages or a template reference`,
      'Add `stages:` with a list of stages (for the per-function pipelines: `stages: *function-stages`), or `template: NAME`.');
    return;
  }
  if (!expectList(ctx, stages, 'stages', 'a list of `- stageName: {...}` items')) return;
  const items = /** @type {YamlSeq} */ (stages.value).items;
  if (items.length === 0 && !usesTemplate) {
    report(ctx, lineOf(ctx, stages.keyNode), 'stages-missing', `pipeline '${pipeline.key}' has an empty list of stages`,
      'Add at least one stage to the list.');
  }
  /** @type {Entry[]} */
  const named = [];
  for (const item of items) {
    const stage = checkStage(ctx, item, info);
    if (stage) named.push(stage);
  }
  checkUniqueNames(ctx, named, 'stage-name-duplicate', 'stage');
}

/**
 * A stage is a single-key map `- name: {...}`.
 * @param {FileContext} ctx
 * @param {unknown} item  one item of the stages list
 * @param {PipelineInfo} info
 * @returns {Entry | undefined}  the stage's name entry, for the uniqueness check
 */
function checkStage(ctx, item, info) {
  const node = resolve(ctx, item);
  if (!isMap(node)) {
    if (node) reportWrongType(ctx, node, 'a stage', 'a single-key map `- stageName: {...}`');
    return undefined;
  }
  const [stage, ...extras] = mapEntries(ctx, node);
  if (!stage) return undefined;
  const where = `stage '${stage.key}'`;
  if (stage.value === null) {
    const because = extras.length > 0
      ? `its keys (${extras.map((e) => e.key).join(', ')}) are at the same indentation as the name, so they are not part of the stage`
      : 'nothing is written under it';
    report(ctx, lineOf(ctx, stage.keyNode), 'stage-null', `${where} is null: ${because}`,
      `Indent the keys of ${where} two more spaces than \`${stage.key}:\` so that they belong to it.`);
    return stage;
  }
  reportDroppedKeys(ctx, extras, where);
  if (!expectMap(ctx, stage, where, 'a map with jobs (or tasks)')) return stage;
  const entries = mapEntries(ctx, /** @type {YamlMap} */ (stage.value));
  checkBooleans(ctx, entries, STAGE_BOOLEANS);
  checkApproval(ctx, getEntry(entries, 'approval'));
  checkStageJobs(ctx, stage, entries, info);
  return stage;
}

/**
 * A stage has `jobs:`, or stage-level `tasks:` that make one job named after the stage.
 * @param {FileContext} ctx
 * @param {Entry} stage
 * @param {Entry[]} entries  the stage's keys
 * @param {PipelineInfo} info
 */
function checkStageJobs(ctx, stage, entries, info) {
  const jobs = getEntry(entries, 'jobs');
  if (jobs?.value && !expectMap(ctx, jobs, `jobs of stage '${stage.key}'`, 'a map of job name to job')) return;
  if (isMap(jobs?.value) && jobs.value.items.length > 0) {
    const jobEntries = mapEntries(ctx, jobs.value);
    checkUniqueNames(ctx, jobEntries, 'job-name-duplicate', 'job');
    for (const job of jobEntries) checkJob(ctx, job, info);
    return;
  }
  if (!jobs && getEntry(entries, 'tasks')) {
    checkJob(ctx, stage, info); // the stage itself is the single job
    return;
  }
  report(ctx, lineOf(ctx, stage.keyNode), 'stage-without-jobs',
    `stage '${stage.key}' must have jobs defined, or tasks if only one job should exist`,
    `Add \`jobs:\` with at least one job under stage '${stage.key}', or a \`tasks:\` list for a single job.`);
}

/**
 * Approval is `manual`, `success` or `auto`, or a map with a required `type`.
 * @param {FileContext} ctx
 * @param {Entry | undefined} entry
 */
function checkApproval(ctx, entry) {
  if (!entry) return;
  const fix = 'Write `approval: manual` (or success), or a map `approval: {type: manual, users: [...], roles: [...]}`.';
  if (isScalar(entry.value)) {
    const value = scalarText(entry.value);
    if (!APPROVAL_TYPES.includes(value)) {
      report(ctx, lineOf(ctx, entry.value), 'approval-invalid', `approval '${value}' is not one of ${APPROVAL_TYPES.join(', ')}`, fix);
    }
    return;
  }
  if (!isMap(entry.value)) {
    report(ctx, lineOf(ctx, entry.keyNode), 'approval-invalid', 'approval must be a string or a map with a type', fix);
    return;
  }
  const approval = mapEntries(ctx, entry.value);
  const type = getEntry(approval, 'type');
  const typeText = isScalar(type?.value) ? scalarText(type.value) : '';
  if (!APPROVAL_TYPES.includes(typeText)) {
    const problem = type ? `approval type '${typeText}' is not one of ${APPROVAL_TYPES.join(', ')}` : 'approval has no `type`';
    report(ctx, lineOf(ctx, type?.keyNode ?? entry.keyNode), 'approval-invalid', problem, fix);
  }
  checkBooleans(ctx, approval, ['allow_only_on_success']);
  for (const list of ['users', 'roles']) {
    const people = getEntry(approval, list);
    if (people?.value && !isSeq(people.value)) {
      report(ctx, lineOf(ctx, people.keyNode), 'approval-invalid', `approval ${list} must be a list`,
        `Write ${list} as a list, e.g. \`${list}: [alice, bob]\`.`);
    }
  }
}
