// @ts-check
/**
 * Named regions of a source file: the part of a file a page shows. A region is marked in the
 * file itself, the way editors fold it (and as mdBook, Angular and VitePress name them):
 *
 *   // #region sign-tokens        (TypeScript, JavaScript)
 *   ...
 *   // #endregion sign-tokens
 *
 *   # #region create-user-role    (YAML, shell; `#region name` works too)
 *   ...
 *   # #endregion create-user-role
 *
 * The marker lines themselves are never shown, so regions may nest or overlap. This one module
 * is used by the site's build (remark-code-file.mjs), by the tests that compare a page with the
 * file, and by the learner's commands, which never copy a marker into the workspace (a chapter's
 * `step:` regions are the code its learners write: steps.mjs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MARKER = /^\s*(?:\/\/\s*#|#\s*#?)(region|endregion)\s+([\w.:-]+)\s*$/;

/**
 * A line of a `step:` region that is not the learner's code but what stands in its place in the
 * chapter's start (`// #start: throw`, see steps.mjs): never shown either.
 */
export const START_LINE = /^\s*(?:\/\/|#)\s*#start:\s?(.*)$/;

/**
 * @param {string} line
 * @returns {{kind: 'region' | 'endregion', name: string} | undefined}
 */
export function marker(line) {
  const match = MARKER.exec(line);
  return match ? { kind: /** @type {'region' | 'endregion'} */ (match[1]), name: match[2] ?? '' } : undefined;
}

/**
 * Removes the indentation all non-blank lines share, so a region cut from inside a block starts
 * at the left margin.
 * @param {string[]} lines
 */
export function dedent(lines) {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common));
}

/**
 * The text of one named region of a file, or of the whole file when no region is named, without
 * any region marker lines.
 * @param {string} text the file's content
 * @param {string | undefined} region the region's name
 * @param {string} [where] the file's name, for error messages
 * @returns {string} the code, ending without a newline
 */
export function extractRegion(text, region, where = 'the file') {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const withoutMarkers = (/** @type {string[]} */ part) => part.filter((line) => !marker(line) && !START_LINE.test(line));
  if (region === undefined) return withoutMarkers(lines).join('\n').trimEnd();

  const starts = lines.flatMap((line, index) => (marker(line)?.kind === 'region' && marker(line)?.name === region ? [index] : []));
  if (starts.length === 0) {
    const known = lines.map(marker).flatMap((found) => (found?.kind === 'region' ? [found.name] : []));
    throw new Error(`${where} has no region "${region}" (mark it with "// #region ${region}" … "// #endregion ${region}"; regions there: ${known.join(', ') || 'none'})`);
  }
  if (starts.length > 1) throw new Error(`${where} has ${starts.length} regions named "${region}": names must be unique in a file`);
  const start = /** @type {number} */ (starts[0]);
  const end = lines.findIndex((line, index) => index > start && marker(line)?.kind === 'endregion' && marker(line)?.name === region);
  if (end < 0) throw new Error(`${where}: region "${region}" is never closed (add "// #endregion ${region}")`);
  const body = dedent(withoutMarkers(lines.slice(start + 1, end))).join('\n').replace(/^\n+/, '').trimEnd();
  if (body === '') throw new Error(`${where}: region "${region}" is empty`);
  return body;
}

/**
 * Reads a region of a file of the repository.
 * @param {string} repoRoot the repository's root folder
 * @param {string} file the file's path from the repository's root, e.g. final/src/lib/tokens.ts
 * @param {string | undefined} region
 */
export function readRegion(repoRoot, file, region) {
  if (path.isAbsolute(file) || path.normalize(file).startsWith('..')) {
    throw new Error(`"${file}": give the path from the repository's root, e.g. final/src/lib/tokens.ts`);
  }
  let text;
  try {
    text = readFileSync(path.join(repoRoot, file), 'utf8');
  } catch {
    throw new Error(`"${file}" does not exist in the repository (paths start at the repository's root)`);
  }
  return extractRegion(text, region, file);
}

/** The language a code block of this file is highlighted as. @param {string} file */
export function languageOf(file) {
  const extension = path.extname(file).slice(1);
  /** @type {Record<string, string>} */
  const languages = { ts: 'ts', tsx: 'tsx', mts: 'ts', cts: 'ts', js: 'js', mjs: 'js', cjs: 'js', json: 'json', yml: 'yaml', yaml: 'yaml', sh: 'bash', md: 'md', mdx: 'mdx' };
  return languages[extension] ?? 'text';
}
