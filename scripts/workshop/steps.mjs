// @ts-check
/**
 * A chapter's steps: the code its learners write, and nothing else. Everything a lesson does not
 * teach (settings, plumbing, helpers, imports, most tests) is given; the lesson's own lines are
 * marked in the chapter's files, where they belong, as `step:` regions:
 *
 *   export function signAccessToken(claims: AccessClaims): string {
 *     // #region step:sign-tokens
 *     // #start: throw
 *     return jwt.sign(...);
 *     // #endregion step:sign-tokens
 *   }
 *
 * and chapter.json names each step, the section of the chapter's page that shows its code and
 * explains it, and what it does:
 *
 *   "steps": [{ "name": "sign-tokens", "section": "Sign the tokens", "does": "sign the access token" }]
 *
 * A step may have several regions (in several files; in one file, name them step:NAME.2, ...).
 * Each chapter stays one copy, from which its versions are made:
 *
 *   solution    the chapter's files without any region marker: what `solve` copies and `diff`
 *               compares with (a learner never sees a marker)
 *   start       every step's region replaced by its placeholder: what `goto` gives. The
 *               placeholder says what goes there and where the page explains it, and keeps the app
 *               compiling and starting: `// #start: CODE` lines give the code that stands in the
 *               step's place (`// #start: throw` is short for a throw that names the step)
 *   variants    some steps left out, the others written: the chain proves that each step is
 *               checked (with every step written but one, a check of its section fails)
 *
 * A placeholder, as the learner finds it in the start (`#` instead of `//` in YAML):
 *
 *   // ✍ Step "sign-tokens": sign the access token.
 *   //   Chapter 3 explains it under "Sign the tokens". Replace these 3 lines with your code.
 *   throw new Error('Step "sign-tokens" is not written yet (chapter 3, "Sign the tokens")');
 *
 * The region's marker must be indented as its code is, so that the page's code (shown from the
 * left margin) put in the placeholder's place at the placeholder's indentation is the solution,
 * byte for byte.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { appFiles } from './chapters.mjs';
import { START_LINE, dedent, marker } from './regions.mjs';

/**
 * @typedef {import('./chapters.mjs').Chapter} Chapter
 * @typedef {import('./chapters.mjs').Step} Step
 */

/**
 * @typedef {object} StepRegion  one region of a step, in one file of the chapter
 * @property {string} step       the step's name
 * @property {string} region     the region's name, e.g. "step:sign-tokens" or "step:sign-tokens.2"
 * @property {string} file       the file, relative to the app, e.g. "src/lib/tokens.ts"
 * @property {number} line       the line of its #region marker, from 1
 * @property {string} indent     the marker's indentation, which the code shares
 * @property {string[]} code     the learner's lines, as the page shows them (from the left margin)
 * @property {string[]} start    the code that stands in its place in the start (from the left margin)
 * @property {number} part       1 for the first region of its step, in file and line order
 * @property {number} parts      how many regions its step has
 */

/** A region that holds a step's code. */
export const STEP_REGION = /^step:([a-z][a-z0-9-]*)(?:\.[\w-]+)?$/;

/** Files whose step markers, placeholders and comments are written with `#`; all others with `//`. */
const HASH_COMMENTS = /\.(ya?ml|sh)$/;

/** @param {string} file */
export const commentOf = (file) => (HASH_COMMENTS.test(file) ? '#' : '//');

/**
 * The throw that `// #start: throw` stands for: a function whose step is not written yet fails
 * with the step's name, which is what `verify` then shows from the function's log.
 * @param {Chapter} chapter @param {Step} step
 */
export function notWrittenYet(chapter, step) {
  return `throw new Error('Step "${step.name}" is not written yet (chapter ${chapter.number}, "${step.section}")');`;
}

/**
 * The lines of a file, split on \n (a \r\n file keeps its \r on each line).
 * @param {string} text
 */
const linesOf = (text) => text.split('\n');

