// @ts-check
/**
 * `workshop`: the learner's command (npm run workshop -- <command>). This first part knows one
 * command, verify; the others (status, goto, hint, diff, solve, doctor, ...) come with the
 * learner's CLI.
 *
 *   workshop verify [--chapter N] [--target DIR] [--url URL]
 *
 * In a chapter's folder (`npm test` there), verify checks that folder against its own chapter.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chapterNumbered, loadChapters, repositoryRoot } from './chapters.mjs';
import { runChecks, summary } from './verify.mjs';

/** A mistake on the command line: one line saying what to type, exit code 2. */
export class UsageError extends Error {}

/**
 * Which chapter to check, and which app folder.
 * @param {{ chapter?: string | undefined, target?: string | undefined }} options
 * @param {string} cwd
 */
export function whatToVerify(options, cwd) {
  const root = repositoryRoot(cwd);
  const chapters = loadChapters(root);
  const targetDir = path.resolve(cwd, options.target ?? '.');
  if (options.chapter !== undefined) {
    const number = Number(options.chapter);
    if (!Number.isInteger(number)) throw new UsageError(`--chapter takes a chapter number, such as --chapter 3 (got "${options.chapter}")`);
    return { chapter: chapterNumbered(chapters, number), target: targetDir };
  }
  const own = chapters.find((chapter) => path.resolve(chapter.dir) === targetDir);
  if (own) return { chapter: own, target: targetDir };
  if (!existsSync(path.join(targetDir, 'chapter.json'))) {
    throw new UsageError('Say which chapter to check: workshop verify --chapter N (or run it in a chapter folder)');
  }
  throw new UsageError(`${targetDir} has a chapter.json but is not one of the chapters in ${path.join(root, 'chapters')}`);
}

/** @param {string[]} argv */
export async function main(argv) {
  try {
    const [command, ...rest] = argv;
    if (command !== 'verify') throw new UsageError(`Unknown command "${command ?? ''}". Try: workshop verify`);
    const { values } = parseArgs({ args: rest, options: { chapter: { type: 'string' }, target: { type: 'string' }, url: { type: 'string' } } });
    const { chapter, target } = whatToVerify(values, process.cwd());
    const run = await runChecks({ chapter, target, ...(values.url ? { url: values.url } : {}) });
    console.log(summary(chapter, run.results));
    return run.status === 0 ? 0 : 1;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError || (error instanceof Error && error.message.startsWith('There is no chapter')) ? 2 : 1;
  }
}
