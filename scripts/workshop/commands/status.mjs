// @ts-check
/**
 * `workshop status`: where the learner is. The current chapter, which chapters are verified and
 * when, the time each took (from its start to its first verify that passed), and the next
 * command to type. `status --json` prints the same for scripts and instructors.
 */
import { existsSync } from 'node:fs';
import { readProgress, requireProgress } from '../progress.mjs';
import { placeholdersInApp } from '../steps.mjs';
import { filesOf } from '../workspace.mjs';
import { clock, colours, command, duration } from '../ui.mjs';
import { roomLines } from './join.mjs';

/**
 * @typedef {object} ChapterStatus
 * @property {number} number
 * @property {string} title
 * @property {number} minutes        the time the chapter plans
 * @property {boolean} current
 * @property {string | null} started
 * @property {string | null} verified
 * @property {number | null} seconds   the time it took: from its start to its first passing verify
 * @property {{ at: string, passed: number, failed: number, skipped: number, url: string | null } | null} lastVerify
 * @property {{ url: string, at: string, passed: boolean } | null} deployed
 * @property {{ name: string, section: string, written: boolean }[] | null} steps   the current chapter's steps, and which still hold their placeholder in workspace/
 */

/**
 * @typedef {object} Status
 * @property {number | null} chapter     the current chapter; null before the first goto
 * @property {string} workspace
 * @property {ChapterStatus[]} chapters
 * @property {string | null} next        the command to type next; null when the workshop is done
 */

/**
 * @param {import('../context.mjs').Context} context
 * @returns {Status}
 */
export function statusOf(context) {
  const { place } = context;
  // Before the first goto there is nothing to read; once there is a workspace, a missing or
  // damaged progress file is a mistake with a fix (requireProgress says which).
  const progress = existsSync(place.workspace) ? requireProgress(place) : readProgress(place);
  const last = progress?.lastVerify;
  const chapters = context.chapters.map((chapter) => {
    const record = progress?.chapters[String(chapter.number)] ?? {};
    const lastRun = last && last.chapter === chapter.number ? last : undefined;
    const count = (/** @type {string} */ state) => lastRun?.results.filter((result) => result.state === state).length ?? 0;
    return {
      number: chapter.number,
      title: chapter.title,
      minutes: chapter.minutes,
      current: progress?.chapter === chapter.number,
      started: record.started ?? null,
      verified: record.verified ?? null,
      seconds: record.started && record.verified ? Math.max(0, (Date.parse(record.verified) - Date.parse(record.started)) / 1000) : null,
      lastVerify: lastRun ? { at: lastRun.at, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), url: lastRun.url ?? null } : null,
      deployed: record.deployed ?? null,
      steps: progress?.chapter === chapter.number ? stepsIn(place.workspace, chapter) : null,
    };
  });
  return { chapter: progress?.chapter ?? null, workspace: place.workspace, chapters, next: nextCommand(context, chapters, progress?.chapter) };
}

/**
 * A chapter's steps, each written or not: a step is still to write while its ✍ placeholder is
 * in the workspace.
 * @param {string} workspace @param {import('../chapters.mjs').Chapter} chapter
 */
function stepsIn(workspace, chapter) {
  const unwritten = new Set(placeholdersInApp(workspace, filesOf(workspace)).map((placeholder) => placeholder.step));
  return chapter.steps.map((step) => ({ name: step.name, section: step.section, written: !unwritten.has(step.name) }));
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {ChapterStatus[]} chapters
 * @param {number | undefined} current
 */
function nextCommand(context, chapters, current) {
  // The first chapter with something to build (chapter 0 is the starting point it builds on).
  if (current === undefined) return command(`goto ${context.chapters.find((chapter) => chapter.minutes > 0)?.number ?? 1}`);
  const here = chapters.find((chapter) => chapter.number === current);
  if (!here) return command(`goto ${context.chapters.at(-1)?.number ?? 1}`);
  const lastRun = here.lastVerify && !here.lastVerify.url ? here.lastVerify : null;
  if (lastRun && lastRun.failed > 0) return command('hint');
  if (lastRun && here.verified && chapters.at(-1) === here) return null;
  return command('verify');
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ json: boolean }} options
 * @returns {Promise<number>}
 */
export async function status(context, { json }) {
  const state = statusOf(context);
  if (json) {
    context.print(JSON.stringify(state, null, 2));
    return 0;
  }
  const current = state.chapters.find((chapter) => chapter.current);
  context.print(current ? colours.bold(`You are on chapter ${current.number}: ${current.title}${current.started ? ` (since ${clock(current.started)})` : ''}.`) : colours.bold('You have not started the workshop yet.'));
  context.print('');
  const width = Math.max(...state.chapters.map((chapter) => chapter.title.length));
  for (const chapter of state.chapters) {
    const mark = chapter.verified ? colours.green('✔') : chapter.current ? colours.cyan('▶') : colours.dim('·');
    /** @type {string[]} */
    const notes = [];
    if (chapter.verified) notes.push(`verified ${clock(chapter.verified)}${chapter.seconds !== null ? `, took ${duration(chapter.seconds)}` : ''}`);
    if (chapter.lastVerify && chapter.lastVerify.failed > 0 && !chapter.lastVerify.url) notes.push(`last verify ${clock(chapter.lastVerify.at)}: ${chapter.lastVerify.passed} of ${chapter.lastVerify.passed + chapter.lastVerify.failed + chapter.lastVerify.skipped} checks pass`);
    if (chapter.deployed) notes.push(`deployed API ${chapter.deployed.passed ? 'verified' : 'checked, not passing'} ${clock(chapter.deployed.at)}`);
    if (notes.length === 0 && chapter.minutes) notes.push(colours.dim(`${chapter.minutes} min`));
    context.print(`  ${mark} ${String(chapter.number).padStart(2)}  ${chapter.title.padEnd(width)}  ${notes.join('; ')}`);
    if (chapter.steps && chapter.steps.length > 0) {
      const written = chapter.steps.filter((step) => step.written).length;
      context.print(`        steps written ${written} of ${chapter.steps.length}: ${chapter.steps.map((step) => `${step.written ? colours.green('✔') : '✍'} ${step.name}`).join('  ')}`);
    }
  }
  for (const line of await roomLines(context)) context.print(line);
  context.print('');
  context.print(state.next ? `Next: ${state.next}` : 'Every chapter is done. To deploy the app to your own AWS account, read final/README.md.');
  return 0;
}
