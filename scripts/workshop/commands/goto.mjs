// @ts-check
/**
 * `workshop goto N`: sets workspace/ to the START of chapter N, which is the end of chapter N-1
 * (chapter 1 starts from chapters/00-start). This is how a learner who fell behind catches up,
 * and how an instructor gets a whole room to the same point.
 *
 *   goto N           asks first in a terminal; the current workspace is saved before it changes
 *   goto N --yes     for scripts: no question
 *   goto N --keep    only say "I am on chapter N": workspace/ stays exactly as it is
 */
import path from 'node:path';
import { chapterNamed, startOf } from '../context.mjs';
import { DamagedProgress, keepDamagedProgress, moveTo, newProgress, readProgress, writeProgress } from '../progress.mjs';
import { UsageError, colours, command, confirmOverwrite } from '../ui.mjs';
import { chapterFiles, filesOf, replaceApp, saveWorkspace, sameFiles } from '../workspace.mjs';

/**
 * The progress so far, or undefined when there is none or it is damaged (goto is the fix).
 * @param {import('../context.mjs').Context} context
 */
function progressSoFar(context) {
  try {
    return { progress: readProgress(context.place), damaged: false };
  } catch (error) {
    if (error instanceof DamagedProgress) return { progress: undefined, damaged: true };
    throw error;
  }
}

/**
 * Records that the learner is on `chapter`, keeping a damaged progress file aside.
 * @param {import('../context.mjs').Context} context
 * @param {import('../progress.mjs').Progress | undefined} progress
 * @param {boolean} damaged
 * @param {number} chapter
 */
function recordChapter(context, progress, damaged, chapter) {
  const aside = damaged ? keepDamagedProgress(context.place) : undefined;
  const next = progress ?? newProgress(chapter);
  moveTo(next, chapter, context.now());
  writeProgress(context.place, next);
  if (aside) context.print(`The damaged progress file is kept as ${path.relative(context.root, aside)}; a new one starts here.`);
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ chapter: string | undefined, yes: boolean, keep: boolean }} options
 * @returns {Promise<number>} the exit code
 */
export async function goto(context, { chapter: typed, yes, keep }) {
  const chapter = chapterNamed(context, typed, (number) => `goto ${number}`);
  const { place } = context;
  const { progress, damaged } = progressSoFar(context);
  const title = `chapter ${chapter.number}: ${chapter.title}${chapter.minutes ? ` (${chapter.minutes} min)` : ''}`;

  if (keep) {
    if (filesOf(place.workspace).length === 0) throw new UsageError(`There is no workspace to keep. To set it to the start of chapter ${chapter.number}, type: ${command(`goto ${chapter.number}`)}`);
    recordChapter(context, progress, damaged, chapter.number);
    context.print(`You are on ${title}. workspace/ is unchanged.`);
    context.print(`Next: ${command('verify')}`);
    return 0;
  }

  const start = startOf(context, chapter);
  const startFiles = chapterFiles(start);
  const current = filesOf(place.workspace);
  const changes = current.length > 0 && !sameFiles(place.workspace, current, start.dir, startFiles);
  if (changes) {
    const question = `Replace the files of workspace/ with the start of chapter ${chapter.number}? (A copy of them is saved first.)`;
    if (!(await confirmOverwrite({ ask: context.ask, yes }, question, `goto ${chapter.number} --yes`))) {
      context.print('Nothing changed.');
      return 1;
    }
  }
  const saved = changes ? saveWorkspace(place, progress?.chapter) : undefined;
  replaceApp(place.workspace, start.dir, startFiles);
  recordChapter(context, progress, damaged, chapter.number);

  context.print(colours.bold(`workspace/ is now the start of ${title}.`));
  if (saved) context.print(`Your previous workspace is saved in ${path.relative(context.root, saved.dir)}; ${command('restore')} lists the saved copies.`);
  if (chapter.goals.length > 0) {
    context.print('In this chapter:');
    for (const goal of chapter.goals) context.print(`  - ${goal}`);
  }
  context.print(`Read the chapter (${chapter.page} on the site), write the code in workspace/, then check it: ${command('verify')}`);
  return 0;
}
