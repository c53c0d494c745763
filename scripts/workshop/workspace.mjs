// @ts-check
/**
 * The learner's workspace: `workspace/` at the root of the repository, their own copy of the app,
 * and `.workshop/` beside it, which holds their progress and the copies saved before any command
 * overwrote the workspace. Both are ignored by git.
 *
 *   workspace/                             the app the learner edits (what verify, diff, solve see)
 *   .workshop/progress.json                where they are (progress.mjs)
 *   .workshop/saved/<time>-chapter-<M>/    a copy of workspace/ taken before goto, solve, restore
 *
 * Only the app's files are copied, compared and replaced: node_modules, build output and the
 * like (NOT_APP_FILES in chapters.mjs) are left where they are.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { appFiles } from './chapters.mjs';
import { UsageError, command } from './ui.mjs';

/**
 * @typedef {object} Place  where the learner's things are, in one repository
 * @property {string} root
 * @property {string} workspace
 * @property {string} stateDir
 * @property {string} progressFile
 * @property {string} savedDir
 */

/**
 * @param {string} root the repository
 * @returns {Place}
 */
export function placeOf(root) {
  const stateDir = path.join(root, '.workshop');
  return { root, workspace: path.join(root, 'workspace'), stateDir, progressFile: path.join(stateDir, 'progress.json'), savedDir: path.join(stateDir, 'saved') };
}

/**
 * The app files of a folder (relative, with forward slashes), or none when it does not exist.
 * @param {string} dir
 */
export function filesOf(dir) {
  return existsSync(dir) && statSync(dir).isDirectory() ? appFiles(dir, { chapter: false }) : [];
}

/**
 * Stops a command that needs an app in workspace/ when there is none.
 * @param {Place} place
 */
export function requireWorkspace(place) {
  if (!existsSync(place.workspace)) throw new UsageError(`There is no workspace yet (${place.workspace}). To start, type: ${command('goto 1')}`);
  if (!existsSync(path.join(place.workspace, 'package.json'))) {
    throw new UsageError(`workspace/ is not an app: it has no package.json. To set it up again (your files are saved first), type: ${command('goto N')} with your chapter's number`);
  }
}

/**
 * Copies these files from one folder to another, making folders as needed.
 * @param {string} fromDir @param {string} toDir @param {string[]} files
 */
export function copyFiles(fromDir, toDir, files) {
  for (const file of files) {
    const target = path.join(toDir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(fromDir, file), target);
  }
}

/**
 * Removes the folders that removing files has left empty, up to (not including) `dir`.
 * @param {string} dir @param {string[]} removed
 */
function removeEmptyFolders(dir, removed) {
  const folders = new Set(removed.flatMap((file) => file.split('/').slice(0, -1).map((_part, index, parts) => parts.slice(0, index + 1).join('/'))));
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    const full = path.join(dir, folder);
    if (existsSync(full) && readdirSync(full).length === 0) rmdirSync(full);
  }
}

/**
 * An app as files (relative path → content): what a folder holds, or a version of a chapter
 * (steps.mjs), to compare and to write.
 * @typedef {Map<string, Buffer>} App
 */

/**
 * The app files of a folder, read.
 * @param {string} dir
 * @returns {App}
 */
export function readApp(dir) {
  return new Map(filesOf(dir).map((file) => [file, readFileSync(path.join(dir, file))]));
}

/**
 * Whether the folder holds exactly this app, byte for byte.
 * @param {string} dir
 * @param {App} app
 */
export function holdsApp(dir, app) {
  const files = filesOf(dir);
  return files.length === app.size && files.every((file) => app.get(file)?.equals(readFileSync(path.join(dir, file))) === true);
}

/**
 * Makes the app in `dir` exactly `app`: its files are written, and the app files `dir` has that
 * `app` has not are removed (with the folders that leaves empty). Everything else in `dir`
 * (node_modules, build output) stays. With `only`, just those files of `app` are written.
 * @param {string} dir
 * @param {App} app
 * @param {Iterable<string>} [only]
 */
