// @ts-check
/**
 * `workshop restore`: lists the copies of workspace/ that goto, solve and restore saved before
 * they changed it (.workshop/saved/<time>-chapter-<M>/), newest first.
 * `workshop restore N` brings copy N of that list back into workspace/, byte for byte, and puts
 * the learner back on the chapter they were on then. The workspace it replaces is saved first.
 */
import path from 'node:path';
import { chapterOf } from '../context.mjs';
import { moveTo, newProgress, readProgress, writeProgress } from '../progress.mjs';
import { UsageError, colours, command, confirmOverwrite } from '../ui.mjs';
import { filesOf, holdsApp, readApp, saveWorkspace, savedCopies, writeApp } from '../workspace.mjs';

/** @param {Date} time */
function when(time) {
  return time.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ which: string | undefined, yes: boolean }} options
 * @returns {Promise<number>}
 */
export async function restore(context, { which, yes }) {
  const { place } = context;
  const copies = savedCopies(place);
  if (which === undefined) {
    if (copies.length === 0) {
      context.print('No saved workspace yet: goto, solve and restore save one before they change workspace/.');
      return 0;
    }
    context.print(colours.bold('Saved copies of workspace/, newest first:'));
    for (const [index, copy] of copies.entries()) {
      const chapter = copy.chapter === undefined ? 'chapter unknown' : `chapter ${copy.chapter}`;
      context.print(`  ${String(index + 1).padStart(2)}. ${when(copy.time)}  ${chapter}  ${copy.files.length} files  ${colours.dim(path.relative(context.root, copy.dir))}`);
    }
    context.print(`To bring one back (your current workspace is saved first): ${command('restore 1')}`);
    return 0;
  }

  const index = /^\d+$/.test(which) ? Number(which) - 1 : copies.findIndex((copy) => copy.name === which);
  const copy = copies[index];
  if (!copy) {
    const how = copies.length === 0 ? 'there is none yet' : `there are ${copies.length}, numbered 1 to ${copies.length}`;
    throw new UsageError(`There is no saved copy "${which}": ${how}. To list them, type: ${command('restore')}`);
  }
  // The progress file is read first: if it is damaged, nothing is touched.
  const progress = readProgress(place);
  const savedApp = readApp(copy.dir);
  const changes = filesOf(place.workspace).length > 0 && !holdsApp(place.workspace, savedApp);
  if (changes && !(await confirmOverwrite({ ask: context.ask, yes }, `Replace the files of workspace/ with the copy saved ${when(copy.time)}? (The current ones are saved first.)`, `restore ${which} --yes`))) {
    context.print('Nothing changed.');
    return 1;
  }
  const saved = changes ? saveWorkspace(place, progress?.chapter) : undefined;
  writeApp(place.workspace, savedApp);
  if (copy.chapter !== undefined && chapterOf(context, copy.chapter)) {
    const next = progress ?? newProgress(copy.chapter);
    moveTo(next, copy.chapter, context.now());
    writeProgress(place, next);
  }
  context.print(colours.bold(`workspace/ is back as it was ${when(copy.time)}${copy.chapter === undefined ? '' : `, on chapter ${copy.chapter}`}.`));
  if (saved) context.print(`The workspace it replaced is saved in ${path.relative(context.root, saved.dir)}.`);
  return 0;
}
