// @ts-check
/**
 * `workshop solve [STEP | PATH]`: puts the solution of the current chapter into workspace/: one
 * step, one file or folder, or everything. The workspace is saved first, as goto saves it, so
 * `restore` brings the learner's own attempt back.
 *
 *   solve                                   the whole app of the chapter's end
 *   solve sign-tokens                       one step: its code in place of its ✍ placeholders
 *   solve src/functions/createSession       one folder (paths relative to workspace/ or to where you are)
 *   solve workspace/serverless.yml          one file
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportToRoom } from '@session-api/room/client';
import { currentChapter } from '../context.mjs';
import { requireProgress } from '../progress.mjs';
import { chapterStepRegions, fillPlaceholder, placeholdersIn, solutionVersion } from '../steps.mjs';
import { UsageError, colours, command, confirmOverwrite } from '../ui.mjs';
import { appPath, filesOf, holdsApp, saveWorkspace, writeApp } from '../workspace.mjs';

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
  const step = typed === undefined ? undefined : chapter.steps.find((candidate) => candidate.name === typed);
  if (step) return solveStep(context, chapter, step, { yes, chapterBefore: progress.chapter });

  const solution = solutionVersion(chapter);
  const solutionFiles = [...solution.keys()].sort();
  const current = filesOf(place.workspace);

  let files = solutionFiles;
  if (typed !== undefined) {
    const relative = appPath(typed, { cwd: context.invokedFrom, workspace: place.workspace });
    const steps = chapter.steps.map((candidate) => candidate.name);
    const asStep = steps.length ? ` (a step of chapter ${chapter.number}: ${steps.join(', ')})` : '';
    if (relative === undefined) throw new UsageError(`"${typed}" is not inside workspace/. Name a step${asStep} or a file of the app, for example: ${command(`solve ${steps[0] ?? 'serverless.yml'}`)}`);
    files = filesUnder(solutionFiles, relative);
    if (files.length === 0) {
      throw new UsageError(`Chapter ${chapter.number}'s solution has no step or file "${typed}"${asStep}. To see how your files differ from the solution, type: ${command('diff')}`);
    }
  }

  const whole = files === solutionFiles;
  const unchanged = whole ? holdsApp(place.workspace, solution) : files.every((file) => current.includes(file) && solution.get(file)?.equals(readFileSync(path.join(place.workspace, file))));
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
  writeApp(place.workspace, solution, whole ? undefined : files);

  context.print(colours.bold(`Copied ${what} into workspace/.`));
  if (!whole) for (const file of files) context.print(`  ${file}`);
  await reportToRoom(context, { type: 'solve', whole });
  if (saved) context.print(`Your files before it are saved in ${path.relative(context.root, saved.dir)} (${command('restore')} lists the saved copies).`);
  context.print(`Next: ${command('verify')}`);
  return 0;
}

/**
 * Writes one step's code in place of its placeholders, as a learner would from the page.
 * @param {import('../context.mjs').Context} context
 * @param {import('../chapters.mjs').Chapter} chapter
 * @param {import('../chapters.mjs').Step} step
 * @param {{ yes: boolean, chapterBefore: number }} options
 */
async function solveStep(context, chapter, step, { yes, chapterBefore }) {
  const { place } = context;
  const regions = chapterStepRegions(chapter).filter((region) => region.step === step.name);
  /** @type {Map<string, string>} */
  const texts = new Map();
  /** @type {string[]} */
  const gone = [];
  for (const region of regions) {
    const file = path.join(place.workspace, region.file);
    let text;
    try {
      text = texts.get(region.file) ?? readFileSync(file, 'utf8');
    } catch {
      gone.push(region.file);
      continue;
    }
    const placeholder = placeholdersIn(text).find((candidate) => candidate.step === step.name && candidate.part === region.part);
    if (!placeholder) {
      gone.push(region.file);
      continue;
    }
    texts.set(region.file, fillPlaceholder(text, placeholder, region.code));
  }
  if (texts.size === 0) {
    const files = [...new Set(regions.map((region) => region.file))];
    context.print(`Step "${step.name}" has no ✍ placeholder left in ${files.join(', ')}: it is written already, or its placeholder was changed. To copy the solution's whole file, type: ${command(`solve ${files[0]}`)}`);
    return gone.length > 0 ? 1 : 0;
  }
  if (!(await confirmOverwrite({ ask: context.ask, yes }, `Write step "${step.name}" of chapter ${chapter.number} into workspace/? (Your files are saved first.)`, `solve ${step.name} --yes`))) {
    context.print('Nothing changed.');
    return 1;
  }
  const saved = saveWorkspace(place, chapterBefore);
  for (const [file, text] of texts) writeFileSync(path.join(place.workspace, file), text);
  context.print(colours.bold(`Wrote step "${step.name}" in workspace/:`));
  for (const file of texts.keys()) context.print(`  ${file}`);
  if (gone.length > 0) context.print(`Its placeholder was no longer in ${[...new Set(gone)].join(', ')}: that part is left as it is (${command(`solve ${gone[0]}`)} copies the solution's whole file).`);
  await reportToRoom(context, { type: 'solve', whole: false, step: step.name });
  if (saved) context.print(`Your files before it are saved in ${path.relative(context.root, saved.dir)} (${command('restore')} lists the saved copies).`);
  context.print(`Next: ${command('verify')}`);
  return 0;
}
