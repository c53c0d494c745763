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
 *   node scripts/gocd/check.mjs            every *.gocd.yaml / *.gocd.yml the GoCD server would
 *                                          load from this repository: format + project rules
 *   node scripts/gocd/check.mjs FILE...    the given files: format rules only
 *
 * Exit code: 0 no findings, 1 findings, 2 usage error (for example a missing file).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, visit } from 'yaml';

/**
 * @typedef {object} Finding
 * @property {string} file     the file as it was given to the checker
 * @property {number} line     1-based line of the YAML node at fault
 * @property {string} rule     a stable id, e.g. `materials-not-map`
 * @property {string} message  what is wrong
 * @property {string} fix      a plain-English sentence saying what to change
 */

/**
 * @typedef {object} CheckOptions
 * @property {boolean} [projectRules]  also apply this project's rules (see `checkProject`)
 * @property {string} [repoRoot]       the repository the project rules look at (default: cwd)
 */

/** @typedef {import('yaml').Node} YamlNode */
/** @typedef {import('yaml').YAMLMap<unknown, unknown>} YamlMap */
/** @typedef {import('yaml').YAMLSeq<unknown>} YamlSeq */
/** @typedef {import('yaml').Document.Parsed} YamlDocument */

/**
 * One key of a map, after aliases and merge keys (`<<:`) are resolved.
 * @typedef {object} Entry
 * @property {string} key             the key as written (GoCD reads every scalar as a string)
 * @property {YamlNode | null} keyNode
 * @property {YamlNode | null} value  the value node, aliases followed; null for a missing value
 */

/**
 * What the project rules need to know about one pipeline, gathered while checking the format.
 * @typedef {object} PipelineInfo
 * @property {string} file
 * @property {string} name
 * @property {number} line
 * @property {Map<string, {value: string, line: number}>} environment  pipeline-level variables
 * @property {{pattern: string, line: number}[]} filters               every material filter path
 * @property {TaskCommand[]} commands                                  what the tasks run
 */

/**
 * A command a task runs: a shell script (`script:`) or a program with arguments (`exec:`).
 * A script's `line` is where its first line of text is; in a `script: |` block each further line
 * of text is one line further down, so findings can point at the exact command.
 * @typedef {{kind: 'script', text: string, line: number}
 *   | {kind: 'exec', command: string, args: string[], workingDirectory: string, line: number}} TaskCommand
 */

/**
 * Everything known about one checked file.
 * @typedef {object} FileContext
 * @property {string} file
 * @property {YamlDocument | null} doc
 * @property {LineCounter} lineCounter
 * @property {Finding[]} findings
 * @property {PipelineInfo[]} pipelines
 * @property {{value: string, line: number}} formatVersion  "1" at line 1 when missing
 */

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

/**
 * Every rule the checker reports, with what it catches. A finding's `rule` is one of these ids
 * (the type `RuleId` makes TypeScript reject a misspelt id), and the tests check that each rule
 * has a fixture that triggers it.
 */
export const RULES = Object.freeze({
  // Reading the file
  'yaml-syntax': 'the file is not valid YAML',
  'tab-indentation': 'a tab is used for indentation',
  'duplicate-key': 'the same key appears twice in one map',
  'unknown-alias': 'an alias has no anchor before it in the same file',
  'ignored-document': 'a second YAML document, which GoCD never reads',
  // Structure
  'unknown-top-level-key': 'a top-level key other than format_version, pipelines, environments, common',
  'wrong-type': 'a map, list or string where another kind is expected',
  'group-missing': 'a pipeline without group',
  'materials-missing': 'a pipeline without materials',
  'materials-not-map': 'materials written as a list (or another non-map)',
  'stages-missing': 'a pipeline with neither stages nor a template',
  'stage-null': 'a stage whose keys are not indented under its name',
  'stage-without-jobs': 'a stage with neither jobs nor tasks',
  'job-without-tasks': 'a job without tasks',
  'extra-keys-dropped': 'a second key in a single-key map (stage, task, artifact) or a second material type',
  'task-unknown-type': 'a task whose key is not a task type',
  'task-without-command': 'an exec without command, or an empty script',
  'artifact-invalid': 'an artifact of unknown type or without its required fields',
  'tabs-not-map': 'job tabs that are not a map',
  // Values
  'boolean-invalid': 'a boolean field that is not true/false/yes/no/on/off',
  'integer-invalid': 'an integer field that is not a whole number',
  'approval-invalid': 'an approval that is not manual/success/auto or a valid approval map',
  'lock-behavior-invalid': 'lock_behavior not lockOnFailure, unlockWhenFinished or none',
  'run-if-invalid': 'run_if not passed, failed or any',
  'timer-invalid': 'a timer without spec',
  'filter-both-kinds': 'a material with both includes/whitelist and ignore/blacklist',
  'scm-destination-missing': 'several SCM materials, one without destination',
  'resources-and-elastic-profile': 'a job with both resources and elastic_profile_id',
  // Names
  'material-name-duplicate': 'two materials of a pipeline with the same name (ignoring case)',
  'stage-name-duplicate': 'two stages of a pipeline with the same name (ignoring case)',
  'job-name-duplicate': 'two jobs of a stage with the same name (ignoring case)',
  // Across files
  'pipeline-name-duplicate': 'two pipelines with the same name, in any of the files',
  'format-version-mixed': 'files that declare different format_versions (missing means 1)',
  // Project rules (checking the repository)
  'serverless-functions-unreadable': 'final/serverless.yml is missing or has no functions: map',
  'function-pipeline-missing': 'a Lambda function without its per-function pipeline',
  'function-pipeline-duplicate': 'a Lambda function with more than one per-function pipeline',
  'function-pipeline-unknown': 'a per-function pipeline for a function that does not exist',
  'filter-matches-nothing': 'a material filter path that matches no file of the repository',
  'npm-script-missing': 'an npm run/test/start of a script that the package.json does not have',
});