/**
 * The step regions of one file's text, in line order; an error names the file and line of any
 * region that is not well formed.
 * @param {string} text
 * @param {string} file the file's path in the app, for messages and the comment syntax
 * @returns {Omit<StepRegion, 'part' | 'parts'>[]}
 */
export function stepRegionsOf(text, file) {
  const lines = linesOf(text);
  /** @type {Omit<StepRegion, 'part' | 'parts'>[]} */
  const regions = [];
  /** @type {{ name: string, step: string, at: number } | undefined} */
  let open;
  const seen = new Set();
  for (const [index, line] of lines.entries()) {
    const found = marker(line);
    if (!found) continue;
    const step = STEP_REGION.exec(found.name)?.[1];
    if (!step) {
      if (found.name.startsWith('step:')) throw new Error(`${file}:${index + 1}: "${found.name}" is not a step region's name (step:NAME, or step:NAME.PART for a second region of the step in this file; NAME in lower case and dashes)`);
      continue;
    }
    if (found.kind === 'region') {
      if (open) throw new Error(`${file}:${index + 1}: step region "${found.name}" starts inside "${open.name}" (line ${open.at + 1}): steps do not nest`);
      if (seen.has(found.name)) throw new Error(`${file}:${index + 1}: a second region named "${found.name}": name the next one ${found.name}.2`);
      seen.add(found.name);
      open = { name: found.name, step, at: index };
      continue;
    }
    if (!open || open.name !== found.name) throw new Error(`${file}:${index + 1}: "#endregion ${found.name}" closes no open step region`);
    const inside = lines.slice(open.at + 1, index);
    const startLines = inside.filter((candidate) => START_LINE.test(candidate)).map((candidate) => START_LINE.exec(candidate)?.[1] ?? '');
    const code = inside.filter((candidate) => !START_LINE.test(candidate) && !marker(candidate));
    const indent = /^\s*/.exec(lines[open.at] ?? '')?.[0] ?? '';
    const written = code.filter((candidate) => candidate.trim() !== '');
    if (written.length === 0) throw new Error(`${file}:${open.at + 1}: step region "${open.name}" holds no code`);
    const common = Math.min(...written.map((candidate) => candidate.search(/\S/)));
    if (common !== indent.length || written.some((candidate) => !candidate.startsWith(indent))) {
      throw new Error(`${file}:${open.at + 1}: the marker of step region "${open.name}" is indented ${JSON.stringify(indent)} and its code ${common} character(s): indent them alike, so that the page's code put in the placeholder's place is the solution`);
    }
    const shown = dedent(code);
    regions.push({ step: open.step, region: open.name, file, line: open.at + 1, indent, code: trimBlankEnds(shown), start: startLines });
    open = undefined;
  }
  if (open) throw new Error(`${file}:${open.at + 1}: step region "${open.name}" is never closed (add "${commentOf(file)} #endregion ${open.name}")`);
  return regions;
}

/** Leading and trailing blank lines are not the learner's to write. @param {string[]} lines */
function trimBlankEnds(lines) {
  let [first, last] = [0, lines.length];
  while (first < last && (lines[first] ?? '').trim() === '') first += 1;
  while (last > first && (lines[last - 1] ?? '').trim() === '') last -= 1;
  return lines.slice(first, last);
}

/**
 * Whether a file may hold markers: text, and not too big to read whole.
 * @param {Buffer} bytes
 */
const mayHoldMarkers = (bytes) => bytes.includes('#region') || bytes.includes('#start:') || bytes.includes('#endregion');

/**
 * Every step region of a chapter, in file and line order, each with its part number; an error
 * names a region whose step chapter.json does not list, or a listed step without a region.
 * @param {Chapter} chapter
 * @returns {StepRegion[]}
 */
