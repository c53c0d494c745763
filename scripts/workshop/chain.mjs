// @ts-check
/**
 * The chain: what makes a learner's `verify` mean something. For every chapter N >= 1, chapter
 * N's checks must FAIL on chapter N-1's code, each one of them (a check that already passes
 * before the chapter proves nothing about the chapter), and all PASS on chapter N's code; and
 * final/ must pass the last chapter's checks.
 */
import path from 'node:path';
import { loadChapters, repositoryRoot } from './chapters.mjs';
import { runChecks } from './verify.mjs';

/**
 * @typedef {import('./chapters.mjs').Chapter} Chapter
 * @typedef {import('./verify.mjs').Verification} Verification
 * @typedef {{ chapter: number, on: string, expect: 'fail' | 'pass', seconds: number, problems: string[], output: string }} Link
 */

/**
 * What is wrong with a run that should have failed every check, or passed every one.
 * @param {Verification} run
 * @param {'fail' | 'pass'} expect
 * @returns {string[]}
 */
export function linkProblems(run, expect) {
  if (run.results.length === 0) return ['no check ran (they could not be loaded: see the output)'];
  if (expect === 'pass') {
    return run.results.filter((result) => result.state !== 'passed').map((result) => `"${result.title}" ${result.state}: ${(result.reason ?? '').split('\n')[0]}`);
  }
  return run.results.filter((result) => result.state !== 'failed').map((result) => `"${result.title}" ${result.state === 'passed' ? 'already passes' : 'was skipped'} before the chapter: it proves nothing about this chapter`);
}

/**
 * Runs the chain over the repository's chapters (or those numbered in `only`).
 * @param {{ root?: string, only?: number[], onLink?: (link: Link) => void, chapters?: Chapter[], finalDir?: string }} [options]
 * @returns {Promise<Link[]>}
 */
export async function runChain({ root = repositoryRoot(), only, onLink = () => undefined, chapters = loadChapters(root), finalDir = path.join(root, 'final') } = {}) {
  /** @type {Link[]} */
  const links = [];
  /** @param {Chapter} chapter @param {string} dir @param {string} on @param {'fail' | 'pass'} expect */
  const link = async (chapter, dir, on, expect) => {
    const run = await runChecks({ chapter, target: dir, quiet: true });
    const done = { chapter: chapter.number, on, expect, seconds: run.seconds, problems: linkProblems(run, expect), output: run.output };
    links.push(done);
    onLink(done);
  };
  for (const [index, chapter] of chapters.entries()) {
    if (only && !only.includes(chapter.number)) continue;
    const previous = chapters[index - 1];
    if (previous) await link(chapter, previous.dir, `chapters/${previous.folder}`, 'fail');
    await link(chapter, chapter.dir, `chapters/${chapter.folder}`, 'pass');
  }
  const last = chapters.at(-1);
  if (last && (!only || only.includes(last.number))) await link(last, finalDir, 'final', 'pass');
  return links;
}
