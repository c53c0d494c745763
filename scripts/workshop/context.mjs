// @ts-check
/**
 * What every learner's command is given (the repository, its chapters, where the workspace is,
 * how to print and ask), and the chapter arithmetic they share.
 */
import { UsageError, command } from './ui.mjs';

/**
 * @typedef {import('./chapters.mjs').Chapter} Chapter
 * @typedef {object} Context
 * @property {string} root                    the repository
 * @property {Chapter[]} chapters
 * @property {import('./workspace.mjs').Place} place
 * @property {string} cwd                     the folder the command runs in
 * @property {string} invokedFrom             where the learner typed it (differs under npm run): their relative paths start here
 * @property {import('./ui.mjs').Ask | undefined} ask   undefined when not in a terminal
 * @property {(text?: string) => void} print
 * @property {() => Date} now
 */

/**
 * The chapter a learner named on the command line.
 * @param {Context} context
 * @param {string | undefined} text what they typed, e.g. "3"
 * @param {(number: string) => string} example the command with a chapter number, e.g. (n) => `goto ${n}`
 * @returns {Chapter}
 */
export function chapterNamed(context, text, example) {
  const numbers = context.chapters.map((chapter) => chapter.number);
  const list = numbers.length > 1 ? `${numbers[0]} to ${numbers.at(-1)}` : numbers.join('');
  if (text === undefined || text === '') throw new UsageError(`Say which chapter (${list}), for example: ${command(example(String(numbers[1] ?? numbers[0] ?? 1)))}`);
  const number = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  const chapter = chapterOf(context, number);
  if (!chapter) {
    const what = Number.isNaN(number) ? `"${text}" is not a chapter number` : `There is no chapter ${number}`;
    const closest = Number.isNaN(number) ? (numbers[1] ?? numbers[0]) : ([...numbers].reverse().find((n) => n <= number) ?? numbers[0]);
    throw new UsageError(`${what}: the chapters are ${list}. For example: ${command(example(String(closest ?? 1)))}`);
  }
  return chapter;
}

/**
 * The chapter with this number, if the repository has it.
 * @param {Context} context @param {number} number
 */
export function chapterOf(context, number) {
  return context.chapters.find((chapter) => chapter.number === number);
}

/**
 * The chapter after this one, if any.
 * @param {Context} context @param {Chapter} chapter
 */
export function nextAfter(context, chapter) {
  return context.chapters[context.chapters.indexOf(chapter) + 1];
}

/**
 * The chapter the learner's progress points at; a progress file naming a chapter the repository
 * does not have is a mistake with a fix.
 * @param {Context} context @param {import('./progress.mjs').Progress} progress
 */
export function currentChapter(context, progress) {
  const chapter = chapterOf(context, progress.chapter);
  if (!chapter) throw new UsageError(`Your progress says chapter ${progress.chapter}, which this repository does not have. Go to one that exists: ${command(`goto ${context.chapters.at(-1)?.number ?? 1}`)}`);
  return chapter;
}