/** @typedef {keyof typeof RULES} RuleId */

// ---------------------------------------------------------------------------------------------
// Vocabulary of the format (from the GoCD YAML config plugin)
// ---------------------------------------------------------------------------------------------

const TOP_LEVEL_KEYS = ['format_version', 'pipelines', 'environments', 'common'];

/** The plugin accepts these words, in any case form, where it expects a boolean. */
const BOOLEAN_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off'];

/** Only whole decimal numbers: the plugin parses integers from the scalar's text. */
const INTEGER_PATTERN = /^[-+]?[0-9]+$/;

const MATERIAL_BOOLEANS = ['auto_update', 'shallow_clone', 'ignore_for_scheduling'];
const STAGE_BOOLEANS = ['fetch_materials', 'keep_artifacts', 'clean_workspace'];

/** A material's type comes from one of these shorthand keys (or from `type:`, e.g. `configrepo`). */
const MATERIAL_TYPE_KEYS = ['git', 'svn', 'hg', 'p4', 'pipeline', 'scm', 'plugin_configuration', 'package'];
/** Materials that check out source code, and so need a `destination` when there are several. */
const SCM_MATERIAL_TYPES = ['git', 'svn', 'hg', 'p4', 'tfs', 'scm', 'plugin_configuration', 'plugin'];

const INCLUDE_FILTER_KEYS = ['includes', 'whitelist'];
const IGNORE_FILTER_KEYS = ['ignore', 'blacklist'];

const APPROVAL_TYPES = ['manual', 'success', 'auto'];
const LOCK_BEHAVIORS = ['lockOnFailure', 'unlockWhenFinished', 'none'];
const RUN_IF_VALUES = ['passed', 'failed', 'any'];

/** `script` is the bundled script-executor plugin; ant, nant and rake are GoCD's built-in tasks. */
const TASK_TYPES = ['script', 'exec', 'fetch', 'plugin', 'ant', 'nant', 'rake'];
const ARTIFACT_TYPES = ['build', 'test', 'external'];

/** The server's default pattern: the files a GoCD server loads from a config repository. */
const GOCD_FILE_PATTERNS = ['**/*.gocd.yaml', '**/*.gocd.yml'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

// ---------------------------------------------------------------------------------------------
// Conventions of this project (used by the project rules)
// ---------------------------------------------------------------------------------------------

const PROJECT = {
  serverlessFile: 'final/serverless.yml',
  functionsDir: 'final/src/functions',
  pipelinePrefix: 'session-api-',
  group: 'session-api',
  stagesAnchor: 'function-stages',
  /** A pipeline is "per-function" when it sets this variable at pipeline level. */
  functionVariable: 'FUNCTION_NAME',
};

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

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
    findings.push(...checkProject(pipelines, options.repoRoot ?? '.'));
  }
  return sortAndDeduplicate(findings);
}

/**
 * Lists the files a GoCD server would load from the repository at `repoRoot`, with its default
 * pattern `**\/*.gocd.yaml,**\/*.gocd.yml`. Paths are relative to `repoRoot`.
 *
 * @param {string} repoRoot
 * @returns {string[]}
 */
export function findConfigFiles(repoRoot) {
  return listRepoFiles(repoRoot).filter((file) => GOCD_FILE_PATTERNS.some((pattern) => matchesGlob(file, pattern)));
}

/**
 * Does a repository path match a GoCD path pattern? GoCD matches material filters with Ant rules:
 * `**` as a whole path segment spans any number of directories (also none), `*` stays inside one
 * segment, `?` is one character, a leading `/` is ignored and a trailing `/` means "everything
 * below". (Node's own `path.matchesGlob` is still experimental in Node 20 and prints a warning.)
 *
 * @param {string} filePath  a path with `/` separators, relative to the repository root
 * @param {string} pattern
 * @returns {boolean}
 */
export function matchesGlob(filePath, pattern) {
  return globToRegExp(pattern).test(filePath);
}

// ---------------------------------------------------------------------------------------------
// Reading one file
// ---------------------------------------------------------------------------------------------

/**
 * Parses one file and applies every format rule that needs only this file.
 *
 * @param {string} file
 * @param {string} text
 * @returns {FileContext}
 */
function checkOneFile(file, text) {
  const lineCounter = new LineCounter();
  // uniqueKeys: false because we report duplicate keys ourselves, with the key's name;
  // version 1.1 because that is what the plugin reads (merge keys, yes/no booleans).
  const documents = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, keepSourceTokens: true, lineCounter });
  const docs = Array.isArray(documents) ? documents : [];
  /** @type {FileContext} */
  const ctx = {
    file,
    doc: docs[0] ?? null,
    lineCounter,
    findings: [],
    pipelines: [],
    formatVersion: { value: '1', line: 1 },
  };
  checkIgnoredDocuments(ctx, docs);
  if (!ctx.doc) return ctx; // an empty file holds no pipelines
  const syntaxIsSound = checkSyntax(ctx, ctx.doc, text);
  checkDuplicateKeys(ctx, ctx.doc);
  const aliasesResolve = checkUnknownAliases(ctx, ctx.doc);
  // A file that does not parse, or has an unknown alias, is rejected as a whole; the structure
  // we would see is a guess, so checking it would only add confusing findings.
  if (syntaxIsSound && aliasesResolve) checkRoot(ctx, ctx.doc.contents);
  return ctx;
}

