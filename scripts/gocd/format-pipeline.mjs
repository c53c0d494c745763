// @ts-check
/** The GoCD YAML plugin's rules for one pipeline and its materials. */
import { isMap, isScalar, isSeq } from 'yaml';
import { checkStages } from './format-stages.mjs';
import { checkBooleans, checkInteger, checkUniqueNames, expectList, expectMap } from './format-values.mjs';
import { getEntry, lineOf, mapEntries, report, resolve, scalarText } from './yaml-nodes.mjs';

/** @typedef {import('./yaml-nodes.mjs').Entry} Entry */
/** @typedef {import('./yaml-nodes.mjs').FileContext} FileContext */
/** @typedef {import('./yaml-nodes.mjs').PipelineInfo} PipelineInfo */
/** @typedef {import('./yaml-nodes.mjs').YamlMap} YamlMap */
/** @typedef {import('./yaml-nodes.mjs').YamlSeq} YamlSeq */

const MATERIAL_BOOLEANS = ['auto_update', 'shallow_clone', 'ignore_for_scheduling'];
/** A material's type comes from one of these shorthand keys (or from `type:`, e.g. `configrepo`). */
const MATERIAL_TYPE_KEYS = ['git', 'svn', 'hg', 'p4', 'pipeline', 'scm', 'plugin_configuration', 'package'];
/** Materials that check out source code, and so need a `destination` when there are several. */
const SCM_MATERIAL_TYPES = ['git', 'svn', 'hg', 'p4', 'tfs', 'scm', 'plugin_configuration', 'plugin'];

const INCLUDE_FILTER_KEYS = ['includes', 'whitelist'];
const IGNORE_FILTER_KEYS = ['ignore', 'blacklist'];

const LOCK_BEHAVIORS = ['lockOnFailure', 'unlockWhenFinished', 'none'];

/**
 * @param {FileContext} ctx
 * @param {Entry} pipeline  `name: {...}` under `pipelines:`
 */
export function checkPipeline(ctx, pipeline) {
  const where = `pipeline '${pipeline.key}'`;
  if (!expectMap(ctx, pipeline, where, 'a map with group, materials and stages')) return;
  const entries = mapEntries(ctx, /** @type {YamlMap} */ (pipeline.value));
  /** @type {PipelineInfo} */
  const info = {
    file: ctx.file,
    name: pipeline.key,
    line: lineOf(ctx, pipeline.keyNode),
    environment: readVariables(ctx, getEntry(entries, 'environment_variables')),
    filters: [],
    commands: [],
  };
  ctx.pipelines.push(info);

  if (!getEntry(entries, 'group')) {
    report(ctx, info.line, 'group-missing', `${where} has no group; the GoCD server requires one`,
      `Add \`group: NAME\` (the group that shows this pipeline in the GoCD UI) to ${where}.`);
  }
  checkLockBehavior(ctx, getEntry(entries, 'lock_behavior'));
  const displayOrder = getEntry(entries, 'display_order');
  if (displayOrder) checkInteger(ctx, displayOrder, 'display_order');
  checkTimer(ctx, getEntry(entries, 'timer'));
  for (const name of ['environment_variables', 'secure_variables', 'parameters']) {
    const variables = getEntry(entries, name);
    if (variables?.value) expectMap(ctx, variables, name, 'a map of name to value');
  }
  checkMaterials(ctx, pipeline, getEntry(entries, 'materials'), info);
  checkStages(ctx, pipeline, entries, info);
}

/**
 * Reads a map of variables (name to value) into a Map, for the project rules.
 * @param {FileContext} ctx
 * @param {Entry | undefined} entry
 * @returns {Map<string, {value: string, line: number}>}
 */
function readVariables(ctx, entry) {
  const variables = new Map();
  if (!entry || !isMap(entry.value)) return variables;
  for (const variable of mapEntries(ctx, entry.value)) {
    if (isScalar(variable.value)) variables.set(variable.key, { value: scalarText(variable.value), line: lineOf(ctx, variable.value) });
  }
  return variables;
}

/**
 * @param {FileContext} ctx
 * @param {Entry | undefined} entry
 */
function checkLockBehavior(ctx, entry) {
  if (!entry) return;
  const value = isScalar(entry.value) ? scalarText(entry.value) : '';
  if (LOCK_BEHAVIORS.includes(value)) return;
  report(ctx, lineOf(ctx, entry.value ?? entry.keyNode), 'lock-behavior-invalid',
    `lock_behavior '${value}' is not one of ${LOCK_BEHAVIORS.join(', ')}`,
    `Set lock_behavior to ${LOCK_BEHAVIORS.join(', ')} (the spelling and case matter).`);
}

/**
 * @param {FileContext} ctx
 * @param {Entry | undefined} entry
 */
function checkTimer(ctx, entry) {
  if (!entry) return;
  if (!isMap(entry.value) || !getEntry(mapEntries(ctx, entry.value), 'spec')) {
    report(ctx, lineOf(ctx, entry.keyNode), 'timer-invalid', 'timer must be a map with a `spec` (a cron expression)',
      "Write the timer as `timer: {spec: '0 0 22 ? * MON-FRI', only_on_changes: yes}`.");
    return;
  }
  checkBooleans(ctx, mapEntries(ctx, entry.value), ['only_on_changes']);
}