export function writeApp(dir, app, only) {
  if (only === undefined) {
    const removed = filesOf(dir).filter((file) => !app.has(file));
    for (const file of removed) rmSync(path.join(dir, file));
    removeEmptyFolders(dir, removed);
  }
  for (const file of only ?? app.keys()) {
    const bytes = app.get(file);
    if (!bytes) continue;
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
}

/**
 * An app in a new temporary folder, whose packages and their bins are found as those of the app
 * in `resolveFrom` are: its node_modules links to the nearest node_modules above `resolveFrom`
 * that holds the workshop's tooling. For the chain (a chapter's start, a version with one step
 * left out) and for checks that must change an app to see what happens. The caller removes it.
 * @param {App} app
 * @param {string} resolveFrom an app folder of this repository
 * @returns {string} the folder
 */
export function scratchApp(app, resolveFrom) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workshop-app-'));
  writeApp(dir, app);
  linkPackages(dir, resolveFrom);
  return dir;
}

/**
 * Gives a folder outside the repository the packages an app folder of the repository finds: a
 * node_modules link to the nearest node_modules above `resolveFrom` that holds the workshop's
 * tooling.
 * @param {string} dir
 * @param {string} resolveFrom
 */
export function linkPackages(dir, resolveFrom) {
  const installed = (createRequire(path.join(path.resolve(resolveFrom), 'package.json')).resolve.paths('') ?? []).find((folder) => existsSync(path.join(folder, '@session-api', 'quality')));
  if (installed) symlinkSync(installed, path.join(dir, 'node_modules'), 'junction');
}

/**
 * @typedef {object} SavedCopy
 * @property {string} name       the folder's name, e.g. "2026-11-30_10-42-03-chapter-3"
 * @property {string} dir
 * @property {number | undefined} chapter   the chapter the learner was on
 * @property {Date} time
 * @property {string[]} files
 */

const SAVED = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})(?:\.(\d+))?-chapter-(\d+|unknown)$/;

/** @param {number} value */
const two = (value) => String(value).padStart(2, '0');

/**
 * Copies the workspace's app to .workshop/saved/<time>-chapter-<M>/ (local time, so the learner
 * recognises it), unless it has no files.
 * @param {Place} place
 * @param {number | undefined} chapter the chapter the learner is on, if known
 * @param {Date} [now]
 * @returns {SavedCopy | undefined}
 */
export function saveWorkspace(place, chapter, now = new Date()) {
  const files = filesOf(place.workspace);
  if (files.length === 0) return undefined;
  const time = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}_${two(now.getHours())}-${two(now.getMinutes())}-${two(now.getSeconds())}`;
  const suffix = `-chapter-${chapter ?? 'unknown'}`;
  let name = `${time}${suffix}`;
  for (let count = 2; existsSync(path.join(place.savedDir, name)); count++) name = `${time}.${count}${suffix}`;
  const dir = path.join(place.savedDir, name);
  copyFiles(place.workspace, dir, files);
  return { name, dir, chapter, time: now, files };
}

/**
 * The saved copies, newest first.
 * @param {Place} place
 * @returns {SavedCopy[]}
 */
export function savedCopies(place) {
  if (!existsSync(place.savedDir)) return [];
  return readdirSync(place.savedDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && SAVED.test(entry.name))
    .map((entry) => {
      const [, year, month, day, hours, minutes, seconds, count, chapter] = /** @type {RegExpExecArray} */ (SAVED.exec(entry.name));
      const dir = path.join(place.savedDir, entry.name);
      return {
        name: entry.name,
        dir,
        chapter: chapter === 'unknown' ? undefined : Number(chapter),
        time: new Date(Number(year), Number(month) - 1, Number(day), Number(hours), Number(minutes), Number(seconds)),
        count: Number(count ?? 1),
        files: filesOf(dir),
      };
    })
    .sort((a, b) => b.time.getTime() - a.time.getTime() || b.count - a.count)
    .map(({ count: _count, ...copy }) => copy);
}

/**
 * A path the learner typed (relative to where they typed it, or to the workspace; Windows or
 * POSIX) as a path inside the app, with forward slashes: "src/lib/tokens.ts" ("" for the
 * workspace itself). Undefined when it points outside the workspace.
 * @param {string} typed
 * @param {{ cwd: string, workspace: string, pathModule?: typeof path }} where
 */
export function appPath(typed, { cwd, workspace, pathModule = path }) {
  const candidates = pathModule.isAbsolute(typed) ? [typed] : [pathModule.resolve(cwd, typed), pathModule.resolve(workspace, typed)];
  for (const candidate of candidates) {
    const relative = pathModule.relative(workspace, candidate);
    if (relative === '..' || relative.startsWith(`..${pathModule.sep}`) || pathModule.isAbsolute(relative)) continue;
    return relative.split(pathModule.sep).join('/');
  }
  return undefined;
}
