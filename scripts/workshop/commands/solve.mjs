// @ts-check
/**
 * `workshop solve [PATH]`: copies the solution of the current chapter (the chapter's own folder)
 * into workspace/: everything, or one file or folder. The workspace is saved first, as goto
 * saves it, so `restore` brings the learner's own attempt back.
 *
 *   solve                                   the whole app of the chapter's end
 *   solve src/functions/createSession       one folder (paths relative to workspace/ or to where you are)
 *   solve workspace/serverless.yml          one file
 */
import path from 'node:path';
import { currentChapter } from '../context.mjs';
import { requireProgress } from '../progress.mjs';
import { UsageError, colours, command, confirmOverwrite } from '../ui.mjs';
import { appPath, chapterFiles, copyFiles, filesOf, replaceApp, sameFiles, saveWorkspace } from '../workspace.mjs';

/**
 * The solution's files that `typed` names: one file, or all files under a folder.
 * @param {string[]} solution @param {string} relative "" for everything
 */
export function filesUnder(solution, relative) {
  if (relative === '') return solution;
  const folder = relative.replace(/\/+$/, '');
  return solution.filter((file) => file === folder || file.startsWith(`${folder}/`));
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ path: string | undefined, yes: boolean }} options
 * @returns {Promise<number>}
 */
export async function solve(context, { path: typed, yes }) {
  const { place } = context;
  const progress = requireProgress(place);
  const chapter = currentChapter(context, progress);
  const solution = chapterFiles(chapter);
  const current = filesOf(place.workspace);

  let files = solution;
  if (typed !== undefined) {
    const relative = appPath(typed, { cwd: context.invokedFrom, workspace: place.workspace });
    if (relative === undefined) throw new UsageError(`"${typed}" is not inside workspace/. Name a file of the app, for example: ${command('solve serverless.yml')}`);
    files = filesUnder(solution, relative);
    if (files.length === 0) {
      throw new UsageError(`Chapter ${chapter.number}'s solution has no "${relative}". To see the files it has and how they differ from yours, type: ${command('diff')}`);
    }
  }

  const whole = files === solution;
  const unchanged = whole ? sameFiles(place.workspace, current, chapter.dir, solution) : sameFiles(place.workspace, files.filter((file) => current.includes(file)), chapter.dir, files);
  if (unchanged) {
    context.print(`workspace/ already holds chapter ${chapter.number}'s solution${whole ? '' : ` of ${files.length === 1 ? files[0] : `${files.length} files`}`}: nothing to copy.`);
    return 0;
  }
  const what = whole ? `the whole solution of chapter ${chapter.number}` : `${files.length === 1 ? files[0] : `${files.length} files`} of chapter ${chapter.number}'s solution`;
  const retry = `solve${typed === undefined ? '' : ` ${/\s/.test(typed) ? JSON.stringify(typed) : typed}`} --yes`;
  if (current.length > 0 && !(await confirmOverwrite({ ask: context.ask, yes }, `Copy ${what} into workspace/? (Your files are saved first.)`, retry))) {
    context.print('Nothing changed.');
    return 1;
  }
  const saved = current.length > 0 ? saveWorkspace(place, progress.chapter) : undefined;
  if (whole) replaceApp(place.workspace, chapter.dir, solution);
  else copyFiles(chapter.dir, place.workspace, files);

  context.print(colours.bold(`Copied ${what} into workspace/.`));
  if (!whole) for (const file of files) context.print(`  ${file}`);
  if (saved) context.print(`Your files before it are saved in ${path.relative(context.root, saved.dir)} (${command('restore')} lists the saved copies).`);
  context.print(`Next: ${command('verify')}`);
  return 0;
}