/**
 * @param {FileContext} ctx
 * @param {Entry} pipeline
 * @param {Entry | undefined} entry  the `materials:` entry
 * @param {PipelineInfo} info
 */
function checkMaterials(ctx, pipeline, entry, info) {
  const where = `pipeline '${pipeline.key}'`;
  if (!entry || entry.value === null || (isMap(entry.value) && entry.value.items.length === 0)) {
    report(ctx, lineOf(ctx, entry?.keyNode ?? pipeline.keyNode), 'materials-missing', `${where} has no materials; at least one is required`,
      'Add `materials:` with at least one material, e.g. `materials: {repo: {git: URL, branch: main}}`.');
    return;
  }
  if (!isMap(entry.value)) {
    const what = isSeq(entry.value) ? 'a list' : 'not a map';
    report(ctx, lineOf(ctx, entry.keyNode), 'materials-not-map',
      `materials of ${where} is ${what}; the plugin expects a hash of material name to material`,
      'Write materials as a map: replace each `- git: URL` item with `NAME:` followed by `git: URL` indented below it.');
    return;
  }
  const materials = mapEntries(ctx, entry.value);
  checkUniqueNames(ctx, materials, 'material-name-duplicate', 'material');
  for (const material of materials) checkMaterial(ctx, material, info);
  checkScmDestinations(ctx, materials);
}

/**
 * @param {FileContext} ctx
 * @param {Entry} material
 * @param {PipelineInfo} info
 */
function checkMaterial(ctx, material, info) {
  const where = `material '${material.key}'`;
  if (!expectMap(ctx, material, where, 'a map such as `git: URL`')) return;
  const entries = mapEntries(ctx, /** @type {YamlMap} */ (material.value));
  // `scm:` (the id of a plugin SCM) may come with its `plugin_configuration`: that is one type.
  const typeKeys = entries.filter((e) => MATERIAL_TYPE_KEYS.includes(e.key) && !(e.key === 'plugin_configuration' && getEntry(entries, 'scm')));
  for (const extra of typeKeys.slice(1)) {
    report(ctx, lineOf(ctx, extra.keyNode), 'extra-keys-dropped',
      `${where} names a second type '${extra.key}' after '${typeKeys[0]?.key}'; a material has one type and the other is lost`,
      `Split this into two materials, each with its own name and a single type key.`);
  }
  checkBooleans(ctx, entries, MATERIAL_BOOLEANS);
  checkFilters(ctx, material, entries, info);
}

/**
 * A material may list paths that trigger it (`includes`/`whitelist`) or paths that do not
 * (`ignore`/`blacklist`), never both.
 * @param {FileContext} ctx
 * @param {Entry} material
 * @param {Entry[]} entries
 * @param {PipelineInfo} info
 */
function checkFilters(ctx, material, entries, info) {
  const includes = entries.filter((e) => INCLUDE_FILTER_KEYS.includes(e.key));
  const ignores = entries.filter((e) => IGNORE_FILTER_KEYS.includes(e.key));
  const secondKind = includes.length > 0 ? ignores[0] : undefined;
  if (secondKind) {
    report(ctx, lineOf(ctx, secondKind.keyNode), 'filter-both-kinds',
      `material '${material.key}' has both ${includes[0]?.key} and ${secondKind.key}; a material may have only one kind of filter`,
      `Keep either the ${includes[0]?.key} list (paths that trigger) or the ${secondKind.key} list (paths that do not), not both.`);
  }
  for (const filter of [...includes, ...ignores]) {
    if (!filter.value) continue;
    if (!expectList(ctx, filter, `${filter.key} of material '${material.key}'`, 'a list of path patterns')) continue;
    for (const item of /** @type {YamlSeq} */ (filter.value).items) {
      const pattern = resolve(ctx, item);
      if (isScalar(pattern)) info.filters.push({ pattern: scalarText(pattern), line: lineOf(ctx, pattern) });
    }
  }
}

/**
 * [server] With more than one SCM material, each one needs its own `destination` folder.
 * @param {FileContext} ctx
 * @param {Entry[]} materials
 */
function checkScmDestinations(ctx, materials) {
  const scmMaterials = materials.filter((m) => isMap(m.value) && isScmMaterial(mapEntries(ctx, m.value)));
  if (scmMaterials.length < 2) return;
  for (const material of scmMaterials) {
    if (getEntry(mapEntries(ctx, /** @type {YamlMap} */ (material.value)), 'destination')) continue;
    report(ctx, lineOf(ctx, material.keyNode), 'scm-destination-missing',
      `material '${material.key}' has no destination, but the pipeline has ${scmMaterials.length} SCM materials`,
      `Add \`destination: ${material.key}\` (a folder name unique in this pipeline) to material '${material.key}'.`);
  }
}

/**
 * @param {Entry[]} entries  a material's keys
 * @returns {boolean} true for a material that checks out code (git, svn, ... or an SCM plugin)
 */
function isScmMaterial(entries) {
  const type = getEntry(entries, 'type');
  const typeText = isScalar(type?.value) ? scalarText(type.value) : '';
  return SCM_MATERIAL_TYPES.includes(typeText) || entries.some((e) => SCM_MATERIAL_TYPES.includes(e.key));
}