/**
 * Only the first YAML document of a file is read; anything after a `---` is silently lost.
 * @param {FileContext} ctx
 * @param {YamlDocument[]} docs
 */
function checkIgnoredDocuments(ctx, docs) {
  const second = docs[1];
  if (!second) return;
  report(ctx, lineAt(ctx, second.range[0]), 'ignored-document',
    'a second YAML document starts here; GoCD reads only the first document of a file, so everything from here on is ignored',
    'Remove the `---` separator so that everything is in one document, or move this part into its own *.gocd.yaml file.');
}

/**
 * Reports the parser's errors. Tabs used for indentation get their own rule.
 * @param {FileContext} ctx
 * @param {YamlDocument} doc
 * @param {string} text  the file's text
 * @returns {boolean} true when the file parsed without errors
 */
function checkSyntax(ctx, doc, text) {
  // An error found at the very end ("... must end with a ]") points past the last line;
  // report it on the last line that has content instead.
  const lastContentOffset = Math.max(0, text.trimEnd().length - 1);
  for (const error of doc.errors) {
    const line = lineAt(ctx, Math.min(error.pos[0], lastContentOffset));
    if (error.code === 'TAB_AS_INDENT') {
      report(ctx, line, 'tab-indentation', 'a tab is used for indentation; YAML allows only spaces there',
        'Replace the tabs at the start of this line with spaces.');
    } else {
      const firstLine = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.message;
      report(ctx, line, 'yaml-syntax', `the file is not valid YAML: ${firstLine}`,
        'Fix the YAML syntax at this line (indentation, quotes, brackets); the whole file is rejected until it parses.');
    }
  }
  return doc.errors.length === 0;
}

/**
 * Duplicate keys anywhere make the plugin fail ("Duplicate key found"). Merge keys (`<<`) are
 * not duplicates: they are how YAML shares maps.
 * @param {FileContext} ctx
 * @param {YamlDocument} doc
 */
function checkDuplicateKeys(ctx, doc) {
  visit(doc, {
    Map(_, map) {
      /** @type {Map<string, number>} */
      const seen = new Map();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || isMergeKey(pair.key)) continue;
        const key = scalarText(pair.key);
        const line = lineOf(ctx, pair.key);
        const firstLine = seen.get(key);
        if (firstLine === undefined) {
          seen.set(key, line);
        } else {
          report(ctx, line, 'duplicate-key', `duplicate key '${key}' (first at line ${firstLine})`,
            `Keep only one '${key}' key in this map: merge the two entries or rename one.`);
        }
      }
    },
  });
}

/**
 * An alias (`*name`) needs an anchor (`&name`) earlier in the same file.
 * @param {FileContext} ctx
 * @param {YamlDocument} doc
 * @returns {boolean} true when every alias has its anchor
 */
function checkUnknownAliases(ctx, doc) {
  let allResolve = true;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc)) return;
      allResolve = false;
      report(ctx, lineOf(ctx, alias), 'unknown-alias', `alias *${alias.source} has no anchor &${alias.source} before it in this file`,
        `Define the anchor &${alias.source} earlier in this same file (for example under \`common:\`); anchors do not cross files.`);
    },
  });
  return allResolve;
}

// ---------------------------------------------------------------------------------------------
// Top level and pipelines
// ---------------------------------------------------------------------------------------------

/**
 * @param {FileContext} ctx
 * @param {unknown} contents
 */
function checkRoot(ctx, contents) {
  const root = resolve(ctx, contents);
  if (!root) return;
  if (!isMap(root)) {
    reportWrongType(ctx, root, 'the file', 'a map with format_version and pipelines');
    return;
  }
  const entries = mapEntries(ctx, root);
  for (const entry of entries) {
    if (TOP_LEVEL_KEYS.includes(entry.key)) continue;
    report(ctx, lineOf(ctx, entry.keyNode), 'unknown-top-level-key',
      `'${entry.key}' is invalid, expected format_version, pipelines, environments, or common; it fails the whole config repository`,
      `Move '${entry.key}' under a pipeline, or under \`common:\` if it only holds anchors.`);
  }
  checkFormatVersion(ctx, getEntry(entries, 'format_version'));
  const pipelines = getEntry(entries, 'pipelines');
  if (pipelines?.value && expectMap(ctx, pipelines, 'pipelines', 'a map of pipeline name to pipeline')) {
    for (const pipeline of mapEntries(ctx, /** @type {YamlMap} */ (pipelines.value))) checkPipeline(ctx, pipeline);
  }
}

/**
 * @param {FileContext} ctx
 * @param {Entry | undefined} entry
 */
function checkFormatVersion(ctx, entry) {
  if (!entry) return; // missing means version 1
  checkInteger(ctx, entry, 'format_version');
  ctx.formatVersion = { value: isScalar(entry.value) ? scalarText(entry.value) : '?', line: lineOf(ctx, entry.keyNode) };
}

/**
 * @param {FileContext} ctx
 * @param {Entry} pipeline  `name: {...}` under `pipelines:`
 */
