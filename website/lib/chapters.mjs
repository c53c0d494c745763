// @ts-check
/**
 * The chapters' own metadata, read from chapters/NN-name/chapter.json, so that the agenda on the
 * home page (and, later, each chapter page's goal and time) has one source: the chapter itself.
 *
 *   { "title": "Tokens", "minutes": 20, "goals": ["Sign an access token", "…"] }
 *
 * Other fields are kept as they are, for the pages that want them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * @typedef {{folder: string, number: number, title: string, minutes: number, goals: string[]}} Chapter
 */

/** The chapters of the short track: the 2-hour slot of a conference talk. */
export const SHORT_TRACK = [1, 2, 3, 4, 5];

const FOLDER = /^(\d{2})-[a-z0-9][a-z0-9-]*$/;

/**
 * @param {unknown} data the parsed chapter.json
 * @param {string} where its path, for error messages
 * @returns {Omit<Chapter, 'folder' | 'number'>}
 */
export function validateChapter(data, where) {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${where}: must hold a JSON object`);
  const { title, minutes, goals = [] } = /** @type {Record<string, unknown>} */ (data);
  if (typeof title !== 'string' || title.trim() === '') throw new Error(`${where}: "title" must be a non-empty string`);
  // 0 is allowed: chapter 00 is the starting point, set up before the clock starts.
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0) throw new Error(`${where}: "minutes" must be a whole number of minutes, 0 or more`);
  if (!Array.isArray(goals) || !goals.every((goal) => typeof goal === 'string')) throw new Error(`${where}: "goals" must be a list of strings`);
  return { .../** @type {object} */ (data), title, minutes, goals };
}

/**
 * Every chapter of the repository, in order. No chapters/ folder, or none with a number yet,
 * gives an empty list; a numbered folder without a valid chapter.json is an error.
 * @param {string} repoRoot
 * @returns {Chapter[]}
 */
export function loadChapters(repoRoot) {
  const folder = path.join(repoRoot, 'chapters');
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && FOLDER.test(entry.name))
    .map((entry) => {
      const where = `chapters/${entry.name}/chapter.json`;
      let data;
      try {
        data = JSON.parse(readFileSync(path.join(repoRoot, where), 'utf8'));
      } catch (error) {
        throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      return { folder: entry.name, number: Number(FOLDER.exec(entry.name)?.[1]), ...validateChapter(data, where) };
    })
    .sort((a, b) => a.number - b.number);
}

/**
 * What the agenda shows: every chapter with its time, the whole workshop's time, and the short
 * track's. Computed at build time (plugins/workshop-chapters.mjs), so the page only renders it.
 * @param {Chapter[]} chapters
 */
export function agenda(chapters) {
  const total = (/** @type {Chapter[]} */ some) => some.reduce((sum, chapter) => sum + chapter.minutes, 0);
  const shortTrack = chapters.filter((chapter) => SHORT_TRACK.includes(chapter.number));
  return {
    chapters: chapters.map(({ folder, number, title, minutes }) => ({ folder, number, title, minutes, time: minutes === 0 ? 'before you start' : duration(minutes) })),
    total: duration(total(chapters)),
    shortTrack: { numbers: shortTrack.map((chapter) => chapter.number), total: duration(total(shortTrack)) },
  };
}

/** "1 h 45 min", "20 min". @param {number} minutes */
export function duration(minutes) {
  const [hours, rest] = [Math.floor(minutes / 60), minutes % 60];
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