export function chapterStepRegions(chapter) {
  /** @type {Omit<StepRegion, 'part' | 'parts'>[]} */
  const found = [];
  for (const file of appFiles(chapter.dir)) {
    const bytes = readFileSync(path.join(chapter.dir, file));
    if (mayHoldMarkers(bytes)) found.push(...stepRegionsOf(bytes.toString('utf8'), file));
  }
  const named = new Set(chapter.steps.map((step) => step.name));
  for (const region of found) {
    if (!named.has(region.step)) throw new Error(`chapters/${chapter.folder}/${region.file}:${region.line}: step "${region.step}" is not in chapter.json's "steps" (${[...named].join(', ') || 'none'})`);
  }
  for (const step of chapter.steps) {
    if (!found.some((region) => region.step === step.name)) throw new Error(`chapters/${chapter.folder}/chapter.json: step "${step.name}" has no region in the chapter's files (mark its code with "// #region step:${step.name}" … "// #endregion step:${step.name}")`);
  }
  return found.map((region) => {
    const own = found.filter((candidate) => candidate.step === region.step);
    return { ...region, part: own.indexOf(region) + 1, parts: own.length };
  });
}

/**
 * The placeholder of a step region in the start: what goes there and where the page explains it,
 * then the code that stands in its place.
 * @param {Chapter} chapter
 * @param {StepRegion} region
 * @returns {string[]} the lines, indented as the region's marker
 */
export function placeholderLines(chapter, region) {
  const step = stepNamed(chapter, region.step);
  const comment = commentOf(region.file);
  const start = region.start.map((line) => (line.trim() === 'throw' ? notWrittenYet(chapter, step) : line));
  const count = 2 + start.length;
  const part = region.parts > 1 ? `, part ${region.part} of ${region.parts}` : '';
  return [
    `${comment} ✍ Step "${step.name}"${part}: ${step.does}`,
    `${comment}   Chapter ${chapter.number} explains it under "${step.section}". Replace these ${count} lines with your code.`,
    ...start,
  ].map((line) => `${region.indent}${line}`);
}

/**
 * @param {Chapter} chapter @param {string} name
 * @returns {Step}
 */
export function stepNamed(chapter, name) {
  const step = chapter.steps.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`chapter ${chapter.number} has no step "${name}"`);
  return step;
}

/**
 * One file of a chapter as a version of the app has it: no marker, and each step region either
 * its code or, for a step left out, its placeholder.
 * @param {Chapter} chapter
 * @param {string} text the chapter's file
 * @param {string} file its path in the app
 * @param {(step: string) => boolean} leftOut
 * @param {StepRegion[]} regions the chapter's step regions (for part numbers)
 */
export function versionText(chapter, text, file, leftOut, regions) {
  const lines = linesOf(text);
  /** @type {string[]} */
  const out = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = /** @type {string} */ (lines[index]);
    const found = marker(line);
    const step = found?.kind === 'region' ? STEP_REGION.exec(found.name)?.[1] : undefined;
    if (found && step && leftOut(step)) {
      const region = regions.find((candidate) => candidate.file === file && candidate.line === index + 1);
      if (!region) throw new Error(`${file}:${index + 1}: step region "${found.name}" was not read`);
      out.push(...placeholderLines(chapter, region));
      const end = lines.findIndex((candidate, at) => at > index && marker(candidate)?.kind === 'endregion' && marker(candidate)?.name === found.name);
      index = end;
      continue;
    }
    if (found || START_LINE.test(line)) continue;
    out.push(line);
  }
  return out.join('\n');
}

/**
 * A file's text as the solution has it: without any region marker or #start line.
 * @param {string} text
 */
export function solutionText(text) {
  return linesOf(text)
    .filter((line) => !marker(line) && !START_LINE.test(line))
    .join('\n');
}

/**
 * A file of an app folder as the solution has it (bytes as they are when it holds no marker).
 * @param {string} file the file's full path
 * @returns {Buffer}
 */
export function solutionBytes(file) {
  const bytes = readFileSync(file);
  return mayHoldMarkers(bytes) ? Buffer.from(solutionText(bytes.toString('utf8'))) : bytes;
}

