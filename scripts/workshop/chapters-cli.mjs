// @ts-check
/**
 * `chapters`: the maintainers' commands for keeping the chapters honest.
 *
 *   chapters check [N...]         the lines to write against each chapter's budget, the declared
 *                                 changes, then the chain (all chapters, or these)
 *   chapters check --steps-only   the same, without each chapter's start and end runs: what
 *                                 `npm test` runs, whose site step proves those two with verify
 *                                 itself, following each chapter as a learner does
 *   chapters declared             only the declared changes (seconds)
 *   chapters budget               only the lines to write (a second)
 *   chapters sync [--since REV] [--dry-run]   carry a change made in final/ into the chapters
 */
import { checkDeclaredChanges } from './declared.mjs';
import { runChain } from './chain.mjs';
import { loadChapters } from './chapters.mjs';
import { LINES_PER_MINUTE, linesToWrite } from './steps.mjs';
import { main as sync } from './sync.mjs';

/**
 * The lines a learner writes in each chapter, against its budget: LINES_PER_MINUTE per planned
 * minute. A chapter over its budget cannot be followed in its time.
 * @param {number[]} only
 */
function budget(only = []) {
  let over = 0;
  console.log('lines to write per chapter (non-blank lines of its steps), against 3 per planned minute:');
  for (const chapter of loadChapters()) {
    if (chapter.minutes === 0 || (only.length > 0 && !only.includes(chapter.number))) continue;
    let counted;
    try {
      counted = linesToWrite(chapter);
    } catch (error) {
      over += 1;
      console.log(`✖ chapter ${chapter.number}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const { total, steps } = counted;
    const allowed = chapter.minutes * LINES_PER_MINUTE;
    const fits = total <= allowed;
    if (!fits) over += 1;
    console.log(`${fits ? '✔' : '✖'} chapter ${chapter.number} (${chapter.minutes} min): ${total} of ${allowed} lines, in ${steps.length} step(s)${steps.length ? `: ${steps.map((step) => `${step.name} ${step.lines}`).join(', ')}` : ''}`);
  }
  console.log(over === 0 ? '✔ every chapter fits its time' : `${over} chapter(s) ask for more lines than their time allows`);
  return over === 0 ? 0 : 1;
}

function declared() {
  const findings = checkDeclaredChanges();
  for (const finding of findings) console.log(`✖ ${finding.where}: ${finding.problem}`);
  console.log(findings.length === 0 ? '✔ every chapter declares exactly what it changes, and final/ what lies beyond the slot' : `${findings.length} undeclared or wrongly declared change(s)`);
  return findings.length === 0 ? 0 : 1;
}

/** @param {number[]} only @param {boolean} startsAndEnds */
async function chain(only, startsAndEnds) {
  const links = await runChain({
    ...(only.length ? { only } : {}),
    startsAndEnds,
    onLink: (link) => {
      const mark = link.problems.length === 0 ? '✔' : '✖';
      const what = {
        fail: `chapter ${link.chapter}'s checks all fail on ${link.on}`,
        pass: `chapter ${link.chapter}'s checks all pass on ${link.on}`,
        step: `chapter ${link.chapter}, ${link.on}: a check of "${link.section}" fails`,
      }[link.expect];
      console.log(`${mark} ${what} (${link.seconds.toFixed(1)} s)`);
      for (const problem of link.problems) console.log(`    ${problem}`);
      if (link.problems.length > 0) console.log(link.output.split('\n').map((line) => `    | ${line}`).join('\n'));
    },
  });
  const broken = links.filter((link) => link.problems.length > 0).length;
  const seconds = links.reduce((sum, link) => sum + link.seconds, 0);
  console.log(`chain: ${links.length - broken} of ${links.length} links hold (${seconds.toFixed(0)} s)`);
  return broken === 0 ? 0 : 1;
}

/** @param {string[]} argv */
export async function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'declared') return declared();
  if (command === 'budget') return budget();
  if (command === 'sync') return sync(rest);
  if (command === 'check') {
    const stepsOnly = rest.includes('--steps-only');
    const only = rest.filter((word) => word !== '--steps-only').map(Number);
    if (only.some((number) => !Number.isInteger(number))) {
      console.error('usage: chapters check [--steps-only] [N...]');
      return 2;
    }
    const budgetStatus = budget(only);
    const declaredStatus = declared();
    return (await chain(only, !stepsOnly)) || budgetStatus || declaredStatus;
  }
  console.error('usage: chapters check [--steps-only] [N...] | chapters budget | chapters declared | chapters sync [--since REV] [--dry-run]');
  return 2;
}
