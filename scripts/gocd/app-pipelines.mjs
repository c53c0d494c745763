// @ts-check
/**
 * Which app a pipelines file describes, and which pipelines file describes an app.
 *
 * A GoCD pipelines file names repository paths literally (the materials' `includes`, the
 * artifacts' `source`, the folders npm runs in), so one file describes an app at one place in
 * the repository:
 *
 *   pipelines.gocd.yaml, at the root   final/: the pipelines a GoCD server registered on this
 *                                      repository runs (PIPELINES.md)
 *   <app>/chapter.pipelines.yaml       the app in the folder the file is in: a chapter
 *                                      (chapters/09-pipelines/) or your copy of one (workspace/)
 *
 * A chapter's file is not named *.gocd.yaml, so that a GoCD server registered on the repository
 * with its default file pattern never loads it. `pipelines-check --app DIR` and
 * `pipeline-run --app DIR` work on the app in DIR with the file this module finds for it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository's own pipelines file, at its root. */
export const ROOT_PIPELINES_FILE = 'pipelines.gocd.yaml';
/** The app the root file describes. */
export const ROOT_APP = 'final';
/** The pipelines file of any other app, in the app's folder. */
export const APP_PIPELINES_FILE = 'chapter.pipelines.yaml';

/**
 * @param {string} relative
 * @returns {string} with `/` separators, `.` for the folder itself
 */
function slashes(relative) {
  return relative.split(path.sep).join('/') || '.';
}

/**
 * The app a pipelines file describes: the folder the file is in, or final/ for a file at the
 * root of the repository.
 * @param {string} file
 * @param {string} repoRoot
 * @returns {string} the app's folder relative to repoRoot, with `/` separators
 */
export function appOfPipelinesFile(file, repoRoot) {
  const folder = path.relative(path.resolve(repoRoot), path.dirname(path.resolve(file)));
  return folder === '' ? ROOT_APP : slashes(folder);
}

/**
 * The pipelines file of the app in `appDir`: its own chapter.pipelines.yaml, or, for final/,
 * the root pipelines.gocd.yaml. `exists: false` gives the path where the app's file belongs.
 * @param {string} appDir
 * @param {string} repoRoot
 * @returns {{file: string, exists: boolean}}
 */
export function pipelinesFileOfApp(appDir, repoRoot) {
  const own = path.join(path.resolve(appDir), APP_PIPELINES_FILE);
  if (existsSync(own)) return { file: own, exists: true };
  if (path.resolve(appDir) === path.resolve(repoRoot, ROOT_APP)) {
    const root = path.join(path.resolve(repoRoot), ROOT_PIPELINES_FILE);
    return { file: root, exists: existsSync(root) };
  }
  return { file: own, exists: false };
}

/**
 * The app's folder relative to the repository, with `/` separators: how pipelines name it.
 * @param {string} appDir
 * @param {string} repoRoot
 */
export function appPath(appDir, repoRoot) {
  return slashes(path.relative(path.resolve(repoRoot), path.resolve(appDir)));
}

/**
 * The top of the git work tree that holds `directory`.
 * @param {string} directory
 * @returns {string}
 */
export function gitTopLevel(directory) {
  return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Whether git tracks none of the app's files: a learner's copy in the ignored workspace/, or a
 * folder not added yet. A GoCD server could not see such an app, so the checker takes its files
 * from the disk (and says nothing of commits), and the runner copies them into its checkout.
 * @param {string} app  relative to repoRoot
 * @param {string} repoRoot
 */
export function isUntracked(app, repoRoot) {
  const listed = execFileSync('git', ['ls-files', '--cached', '-z', '--', app], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return listed === '';
}
