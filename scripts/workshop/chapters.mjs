// @ts-check
/**
 * The chapters of the workshop: numbered folders chapters/NN-name/, each a complete app (the
 * state of the code at the END of that chapter) plus what describes it:
 *
 *   chapter.json   title, minutes, goals, the sections of its page, its steps (the code its
 *                  learners write: steps.mjs), what the given files do, and the files its lesson
 *                  adds, changes and removes
 *   checks/        the chapter's checks (`npm test` in the folder, `workshop verify`)
 *   README.md      a short page for GitHub readers
 *
 * Everything else in the folder is the app, which is what `goto` copies into your workspace and
 * what the declared-changes check compares between chapters. final/ is the app past the last
 * chapter; final/beyond-the-slot.json declares what it has that no chapter teaches (and, like a
 * chapter's README.md, is not part of the app).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} Changes  paths relative to the app folder; a glob `dir/**` covers a folder
 * @property {string[]} added
 * @property {string[]} changed
 * @property {string[]} removed
 */

/**
 * @typedef {object} Step  a part of the lesson the learner writes (steps.mjs)
 * @property {string} name       e.g. "sign-tokens", as its regions are named (step:sign-tokens)
 * @property {string} section    the section of the chapter's page that shows its code and explains it
 * @property {string} does       what it does, in a few words: the placeholder says it
 */

/**
 * @typedef {object} Chapter
 * @property {number} number
 * @property {string} folder       e.g. "03-log-in"
 * @property {string} dir          absolute path
 * @property {string} title
 * @property {number} minutes      0 for the starting point
 * @property {string[]} goals
 * @property {string[]} sections   the headings of the chapter's page; each check's `explained` is one
 * @property {Step[]} steps        the code its learners write, in the order the page shows it
 * @property {Record<string, string>} given  what a given file does, for files that do not say it in a first comment
 * @property {string} page         the chapter's page on the website, e.g. "/chapters/03-log-in"
 * @property {Changes} changes
 */

const FOLDER = /^(\d{2})-[a-z0-9][a-z0-9-]*$/;

/** Files and folders that are not part of an app: metadata, dependencies, build output. */
export const CHAPTER_METADATA = ['chapter.json', 'checks', 'README.md', 'beyond-the-slot.json'];
export const NOT_APP_FILES = ['node_modules', '.serverless', '.esbuild', '.nyc_output', 'coverage', 'reports', 'dist', '.local', '.workshop.json'];
const NOT_APP_PATTERNS = [/^\.serverless-/, /\.tsbuildinfo$/];

/**
 * The repository the workshop runs in: the nearest folder above `from` with a chapters/ folder
 * and a package.json, else the one this package belongs to.
 * @param {string} [from]
 */
export function repositoryRoot(from = process.cwd()) {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'chapters')) && existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  return fileURLToPath(new URL('../..', import.meta.url));
}

/**
 * @param {unknown} list
 * @param {string} where
 * @returns {string[]}
 */
function stringList(list, where) {
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw new Error(`${where} must be a list of strings`);
  return list;
}

/**
 * @param {unknown} data the parsed chapter.json
 * @param {string} where its path, for error messages
 */
export function validateChapter(data, where) {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${where}: must hold a JSON object`);
  const { title, minutes, goals, sections, steps = [], given = {}, changes = {} } = /** @type {Record<string, any>} */ (data);
  if (typeof title !== 'string' || title.trim() === '') throw new Error(`${where}: "title" must be a non-empty string`);
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0) throw new Error(`${where}: "minutes" must be a whole number of minutes`);
  const sectionList = stringList(sections, `${where}: "sections"`);
  if (typeof given !== 'object' || given === null || Array.isArray(given) || !Object.values(given).every((value) => typeof value === 'string' && value.trim() !== '')) {
    throw new Error(`${where}: "given" must map a file's path to what it does, in words`);
  }
  return {
    title,
    minutes,
    goals: stringList(goals, `${where}: "goals"`),
    sections: sectionList,
    steps: validateSteps(steps, sectionList, where),
    given,
    changes: {
      added: stringList(changes.added, `${where}: "changes.added"`),
      changed: stringList(changes.changed, `${where}: "changes.changed"`),
      removed: stringList(changes.removed, `${where}: "changes.removed"`),
    },
  };
}

const STEP_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * @param {unknown} steps chapter.json's "steps"
 * @param {string[]} sections
 * @param {string} where
 * @returns {Step[]}
 */
function validateSteps(steps, sections, where) {
  if (!Array.isArray(steps)) throw new Error(`${where}: "steps" must be a list of { "name", "section", "does" }`);
  const names = new Set();
  return steps.map((step, index) => {
    const { name, section, does } = /** @type {Record<string, unknown>} */ (step ?? {});
    const at = `${where}: steps[${index}]`;
    if (typeof name !== 'string' || !STEP_NAME.test(name)) throw new Error(`${at}: "name" must be lower case words joined by dashes, as its regions are named (step:sign-tokens)`);
    if (names.has(name)) throw new Error(`${at}: a second step named "${name}"`);
    names.add(name);
    if (typeof section !== 'string' || !sections.includes(section)) throw new Error(`${at}: "section" must be one of the chapter's sections (${sections.join(', ')}), the one that shows its code`);
    if (typeof does !== 'string' || does.trim() === '') throw new Error(`${at}: "does" must say what the step does, in a few words`);
    return { name, section, does };
  });
}

/**
 * Every chapter, in order.
 * @param {string} [root] the repository
 * @returns {Chapter[]}
 */
export function loadChapters(root = repositoryRoot()) {
  const folder = path.join(root, 'chapters');
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && FOLDER.test(entry.name))
    .map((entry) => {
      const where = `chapters/${entry.name}/chapter.json`;
      let data;
      try {
        data = JSON.parse(readFileSync(path.join(root, where), 'utf8'));
      } catch (error) {
        throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      return {
        number: Number(FOLDER.exec(entry.name)?.[1]),
        folder: entry.name,
        dir: path.join(folder, entry.name),
        page: `/chapters/${entry.name}`,
        ...validateChapter(data, where),
      };
    })
    .sort((a, b) => a.number - b.number);
}

/**
 * The files of the app in `dir`, relative to it with forward slashes, sorted. Leaves out
 * dependencies, build output and, with `chapter`, the chapter's own metadata.
 * @param {string} dir
 * @param {{ chapter?: boolean }} [options]
 * @returns {string[]}
 */
export function appFiles(dir, { chapter = true } = {}) {
  const skipped = new Set([...NOT_APP_FILES, ...(chapter ? CHAPTER_METADATA : [])]);
  /** @type {string[]} */
  const files = [];
  /** @param {string} relative */
  const walk = (relative) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      if (skipped.has(entry.name) || NOT_APP_PATTERNS.some((pattern) => pattern.test(entry.name))) continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.push(child);
    }
  };
  walk('');
  return files.sort();
}
