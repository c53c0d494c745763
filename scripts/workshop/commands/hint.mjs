// @ts-check
/**
 * `workshop hint [STEP]`: a hint for what the last `verify` found first: the error that stopped
 * the checks (code that does not compile, a function that cannot be built), else the first check
 * that failed, named with its step. `hint STEP`: a hint for that step's first failing check.
 *
 * Hints come in levels (written beside each check, in its chapter's checks/ folder; the causes'
 * below): a nudge, then the file and function, then the shape of the code. Each `hint` shows one
 * level more, so the learner takes only as much help as they need. The hints are read from the
 * checks when asked; the progress file keeps only how many levels were shown.
 */
import { currentChapter } from '../context.mjs';
import { reportToRoom } from '@session-api/room/client';
import { requireProgress, writeProgress } from '../progress.mjs';
import { UsageError, colours, command } from '../ui.mjs';
import { anchorOf, checksOf } from '../verify.mjs';

/** The hints of the causes that stop the checks before they run, by kind. */
export const CAUSE_HINTS = {
  types: [
    'Start with the first error: its file and line are where to look. A name TypeScript cannot find is usually an import that is missing or misspelt, or a step whose code is not there yet.',
    "Compare the lines around it with the step's code on the chapter's page: every name the page's code uses is imported at the top of the file already, or by the step itself.",
    `${command('diff')} shows every line where your files differ from the chapter's solution; \`npm --prefix workspace run typecheck\` lists every error with its context.`,
  ],
  build: [
    'esbuild bundles each function from its handler file, following every import: the error names the file and line it could not follow.',
    "An import of a name the other file does not export (\"No matching export\"), or of a file that does not exist, is the usual cause; so is a handler file serverless.yml names that is not there.",
    `${command('diff')} shows where your files differ from the chapter's solution.`,
  ],
};

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ step?: string | undefined }} [options]
 * @returns {Promise<number>}
 */
export async function hint(context, { step: stepName } = {}) {
  const progress = requireProgress(context.place);
  const chapter = currentChapter(context, progress);
  const step = stepName === undefined ? undefined : chapter.steps.find((candidate) => candidate.name === stepName);
  if (stepName !== undefined && !step) {
    const names = chapter.steps.map((candidate) => candidate.name);
    throw new UsageError(`Chapter ${chapter.number} has no step "${stepName}"${names.length ? ` (its steps: ${names.join(', ')})` : ''}. For the first thing verify found, type: ${command('hint')}`);
  }
  const last = progress.lastVerify;
  if (!last || last.chapter !== chapter.number || last.url) {
    context.print(`There is no verify of chapter ${chapter.number} yet: hints are for what verify finds. First type: ${command('verify')}`);
    return 1;
  }

  if (last.cause && !step) {
    const first = last.cause.errors[0];
    return showHints(context, progress, {
      key: `${chapter.number}/${last.cause.kind}`,
      heading: last.cause.kind === 'types' ? 'Your code does not compile' : 'A function cannot be built',
      reason: first ? `${first.file}:${first.line}: ${first.message}` : undefined,
      hints: CAUSE_HINTS[last.cause.kind],
      explained: '',
    });
  }

  const failed = last.results.filter((result) => result.state === 'failed' && (!step || result.explained === step.section));
  const target = failed[0];
  if (!target) {
    context.print(step ? `No check of step "${step.name}" failed in your last verify.` : `Every check of chapter ${chapter.number} passed in your last verify: nothing to hint. ${command('status')} says what comes next.`);
    return 0;
  }
  const written = (await checksOf(chapter)).find((candidate) => candidate.title === target.title);
  const own = chapter.steps.filter((candidate) => candidate.section === target.explained);
  const steps = own.map((candidate) => `"${candidate.name}"`);
  const where = target.explained ? ` The chapter explains it in "${target.explained}" (${chapter.page}#${anchorOf(target.explained)}).` : '';
  return showHints(context, progress, {
    key: `${chapter.number}/${target.title}`,
    heading: `${steps.length ? `Step ${steps.join(', ')}: ` : ''}${target.title}`,
    reason: target.reason,
    hints: written?.hints ?? [],
    explained: where,
    step: step?.name ?? own[0]?.name,
  });
}

/**
 * Shows one more level of a list of hints than last time, and remembers how many were shown.
 * @param {import('../context.mjs').Context} context
 * @param {import('../progress.mjs').Progress} progress
 * @param {{ key: string, heading: string, reason: string | undefined, hints: string[], explained: string, step?: string | undefined }} what
 */
function showHints(context, progress, { key, heading, reason, hints, explained, step }) {
  const shown = Math.min((progress.hintsShown[key] ?? 0) + 1, Math.max(hints.length, 1));
  progress.hintsShown[key] = shown;
  writeProgress(context.place, progress);
  void reportToRoom(context, { type: 'hint', check: key.slice(key.indexOf('/') + 1), level: shown, ...(step ? { step } : {}) });

  context.print(colours.bold(`✖ ${heading}`));
  if (reason) context.print(colours.dim(`  ${reason.split('\n')[0]}`));
  if (hints.length === 0) context.print('This check has no hint written.');
  for (const [index, text] of hints.slice(0, shown).entries()) {
    const line = `Hint ${index + 1} of ${hints.length}: ${text}`;
    context.print(index === shown - 1 ? line : colours.dim(line));
  }
  if (shown < hints.length) context.print(`\nStill stuck? ${command('hint')} again shows the next level.${explained}`);
  else context.print(`\nThat is the last hint.${explained} To see the solution's code: ${command('diff')}`);
  return 0;
}