function checkPipeline(ctx, pipeline) {
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
      `Add \`group: ${PROJECT.group}\` (or the group this pipeline belongs to) to ${where}.`);
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

// ---------------------------------------------------------------------------------------------
// Materials
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Stages
// ---------------------------------------------------------------------------------------------

/**
 * @param {FileContext} ctx
 * @param {Entry} pipeline
 * @param {Entry[]} entries  the pipeline's keys
 * @param {PipelineInfo} info
 */
function checkStages(ctx, pipeline, entries, info) {
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

// ---------------------------------------------------------------------------------------------
// Jobs, artifacts and tasks
// ---------------------------------------------------------------------------------------------

/**
 * @param {FileContext} ctx
 * @param {Entry} job  `name: {...}` under `jobs:` (or a stage with stage-level tasks)
 * @param {PipelineInfo} info
 */
function checkJob(ctx, job, info) {
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

// ---------------------------------------------------------------------------------------------
// Field checks shared by several levels
// ---------------------------------------------------------------------------------------------

/**
 * The keys after the first one of a single-key map (stage, task, artifact) are silently dropped:
 * the YAML plugin's TaskTransform, for one, transforms the first entry of a task's map and
 * returns. `fix` replaces the usual advice where indenting cannot help.
 * @param {FileContext} ctx
 * @param {Entry[]} extras
 * @param {string} where
 * @param {(key: string) => string} [fix]
 */
function reportDroppedKeys(ctx, extras, where, fix) {
  for (const extra of extras) {
    report(ctx, lineOf(ctx, extra.keyNode), 'extra-keys-dropped',
      `'${extra.key}' is a second key in the single-key map of ${where}; GoCD keeps only the first key and silently drops this one`,
      fix?.(extra.key) ?? `Indent '${extra.key}' under the first key so that it belongs to ${where}, or make it its own list item.`);
  }
}

/**
 * @param {FileContext} ctx
 * @param {Entry[]} entries
 * @param {string[]} fields  the names of boolean fields to check
 */
function checkBooleans(ctx, entries, fields) {
  for (const field of fields) {
    const entry = getEntry(entries, field);
    if (!entry) continue;
    const value = isScalar(entry.value) ? scalarText(entry.value) : '';
    if (BOOLEAN_WORDS.includes(value.toLowerCase())) continue;
    report(ctx, lineOf(ctx, entry.value ?? entry.keyNode), 'boolean-invalid', `Expected boolean value in field ${field}, got '${value}'`,
      `Set ${field} to true or false (yes/no and on/off are also accepted).`);
  }
}

/**
 * @param {FileContext} ctx
 * @param {Entry} entry
 * @param {string} field
 * @param {string} [alternative]  words allowed besides a number, for the message
 */
function checkInteger(ctx, entry, field, alternative = '') {
  const value = isScalar(entry.value) ? scalarText(entry.value) : '';
  if (INTEGER_PATTERN.test(value)) return;
  const expected = alternative ? `a whole number ${alternative}` : 'a whole number';
  report(ctx, lineOf(ctx, entry.value ?? entry.keyNode), 'integer-invalid', `${field} must be ${expected}, got '${value}'`,
    `Write ${field} as ${expected} in decimal digits, without quotes, units or a decimal point.`);
}

/**
 * GoCD compares names case-insensitively, so `Build` and `build` clash.
 * @param {FileContext} ctx
 * @param {Entry[]} named
 * @param {RuleId} rule
 * @param {string} kind  stage, job or material
 */
function checkUniqueNames(ctx, named, rule, kind) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  for (const entry of named) {
    const key = entry.key.toLowerCase();
    const line = lineOf(ctx, entry.keyNode);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, line);
    } else if (first !== line) {
      report(ctx, line, rule, `${kind} name '${entry.key}' is already used at line ${first} (names are compared ignoring case)`,
        `Rename this ${kind}: ${kind} names must be unique within their parent.`);
    }
  }
}

/**
 * @param {FileContext} ctx
 * @param {Entry} entry
 * @param {string} where
 * @param {string} expected
 * @returns {boolean} true when the value is a map
 */
function expectMap(ctx, entry, where, expected) {
  if (isMap(entry.value)) return true;
  reportWrongType(ctx, entry.value ?? entry.keyNode, where, expected);
  return false;
}

/**
 * @param {FileContext} ctx
 * @param {Entry} entry
 * @param {string} where
 * @param {string} expected
 * @returns {boolean} true when the value is a list
 */
function expectList(ctx, entry, where, expected) {
  if (isSeq(entry.value)) return true;
  reportWrongType(ctx, entry.value ?? entry.keyNode, where, expected);
  return false;
}

/**
 * @param {FileContext} ctx
 * @param {YamlNode | null} node
 * @param {string} where
 * @param {string} expected
 */
function reportWrongType(ctx, node, where, expected) {
  const actual = isMap(node) ? 'a map' : isSeq(node) ? 'a list' : isScalar(node) && node.value !== null ? `'${scalarText(node)}'` : 'empty';
  report(ctx, lineOf(ctx, node), 'wrong-type', `${where} must be ${expected}, but it is ${actual}`,
    `Rewrite ${where} as ${expected}.`);
}

// ---------------------------------------------------------------------------------------------
// Rules across files
// ---------------------------------------------------------------------------------------------

