// @ts-check
/**
 * The GoCD YAML plugin's rules for a whole file (the YAML itself, the top-level keys, the
 * format_version) and across the files of a repository (unique pipeline names, one version).
 */
import { isMap, isScalar, LineCounter, parseAllDocuments, visit } from 'yaml';
import { checkPipeline } from './format-pipeline.mjs';
import { checkInteger, expectMap, reportWrongType } from './format-values.mjs';
import { finding } from './rules.mjs';
import { getEntry, isMergeKey, lineAt, lineOf, mapEntries, report, resolve, scalarText } from './yaml-nodes.mjs';

/** @typedef {import('./yaml-nodes.mjs').Entry} Entry */
/** @typedef {import('./yaml-nodes.mjs').FileContext} FileContext */
/** @typedef {import('./yaml-nodes.mjs').PipelineInfo} PipelineInfo */
/** @typedef {import('./yaml-nodes.mjs').YamlMap} YamlMap */
/** @typedef {import('./yaml-nodes.mjs').YamlDocument} YamlDocument */
/** @typedef {import('./rules.mjs').Finding} Finding */

const TOP_LEVEL_KEYS = ['format_version', 'pipelines', 'environments', 'common'];

/**
 * Parses one file and applies every format rule that needs only this file.
 *
 * @param {string} file
 * @param {string} text
 * @returns {FileContext}
 */
export function checkOneFile(file, text) {
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
 * Pipeline names are unique across every file of the repository, and all files declare the same
 * format_version (a missing one counts as 1).
 * @param {FileContext[]} contexts
 * @returns {Finding[]}
 */
export function checkAcrossFiles(contexts) {
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