/**
 * A version of a chapter's app: its files (relative path → content), each step either written
 * or left out.
 * @param {Chapter} chapter
 * @param {(step: string) => boolean} leftOut which steps stand as placeholders
 * @returns {Map<string, Buffer>}
 */
export function appVersion(chapter, leftOut) {
  const regions = chapterStepRegions(chapter);
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  for (const file of appFiles(chapter.dir)) {
    const bytes = readFileSync(path.join(chapter.dir, file));
    files.set(file, mayHoldMarkers(bytes) ? Buffer.from(versionText(chapter, bytes.toString('utf8'), file, leftOut, regions)) : bytes);
  }
  return files;
}

/** The start of a chapter: every step left out. @param {Chapter} chapter */
export const startVersion = (chapter) => appVersion(chapter, () => true);

/** The solution of a chapter: every step written, no marker. @param {Chapter} chapter */
export const solutionVersion = (chapter) => appVersion(chapter, () => false);

/**
 * The lines a learner writes in a chapter: the non-blank lines of its steps' code.
 * @param {Chapter} chapter
 * @returns {{ total: number, steps: { name: string, section: string, lines: number }[] }}
 */
export function linesToWrite(chapter) {
  const regions = chapterStepRegions(chapter);
  const steps = chapter.steps.map((step) => ({
    name: step.name,
    section: step.section,
    lines: regions.filter((region) => region.step === step.name).reduce((sum, region) => sum + region.code.filter((line) => line.trim() !== '').length, 0),
  }));
  return { total: steps.reduce((sum, step) => sum + step.lines, 0), steps };
}

/** At most this many lines to write per planned minute of a chapter. */
export const LINES_PER_MINUTE = 3;

// ---------------------------------------------------------------------------------------------
// Placeholders in the learner's files.

const PLACEHOLDER = /^(\s*)(?:\/\/|#) ✍ Step "([a-z][a-z0-9-]*)"(?:, part (\d+) of (\d+))?: /;
const REPLACE = /Replace these (\d+) lines with your code\.$/;

/**
 * @typedef {object} Placeholder  a step's place, still unwritten, in a file of the learner's
 * @property {string} step
 * @property {number} part
 * @property {number} line     its first line, from 1
 * @property {number} count    how many lines it has
 * @property {string} indent
 */

/**
 * The placeholders a file still holds.
 * @param {string} text
 * @returns {Placeholder[]}
 */
export function placeholdersIn(text) {
  const lines = linesOf(text);
  /** @type {Placeholder[]} */
  const found = [];
  for (const [index, line] of lines.entries()) {
    const match = PLACEHOLDER.exec(line);
    const count = REPLACE.exec(lines[index + 1] ?? '')?.[1];
    if (!match || !count) continue;
    found.push({ step: /** @type {string} */ (match[2]), part: Number(match[3] ?? 1), line: index + 1, count: Number(count), indent: match[1] ?? '' });
  }
  return found;
}

/**
 * Puts code in a placeholder's place, indented as the placeholder (blank lines stay empty).
 * @param {string} text the file
 * @param {Placeholder} placeholder one of placeholdersIn(text)
 * @param {string[]} code from the left margin, as the page shows it
 */
export function fillPlaceholder(text, placeholder, code) {
  const lines = linesOf(text);
  const indented = code.map((line) => (line.trim() === '' ? '' : `${placeholder.indent}${line}`));
  lines.splice(placeholder.line - 1, placeholder.count, ...indented);
  return lines.join('\n');
}

/**
 * The steps still to write in an app folder (the learner's workspace): each placeholder found,
 * with its file, in path and line order.
 * @param {string} dir
 * @param {string[]} files the app's files
 * @returns {(Placeholder & { file: string })[]}
 */
export function placeholdersInApp(dir, files) {
  return files.flatMap((file) => {
    const full = path.join(dir, file);
    if (!existsSync(full)) return [];
    const bytes = readFileSync(full);
    if (!bytes.includes('✍ Step "')) return [];
    return placeholdersIn(bytes.toString('utf8')).map((placeholder) => ({ ...placeholder, file }));
  });
}
