// @ts-check
/**
 * `workshop goto N`: sets workspace/ to the START of chapter N: everything the lesson does not
 * teach is there already (settings, plumbing, helpers, most tests), and each step the learner
 * writes is a ✍ placeholder that says what goes there and where the chapter's page shows it
 * (steps.mjs). This is how every chapter begins, how a learner who fell behind catches up, and
 * how an instructor gets a whole room to the same point.
 *
 *   goto N           asks first in a terminal (unless the workspace holds nothing of the learner's
 *                    own: a chapter's start or solution); the workspace is saved before it changes
 *   goto N --yes     for scripts: no question
 *   goto N --keep    only say "I am on chapter N": workspace/ stays exactly as it is
 */
import path from 'node:path';
import { reportToRoom } from '@session-api/room/client';
import { chapterNamed } from '../context.mjs';
import { DamagedProgress, keepDamagedProgress, moveTo, newProgress, readProgress, writeProgress } from '../progress.mjs';
import { linesToWrite, solutionVersion, startVersion } from '../steps.mjs';
import { UsageError, colours, command, confirmOverwrite } from '../ui.mjs';
import { filesOf, holdsApp, saveWorkspace, writeApp } from '../workspace.mjs';

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
    await reportToRoom(context, { type: 'goto' });
    context.print(`You are on ${title}. workspace/ is unchanged.`);
    context.print(`Next: ${command('verify')}`);
    return 0;
  }

  const start = startVersion(chapter);
  const changes = filesOf(place.workspace).length > 0 && !holdsApp(place.workspace, start);
  // Nothing of the learner's own would be lost: no question (a copy is still saved).
  if (changes && !holdsNoWorkOfItsOwn(context)) {
    const question = `Replace the files of workspace/ with the start of chapter ${chapter.number}? (A copy of them is saved first.)`;
    if (!(await confirmOverwrite({ ask: context.ask, yes }, question, `goto ${chapter.number} --yes`))) {
      context.print('Nothing changed.');
      return 1;
    }
  }
  const saved = putStart(context, start, { save: changes, chapterBefore: progress?.chapter });
  recordChapter(context, progress, damaged, chapter.number);
  await reportToRoom(context, { type: 'goto' });

  context.print(colours.bold(`workspace/ is now the start of ${title}.`));
  if (saved) context.print(`Your previous workspace is saved in ${path.relative(context.root, saved.dir)}; ${command('restore')} lists the saved copies.`);
  context.print(aboutTheStart(chapter));
  return 0;
}

/**
 * Whether workspace/ holds exactly a chapter's start or its solution: nothing of the learner's
 * own that goto could lose, so it need not ask before replacing it.
 * @param {import('../context.mjs').Context} context
 */
function holdsNoWorkOfItsOwn(context) {
  return context.chapters.some((chapter) => holdsApp(context.place.workspace, startVersion(chapter)) || holdsApp(context.place.workspace, solutionVersion(chapter)));
}

/**
 * Writes the start of a chapter into workspace/, first saving what is there (when `save`).
 * @param {import('../context.mjs').Context} context
 * @param {import('../workspace.mjs').App} start the chapter's start (startVersion)
 * @param {{ save: boolean, chapterBefore: number | undefined }} options
 * @returns {import('../workspace.mjs').SavedCopy | undefined} the saved copy
 */
export function putStart(context, start, { save, chapterBefore }) {
  const saved = save ? saveWorkspace(context.place, chapterBefore) : undefined;
  writeApp(context.place.workspace, start);
  return saved;
}

/**
 * What a learner reads at the start of a chapter: its goals, its steps, and what to type.
 * @param {import('../chapters.mjs').Chapter} chapter
 * @returns {string}
 */
export function aboutTheStart(chapter) {
  const lines = [];
  if (chapter.goals.length > 0) lines.push('In this chapter:', ...chapter.goals.map((goal) => `  - ${goal}`));
  if (chapter.steps.length > 0) {
    const { total } = linesToWrite(chapter);
    lines.push(`You write ${chapter.steps.length === 1 ? 'one step' : `${chapter.steps.length} steps`} (${total} lines); each is a ✍ placeholder in your files, and its code is on the chapter's page:`);
    for (const step of chapter.steps) lines.push(`  - "${step.name}": ${step.does} (see "${step.section}")`);
  }
  lines.push(`Read the chapter (${chapter.page} on the site), write each step in workspace/, then check it: ${command('verify')}`);
  return lines.join('\n');
}
