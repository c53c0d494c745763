// @ts-check
/**
 * The learner's progress: one small JSON file, .workshop/progress.json beside workspace/ (never in
 * the home folder), so that it survives goto, solve and restore, which replace the workspace's
 * files, and so that deleting the repository forgets everything.
 *
 *   {
 *     "version": 1,
 *     "chapter": 3,                                  the chapter the learner is on
 *     "chapters": { "3": { "started": "...", "verified": "..." } },   ISO times
 *     "lastVerify": { "chapter": 3, "at": "...", "results": [...] },  what `hint` reads
 *     "hintsShown": { "3/POST /session answers ...": 2 }              levels seen, per check
 *   }
 *
 * It keeps only what was shown: a check's result and reason, never its hints (`hint` reads them
 * from the chapter's checks when asked, one level at a time), so that the file does not hold the
 * answer before the learner asks for it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, command } from './ui.mjs';

/**
 * @typedef {object} ChapterProgress
 * @property {string} [started]    when the learner began the chapter (goto, or passing the one before)
 * @property {string} [verified]   when all its checks first passed on the workspace
 * @property {{ url: string, at: string, passed: boolean }} [deployed]   the last verify --url
 */

/**
 * @typedef {object} RecordedCheck  a check's result, as `hint` and `status` need it
 * @property {string} title
 * @property {'passed' | 'failed' | 'skipped'} state
 * @property {string} [reason]
 * @property {string} [explained]
 */

/**
 * @typedef {object} LastVerify
 * @property {number} chapter
 * @property {string} at
 * @property {string} [url]
 * @property {{ kind: 'types' | 'build', errors: import('./causes.mjs').SourceError[] }} [cause]   what stopped the checks
 * @property {RecordedCheck[]} results
 */

/**
 * @typedef {object} Progress
 * @property {1} version
 * @property {number} chapter
 * @property {Record<string, ChapterProgress>} chapters
 * @property {LastVerify} [lastVerify]
 * @property {Record<string, number>} hintsShown
 */

/** The start of a learner's progress, on chapter `chapter`. @param {number} chapter @returns {Progress} */
export function newProgress(chapter) {
  return { version: 1, chapter, chapters: {}, hintsShown: {} };
}

/** The progress file could not be read: what is wrong, and what to type. */
export class DamagedProgress extends UsageError {}

/**
 * @param {unknown} data
 * @returns {string | undefined} what is wrong with it
 */
function problemOf(data) {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'it does not hold a JSON object';
  const progress = /** @type {Record<string, unknown>} */ (data);
  if (progress['version'] !== 1) return `its "version" is ${JSON.stringify(progress['version'])}, not 1`;
  if (!Number.isInteger(progress['chapter'])) return '"chapter" is not a chapter number';
  if (typeof progress['chapters'] !== 'object' || progress['chapters'] === null || Array.isArray(progress['chapters'])) return '"chapters" is not an object';
  if (typeof progress['hintsShown'] !== 'object' || progress['hintsShown'] === null) return '"hintsShown" is not an object';
  return undefined;
}

/**
 * The learner's progress, or undefined when there is no progress file yet. A file that cannot be
 * read as progress is a DamagedProgress error naming the fix (goto N --keep starts a new one and
 * keeps the damaged file beside it).
 * @param {import('./workspace.mjs').Place} place
 * @returns {Progress | undefined}
 */
export function readProgress(place) {
  if (!existsSync(place.progressFile)) return undefined;
  const where = path.relative(place.root, place.progressFile);
  let data;
  try {
    data = JSON.parse(readFileSync(place.progressFile, 'utf8'));
  } catch (error) {
    throw new DamagedProgress(`${where} is damaged (${error instanceof Error ? error.message : String(error)}). Say which chapter you are on to start a new one (the damaged file is kept): ${command('goto N --keep')}`);
  }
  const problem = problemOf(data);
  if (problem) throw new DamagedProgress(`${where} is damaged: ${problem}. Say which chapter you are on to start a new one (the damaged file is kept): ${command('goto N --keep')}`);
  return /** @type {Progress} */ (data);
}

/**
 * The learner's progress, for commands that need to know the chapter.
 * @param {import('./workspace.mjs').Place} place
 * @returns {Progress}
 */
export function requireProgress(place) {
  const progress = readProgress(place);
  if (progress) return progress;
  if (existsSync(place.workspace)) {
    throw new UsageError(`There is no progress file (${path.relative(place.root, place.progressFile)}), so the chapter you are on is unknown. Say which it is (workspace/ stays as it is): ${command('goto N --keep')}`);
  }
  throw new UsageError(`You have not started the workshop yet. To start, type: ${command('goto 1')}`);
}

/**
 * Writes the progress file: first to a temporary file, then renamed over the old one, so that
 * an interrupted write never leaves half a file.
 * @param {import('./workspace.mjs').Place} place
 * @param {Progress} progress
 */
export function writeProgress(place, progress) {
  mkdirSync(place.stateDir, { recursive: true });
  const temporary = `${place.progressFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(progress, null, 2)}\n`);
  renameSync(temporary, place.progressFile);
}

/**
 * Moves a damaged progress file aside (progress.damaged-<ms>.json), so a new one can start
 * without losing it.
 * @param {import('./workspace.mjs').Place} place
 * @returns {string | undefined} where it went
 */
export function keepDamagedProgress(place) {
  if (!existsSync(place.progressFile)) return undefined;
  const aside = path.join(place.stateDir, `progress.damaged-${Date.now()}.json`);
  renameSync(place.progressFile, aside);
  return aside;
}

/**
 * The record of one chapter, created when missing.
 * @param {Progress} progress @param {number} chapter
 * @returns {ChapterProgress}
 */
export function chapterRecord(progress, chapter) {
  return (progress.chapters[String(chapter)] ??= {});
}

/**
 * Moves the learner to `chapter`, starting its clock the first time (the time a chapter took
 * runs from its first start to its first verify that passed).
 * @param {Progress} progress @param {number} chapter @param {Date} now
 */
export function moveTo(progress, chapter, now) {
  progress.chapter = chapter;
  chapterRecord(progress, chapter).started ??= now.toISOString();
}
