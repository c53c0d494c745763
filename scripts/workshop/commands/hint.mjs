// @ts-check
/**
 * `workshop hint`: a hint for the first check that failed in the last `verify`. Each check has
 * its hints in levels (written beside the check, in its chapter's checks/ folder): a nudge, then
 * the file and function, then the shape of the code. Each `hint` shows one level more, so the
 * learner takes only as much help as they need; the levels seen are kept in the progress file.
 */
import { currentChapter } from '../context.mjs';
import { requireProgress, writeProgress } from '../progress.mjs';
import { colours, command } from '../ui.mjs';
import { anchorOf } from '../verify.mjs';

/**
 * @param {import('../context.mjs').Context} context
 * @returns {Promise<number>}
 */
export async function hint(context) {
  const progress = requireProgress(context.place);
  const chapter = currentChapter(context, progress);
  const last = progress.lastVerify;
  if (!last || last.chapter !== chapter.number || last.url) {
    context.print(`There is no verify of chapter ${chapter.number} yet: hints are for the checks that fail. First type: ${command('verify')}`);
    return 1;
  }
  const failed = last.results.find((result) => result.state === 'failed');
  if (!failed) {
    context.print(`Every check of chapter ${chapter.number} passed in your last verify: nothing to hint. ${command('status')} says what comes next.`);
    return 0;
  }

  const key = `${chapter.number}/${failed.title}`;
  const hints = failed.hints ?? [];
  const shown = Math.min((progress.hintsShown[key] ?? 0) + 1, Math.max(hints.length, 1));
  progress.hintsShown[key] = shown;
  writeProgress(context.place, progress);

  context.print(colours.bold(`✖ ${failed.title}`));
  if (failed.reason) context.print(colours.dim(`  ${failed.reason.split('\n')[0]}`));
  if (hints.length === 0) {
    context.print('This check has no hint written.');
  }
  for (const [index, text] of hints.slice(0, shown).entries()) {
    const line = `Hint ${index + 1} of ${hints.length}: ${text}`;
    context.print(index === shown - 1 ? line : colours.dim(line));
  }
  const explained = failed.explained ? ` The chapter explains it in "${failed.explained}" (${chapter.page}#${anchorOf(failed.explained)}).` : '';
  if (shown < hints.length) context.print(`\nStill stuck? ${command('hint')} again shows the next level.${explained}`);
  else context.print(`\nThat is the last hint.${explained} To see the solution's code: ${command('diff')}`);
  return 0;
}
