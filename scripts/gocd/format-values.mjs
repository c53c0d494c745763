// @ts-check
/**
 * Checks of single fields that the GoCD YAML config plugin (and the server) make at every level
 * of a pipeline: booleans, integers, unique names, the expected kind of node, and the keys a
 * single-key map silently drops.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { getEntry, lineOf, report, scalarText } from './yaml-nodes.mjs';

/** @typedef {import('./yaml-nodes.mjs').Entry} Entry */
/** @typedef {import('./yaml-nodes.mjs').FileContext} FileContext */
/** @typedef {import('./yaml-nodes.mjs').YamlNode} YamlNode */
/** @typedef {import('./rules.mjs').RuleId} RuleId */

/** The plugin accepts these words, in any case form, where it expects a boolean. */
const BOOLEAN_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off'];

/** Only whole decimal numbers: the plugin parses integers from the scalar's text. */
const INTEGER_PATTERN = /^[-+]?[0-9]+$/;

/**
 * The keys after the first one of a single-key map (stage, task, artifact) are silently dropped:
 * the YAML plugin's TaskTransform, for one, transforms the first entry of a task's map and
 * returns. `fix` replaces the usual advice where indenting cannot help.
 * @param {FileContext} ctx
 * @param {Entry[]} extras
 * @param {string} where
 * @param {(key: string) => string} [fix]
 */
export function reportDroppedKeys(ctx, extras, where, fix) {
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
export function checkBooleans(ctx, entries, fields) {
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
export function checkInteger(ctx, entry, field, alternative = '') {
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
export function checkUniqueNames(ctx, named, rule, kind) {
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
export function expectMap(ctx, entry, where, expected) {
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
export function expectList(ctx, entry, where, expected) {
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
export function reportWrongType(ctx, node, where, expected) {
  const actual = isMap(node) ? 'a map' : isSeq(node) ? 'a list' : isScalar(node) && node.value !== null ? `'${scalarText(node)}'` : 'empty';
  report(ctx, lineOf(ctx, node), 'wrong-type', `${where} must be ${expected}, but it is ${actual}`,
    `Rewrite ${where} as ${expected}.`);
}
