// @ts-check
/**
 * How the checker reads YAML as the GoCD YAML config plugin does (aliases followed, merge keys
 * that never overwrite, every scalar as its text), and the context of the file being checked:
 * its findings and what the project rules need to know about its pipelines.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import { finding } from './rules.mjs';

/** @typedef {import('yaml').Node} YamlNode */
/** @typedef {import('yaml').YAMLMap<unknown, unknown>} YamlMap */
/** @typedef {import('yaml').YAMLSeq<unknown>} YamlSeq */
/** @typedef {import('yaml').Document.Parsed} YamlDocument */
/** @typedef {import('yaml').LineCounter} LineCounter */
/** @typedef {import('./rules.mjs').Finding} Finding */
/** @typedef {import('./rules.mjs').RuleId} RuleId */

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

/**
 * Follows an alias to its anchored node. Returns null for a missing value, an explicit null and
 * an unknown alias (reported by `checkUnknownAliases`).
 * @param {FileContext} ctx
 * @param {unknown} node
 * @returns {YamlNode | null}
 */
export function resolve(ctx, node) {
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
export function mapEntries(ctx, map, visiting = new Set()) {
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
export function getEntry(entries, key) {
  return entries.find((entry) => entry.key === key);
}

/**
 * @param {unknown} key
 * @returns {boolean}
 */
export function isMergeKey(key) {
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
export function scalarText(node) {
  if (typeof node.source === 'string') return node.source;
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

/**
 * @param {FileContext} ctx
 * @param {YamlNode | null | undefined} node
 * @returns {number} the 1-based line where the node starts (1 when unknown)
 */
export function lineOf(ctx, node) {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : lineAt(ctx, offset);
}

/**
 * @param {FileContext} ctx
 * @param {number} offset
 * @returns {number}
 */
export function lineAt(ctx, offset) {
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
export function report(ctx, line, rule, message, fix) {
  ctx.findings.push(finding(ctx.file, line, rule, message, fix));
}