/**
 * Pipeline names are unique across every file of the repository, and all files declare the same
 * format_version (a missing one counts as 1).
 * @param {FileContext[]} contexts
 * @returns {Finding[]}
 */
function checkAcrossFiles(contexts) {
  /** @type {Finding[]} */
  const findings = [];
  /** @type {Map<string, PipelineInfo>} */
  const pipelinesByName = new Map();
  for (const pipeline of contexts.flatMap((ctx) => ctx.pipelines)) {
    const key = pipeline.name.toLowerCase();
    const first = pipelinesByName.get(key);
    if (!first) {
      pipelinesByName.set(key, pipeline);
      continue;
    }
    findings.push(finding(pipeline.file, pipeline.line, 'pipeline-name-duplicate',
      `pipeline name '${pipeline.name}' is already used in ${first.file}:${first.line} (names are compared ignoring case)`,
      'Rename one of the two pipelines: pipeline names must be unique across all *.gocd.yaml files of the repository.'));
  }
  const parsed = contexts.filter((ctx) => ctx.doc?.contents);
  const expected = parsed[0];
  for (const ctx of parsed.slice(1)) {
    if (!expected || ctx.formatVersion.value === expected.formatVersion.value) continue;
    findings.push(finding(ctx.file, ctx.formatVersion.line, 'format-version-mixed',
      `format_version ${ctx.formatVersion.value} differs from ${expected.formatVersion.value} in ${expected.file}: versions across files are not unique`,
      `Declare the same \`format_version\` in every file (a missing one counts as 1), e.g. \`format_version: ${expected.formatVersion.value}\`.`));
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Project rules
// ---------------------------------------------------------------------------------------------

/**
 * The rules of this repository: one pipeline per Lambda function, filters that match real
 * files, and npm scripts that exist.
 * @param {PipelineInfo[]} pipelines
 * @param {string} repoRoot
 * @returns {Finding[]}
 */
function checkProject(pipelines, repoRoot) {
  const repoFiles = listRepoFiles(repoRoot);
  return [
    ...checkFunctionPipelines(pipelines, repoRoot),
    ...pipelines.flatMap((pipeline) => checkFilterPaths(pipeline, repoFiles)),
    ...pipelines.flatMap((pipeline) => checkNpmScripts(pipeline, repoRoot)),
  ];
}

/**
 * Reads the Lambda function names (the keys of `functions:`) from final/serverless.yml.
 * Serverless variables such as `${sls:stage}` are plain strings to YAML, so they need no care.
 * @param {string} repoRoot
 * @returns {{functions: {name: string, line: number}[], findings: Finding[]}}
 */
function readServerlessFunctions(repoRoot) {
  const file = path.join(repoRoot, PROJECT.serverlessFile);
  /** @param {number} line @param {string} message @returns {{functions: never[], findings: Finding[]}} */
  const failure = (line, message) => ({
    functions: [],
    findings: [finding(file, line, 'serverless-functions-unreadable', message,
      `Give ${PROJECT.serverlessFile} a \`functions:\` map written inline (function name to definition).`)],
  });
  if (!existsSync(file)) return failure(1, `${PROJECT.serverlessFile} does not exist, so the per-function pipelines cannot be checked`);
  const lineCounter = new LineCounter();
  // CloudFormation short tags (!Ref, !GetAtt) are unknown to YAML; they only produce warnings.
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
  const functions = isMap(doc.contents) ? doc.contents.get('functions', true) : undefined;
  if (doc.errors.length > 0 || !isMap(functions)) {
    return failure(1, `${PROJECT.serverlessFile} has no readable \`functions:\` map`);
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
 * Each Lambda function has exactly one per-function pipeline (a pipeline that sets
 * FUNCTION_NAME), and no per-function pipeline names a function that does not exist.
 * @param {PipelineInfo[]} pipelines
 * @param {string} repoRoot
 * @returns {Finding[]}
 */
function checkFunctionPipelines(pipelines, repoRoot) {
  const { functions, findings } = readServerlessFunctions(repoRoot);
  if (findings.length > 0) return findings;
  const serverlessFile = path.join(repoRoot, PROJECT.serverlessFile);
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
        `pipeline '${pipeline.name}' is for function '${name}', which is not in ${PROJECT.serverlessFile}`,
        `Remove pipeline '${pipeline.name}', or correct ${PROJECT.functionVariable} to the name of a function under \`functions:\` in ${PROJECT.serverlessFile}.`));
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
      + `materials filtered to ${PROJECT.functionsDir}/${fn.name}/**, and the shared stages \`*${PROJECT.stagesAnchor}\``;
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

/**
 * The npm invocations in a task: every `npm ...` command of a script, an `exec` of npm, or an
 * `exec` of a shell with `-c "..."`.
 * @param {TaskCommand} command
 * @returns {{argv: string[], workingDirectory: string, line: number}[]}
 */
function npmCallsOf(command) {
  if (command.kind === 'script') {
    return shellCommands(command.text)
      .filter(({ words }) => isNpmCommand(words))
      .map(({ words, line }) => ({ argv: words.slice(1), workingDirectory: '', line: command.line + line }));
  }
  const program = path.basename(command.command);
  if (program === 'npm') return [{ argv: command.args, workingDirectory: command.workingDirectory, line: command.line }];
  const scriptIndex = command.args.indexOf('-c') + 1;
  const script = command.args[scriptIndex];
  if (['sh', 'bash', 'dash', 'zsh'].includes(program) && scriptIndex > 0 && script !== undefined) {
    return npmCallsOf({ kind: 'script', text: script, line: command.line })
      .map((call) => ({ ...call, workingDirectory: command.workingDirectory }));
  }
  return [];
}

/**
 * @param {string[]} words  one simple command, variable assignments (`CI=true`) already removed
 * @returns {boolean}
 */
function isNpmCommand(words) {
  return words[0] !== undefined && path.basename(words[0]) === 'npm';
}

/**
 * Splits shell text into simple commands (lists of words), enough to find npm calls: it knows
 * quotes, comments, line continuations and the separators `&&`, `||`, `;`, `|`, `&`. It does
 * not expand anything and does not follow `cd`.
 * @param {string} text
 * @returns {{words: string[], line: number}[]}  `line` counts from 0, the text's first line
 */
export function shellCommands(text) {
  /** @type {{words: string[], line: number}[]} */
  const commands = [];
  let line = 0;
  let commandLine = 0;
  /** @type {string[]} */
  let words = [];
  let word = '';
  let inWord = false;
  /** @type {string | null} */
  let quote = null;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    while (words[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words.shift();
    if (words.length > 0) commands.push({ words, line: commandLine });
    words = [];
  };
  const source = text.replace(/\r\n/g, '\n');
  for (let i = 0; i < source.length; i += 1) {
    const ch = source.charAt(i);
    if (ch === '\n') line += 1;
    if (words.length === 0 && !inWord) commandLine = line;
    if (ch === '\\' && source.charAt(i + 1) === '\n') {
      i += 1; // a line continuation: the command goes on on the next line
      line += 1;
    } else if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '#' && !inWord) {
      while (i + 1 < source.length && source.charAt(i + 1) !== '\n') i += 1;
    } else if (ch === '\n' || ch === ';' || ch === '|' || ch === '&') {
      endCommand();
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/**
 * Replaces `$NAME` and `${NAME}` with the pipeline's environment variables, so that a shared
 * stage running `npm run test:$FUNCTION_NAME` is checked for each function.
 * @param {string} word
 * @param {Map<string, {value: string}>} environment
 * @returns {string}
 */
function substituteVariables(word, environment) {
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, bare) => environment.get(braced ?? bare)?.value ?? whole);
}

/**
 * @typedef {object} NpmCall
 * @property {string | null} script  the package.json script it runs, or null for other commands
 * @property {string | undefined} workspace
 * @property {string | undefined} prefix
 * @property {boolean} ifPresent
 */

/**
 * Understands the npm arguments that decide which script of which package.json runs.
 * @param {string[]} argv  the words after `npm`
 * @returns {NpmCall}
 */
export function parseNpmArguments(argv) {
  /** @type {NpmCall} */
  const call = { script: null, workspace: undefined, prefix: undefined, ifPresent: false };
  /** @type {string[]} */
  const positional = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') break; // the rest goes to the script
    const [option, inlineValue] = arg.startsWith('--') ? arg.split(/=(.*)/s) : [arg, undefined];
    if (option === '-w' || option === '--workspace' || option === '--prefix') {
      const value = inlineValue ?? argv[++i];
      if (option === '--prefix') call.prefix = value;
      else call.workspace = value;
    } else if (option === '--if-present') {
      call.ifPresent = true;
    } else if (!arg.startsWith('-')) {
      positional.push(arg);
    }
  }
  const [subcommand, name] = positional;
  if (subcommand && ['run', 'run-script', 'rum', 'urn'].includes(subcommand)) call.script = name ?? null;
  if (subcommand && ['test', 't', 'tst'].includes(subcommand)) call.script = 'test';
  if (subcommand === 'start') call.script = 'start';
  return call;
}

/**
 * @param {NpmCall} call
 * @param {string} directory  where npm runs (repository root or working_directory)
 * @returns {{message: string, fix: string} | null}
 */
function findNpmProblem(call, directory) {
  const { script } = call;
  if (script === null || call.ifPresent || /\$/.test(`${script}${call.workspace ?? ''}${call.prefix ?? ''}`)) {
    return null; // not a script call, allowed to be missing, or not knowable before run time
  }
  const baseDirectory = call.prefix ? path.join(directory, call.prefix) : directory;
  const packageDirectory = call.workspace ? findWorkspace(baseDirectory, call.workspace) : baseDirectory;
  if (!packageDirectory) {
    return { message: `there is no workspace '${call.workspace}' in ${relativeJson(baseDirectory)}`,
      fix: `Use a workspace listed under "workspaces" in ${relativeJson(baseDirectory)}, by folder or package name.` };
  }
  const scripts = readScripts(packageDirectory);
  if (scripts.has(script)) return null;
  // `npm start` without a start script falls back to `node server.js`.
  if (script === 'start' && existsSync(path.join(packageDirectory, 'server.js'))) return null;
  const known = [...scripts].sort().join(', ') || 'none';
  return { message: `there is no script '${script}' in ${relativeJson(packageDirectory)} (it has: ${known})`,
    fix: `Add a "${script}" script to ${relativeJson(packageDirectory)}, or change the task to run a script that exists.` };
}

/**
 * @param {string} directory
 * @returns {string} a short name for the package.json of a directory, for messages
 */
function relativeJson(directory) {
  return path.join(path.relative(process.cwd(), directory), 'package.json');
}

/**
 * @param {string} directory
 * @returns {Set<string>} the script names of the package.json in `directory` (none if missing)
 */
function readScripts(directory) {
  const manifest = readPackageJson(directory);
  const scripts = manifest?.scripts;
  return new Set(scripts && typeof scripts === 'object' ? Object.keys(scripts) : []);
}

/**
 * @param {string} directory
 * @returns {Record<string, unknown> | null}
 */
function readPackageJson(directory) {
  try {
    return JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Finds the folder of an npm workspace given by folder path or by package name. Workspace
 * entries may end with `/*` (every folder inside); other glob forms are not supported.
 * @param {string} rootDirectory
 * @param {string} workspace
 * @returns {string | undefined}
 */
function findWorkspace(rootDirectory, workspace) {
  const declared = readPackageJson(rootDirectory)?.workspaces;
  const list = Array.isArray(declared) ? declared : /** @type {{packages?: unknown}} */ (declared ?? {}).packages;
  const entries = Array.isArray(list) ? list.filter((entry) => typeof entry === 'string') : [];
  const folders = entries.flatMap((entry) => expandWorkspaceEntry(rootDirectory, entry));
  const wanted = normalizeRelative(workspace);
  return folders
    .find((folder) => normalizeRelative(path.relative(rootDirectory, folder)) === wanted || readPackageJson(folder)?.name === workspace);
}

/**
 * @param {string} rootDirectory
 * @param {string} entry  e.g. `final` or `chapters/*`
 * @returns {string[]}
 */
function expandWorkspaceEntry(rootDirectory, entry) {
  if (!entry.endsWith('/*')) return [path.join(rootDirectory, entry)];
  const parent = path.join(rootDirectory, entry.slice(0, -2));
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(parent, d.name));
}

/**
 * @param {string} p
 * @returns {string} `./final/` and `final` both become `final`
 */
function normalizeRelative(p) {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Files of the repository
// ---------------------------------------------------------------------------------------------

/**
 * The files of the repository, relative to `repoRoot`, with `/` separators. When `repoRoot` is
 * the top of a git work tree, that is what git tracks (`git ls-files`): GoCD sees commits, not
 * untracked or ignored files. Otherwise (e.g. a test fixture), every file below `repoRoot`.
 * node_modules and .git are skipped either way.
 * @param {string} repoRoot
 * @returns {string[]}
 */
export function listRepoFiles(repoRoot) {
  const files = isGitTopLevel(repoRoot) ? gitTrackedFiles(repoRoot) : walkFiles(repoRoot, '');
  return files.filter((file) => !file.split('/').some((segment) => SKIPPED_DIRECTORIES.has(segment)));
}

/**
 * @param {string} directory
 * @returns {boolean}
 */
function isGitTopLevel(directory) {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return realpathSync(top.trim()) === realpathSync(directory);
  } catch {
    return false; // not a git repository, or git is not installed
  }
}

/**
 * @param {string} repoRoot
 * @returns {string[]}
 */
function gitTrackedFiles(repoRoot) {
  const output = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return output.split('\0').filter((file) => file !== '');
}

/**
 * @param {string} root
 * @param {string} relative  the folder being walked, relative to root ('' for root itself)
 * @returns {string[]}
 */
function walkFiles(root, relative) {
  return readdirSync(path.join(root, relative), { withFileTypes: true }).flatMap((dirent) => {
    const child = relative ? `${relative}/${dirent.name}` : dirent.name;
    if (dirent.isDirectory()) return SKIPPED_DIRECTORIES.has(dirent.name) ? [] : walkFiles(root, child);
    return dirent.isFile() ? [child] : [];
  });
}

/**
 * @param {string} pattern  an Ant-style pattern, see `matchesGlob`
 * @returns {RegExp}
 */
function globToRegExp(pattern) {
  let normalized = pattern.trim().replace(/\\/g, '/').replace(/^\/+/, '').replace(/^(\.\/)+/, '');
  if (normalized.endsWith('/')) normalized += '**';
  const segments = normalized.split('/');
  const parts = segments.map((segment, index) => {
    const isLast = index === segments.length - 1;
    if (segment === '**') return isLast ? '.*' : '(?:[^/]*/)*';
    const body = segment.split('').map((ch) => {
      if (ch === '*') return '[^/]*';
      if (ch === '?') return '[^/]';
      return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }).join('');
    return isLast ? body : `${body}/`;
  });
  return new RegExp(`^${parts.join('')}$`);
}

// ---------------------------------------------------------------------------------------------
// YAML helpers
// ---------------------------------------------------------------------------------------------

/**
 * Follows an alias to its anchored node. Returns null for a missing value, an explicit null and
 * an unknown alias (reported by `checkUnknownAliases`).
 * @param {FileContext} ctx
 * @param {unknown} node
 * @returns {YamlNode | null}
 */
function resolve(ctx, node) {
  if (isAlias(node)) {
    const target = ctx.doc ? node.resolve(ctx.doc) : undefined;
    return target && !isAlias(target) ? resolve(ctx, target) : null;
  }
  if (isScalar(node) && node.value === null) return null;
  if (isMap(node) || isSeq(node) || isScalar(node)) return node;
  return null;
}

/**
 * The keys of a map in order, with merge keys resolved as the plugin does: the keys of a merged
 * map (`<<: *anchor`, or `<<: [*a, *b]`) are added only where the map does not already have them.
 * @param {FileContext} ctx
 * @param {YamlMap} map
 * @param {Set<unknown>} [visiting]  maps being merged, to stop on a merge cycle
 * @returns {Entry[]}
 */
function mapEntries(ctx, map, visiting = new Set()) {
  const ownKeys = new Set(map.items.filter((pair) => !isMergeKey(pair.key)).map((pair) => keyText(pair.key)));
  /** @type {Entry[]} */
  const entries = [];
  const present = new Set(ownKeys);
  visiting.add(map);
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) {
      entries.push({ key: keyText(pair.key), keyNode: keyNodeOf(pair.key), value: resolve(ctx, pair.value) });
      continue;
    }
    for (const source of mergeSources(ctx, pair.value)) {
      if (visiting.has(source)) continue;
      for (const merged of mapEntries(ctx, source, visiting)) {
        if (present.has(merged.key)) continue; // merged keys never overwrite present keys
        present.add(merged.key);
        entries.push(merged);
      }
    }
  }
  visiting.delete(map);
  return entries;
}

/**
 * @param {FileContext} ctx
 * @param {unknown} value  the value of a `<<` key: a map, an alias, or a list of those
 * @returns {YamlMap[]}
 */
function mergeSources(ctx, value) {
  const node = resolve(ctx, value);
  if (isMap(node)) return [node];
  if (isSeq(node)) return node.items.map((item) => resolve(ctx, item)).filter(isMap);
  return [];
}

/**
 * @param {Entry[]} entries
 * @param {string} key
 * @returns {Entry | undefined}
 */
function getEntry(entries, key) {
  return entries.find((entry) => entry.key === key);
}

/**
 * @param {unknown} key
 * @returns {boolean}
 */
function isMergeKey(key) {
  // The yaml package marks a plain `<<` key with a symbol; a quoted '<<' is an ordinary key.
  return isScalar(key) && typeof key.value === 'symbol';
}

/**
 * @param {unknown} key
 * @returns {string}
 */
function keyText(key) {
  if (isScalar(key)) return scalarText(key);
  if (isAlias(key)) return `*${key.source}`;
  return String(key);
}

/**
 * @param {unknown} key
 * @returns {YamlNode | null}
 */
function keyNodeOf(key) {
  return isScalar(key) || isAlias(key) || isMap(key) || isSeq(key) ? key : null;
}

/**
 * The scalar as written: the plugin reads every scalar as a string, so `yes`, `0x1F` and `y`
 * must be judged by their text, not by what YAML 1.1 would turn them into.
 * @param {import('yaml').Scalar} node
 * @returns {string}
 */
function scalarText(node) {
  if (typeof node.source === 'string') return node.source;
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

/**
 * @param {FileContext} ctx
 * @param {YamlNode | null | undefined} node
 * @returns {number} the 1-based line where the node starts (1 when unknown)
 */
function lineOf(ctx, node) {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : lineAt(ctx, offset);
}

/**
 * @param {FileContext} ctx
 * @param {number} offset
 * @returns {number}
 */
function lineAt(ctx, offset) {
  return ctx.lineCounter.linePos(offset).line;
}

/**
 * Records a finding of the file being checked.
 * @param {FileContext} ctx
 * @param {number} line
 * @param {RuleId} rule
 * @param {string} message
 * @param {string} fix
 */
function report(ctx, line, rule, message, fix) {
  ctx.findings.push(finding(ctx.file, line, rule, message, fix));
}

/**
 * @param {string} file
 * @param {number} line
 * @param {RuleId} rule
 * @param {string} message
 * @param {string} fix
 * @returns {Finding}
 */
function finding(file, line, rule, message, fix) {
  return { file, line, rule, message, fix };
}

/**
 * Sorts findings by file and line. A finding inside an anchored part (e.g. shared stages used by
 * every per-function pipeline) is found once per use; it is reported once.
 * @param {Finding[]} findings
 * @returns {Finding[]}
 */
function sortAndDeduplicate(findings) {
  const seen = new Set();
  return findings
    .filter((finding) => {
      const key = [finding.file, finding.line, finding.rule, finding.message].join('\0');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

const USAGE = `usage: node scripts/gocd/check.mjs [FILE...]

  no FILE   check every *.gocd.yaml / *.gocd.yml that git tracks in this repository,
            with the GoCD format rules and this project's rules
  FILE...   check the given files with the GoCD format rules only

exit code: 0 no findings, 1 findings, 2 usage error`;

/**
 * @param {string[]} args  the command-line arguments
 * @returns {number} the exit code
 */
export function main(args) {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const option = args.find((arg) => arg.startsWith('-'));
  if (option) return usageError(`unknown option ${option}`);
  const missing = args.find((file) => !existsSync(file) || !statSync(file).isFile());
  if (missing) return usageError(`cannot read ${missing}: no such file`);

  const checkRepository = args.length === 0;
  const repoRoot = checkRepository ? findRepoRoot() : '.';
  const files = checkRepository ? findConfigFiles(repoRoot).map((file) => path.join(repoRoot, file)) : args;
  const findings = checkFiles(files, { projectRules: checkRepository, repoRoot });
  printFindings(findings, files);
  if (checkRepository && files.length === 0) {
    console.log('note: only files tracked by git count (a GoCD server sees commits); `git add` a new *.gocd.yaml to check it.');
  }
  return findings.length > 0 ? 1 : 0;
}

/**
 * @param {string} message
 * @returns {number}
 */
function usageError(message) {
  console.error(`check.mjs: ${message}\n\n${USAGE}`);
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

// Run as a program only when this file is the entry point, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
