/**
 * `workshop verify`, chapter by chapter: what a learner waits for after typing it, in a workspace
 * holding the end of chapter N (so that every check passes, and runs to its end), against its
 * floor: the chapter's own checks run directly with mocha on the same workspace, with the same
 * hooks (which stop the local stack the checks start) and nothing of the CLI around them.
 *
 * The workspace is set up with the CLI itself (goto N, solve) in a scratch clone of the last
 * commit, so the learner's progress in this checkout is never touched.
 * Runs alternate (floor, verify, verify, floor), three times for a chapter under 10 s, and each
 * side keeps its fastest run, so a warm build cache or a busy moment favours neither.
 *
 * `verify` is timed as the command npm runs for `npm run workshop -- verify` (npm's own start
 * adds about 0.3 s more, the same for every npm script).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Chapter } from '@session-api/workshop/chapters';
import { figure, type Figure } from './figures';

const ROOT = path.resolve(__dirname, '..');
/** No chapter's verify may take longer than this (seconds). */
const BUDGET_S = 45;
/** Short chapters are run more often: there a busy moment of the machine weighs more. */
const ROUNDS_SHORT = 3;
const SHORT_S = 10;

const workshopPackage = path.dirname(require.resolve('@session-api/workshop/checks', { paths: [ROOT] }));
const workshopBin = path.join(workshopPackage, 'bin', 'workshop.mjs');
/** The root hooks `workshop verify` gives mocha: they stop the local stack the checks started. */
const checksHooks = path.join(workshopPackage, 'hooks.cjs');
const mocha = require.resolve('mocha/bin/mocha.js', { paths: [ROOT] });
const registerTypescript = require.resolve('@session-api/quality/register-typescript', { paths: [ROOT] });

/** Runs a command to its end and returns how long it took, in seconds; throws when it fails. */
function timed(what: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${what} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return seconds;
}

/**
 * The fastest verify of one chapter and the fastest run of its checks alone, in seconds.
 * @param root the scratch repository
 */
function measureChapter(root: string, { number, dir }: Chapter, checks: string[]): { verify: number; floor: number } {
  timed(`goto ${number}`, process.execPath, [workshopBin, 'goto', String(number), '--yes'], root);
  timed(`solve ${number}`, process.execPath, [workshopBin, 'solve', '--yes'], root);
  // Without a progress file nothing is recorded: a verify that passes would move the workspace
  // on to the next chapter's start.
  rmSync(path.join(root, '.workshop', 'progress.json'), { force: true });
  const mochaArgs = [mocha, '--no-config', '--no-package', '--require', registerTypescript, '--require', checksHooks, '--timeout', '90000', ...checks];
  const floor = (): number => timed(`mocha on chapter ${number}'s checks`, process.execPath, mochaArgs, dir, { WORKSHOP_TARGET: path.join(root, 'workspace') });
  const verify = (): number => timed(`workshop verify (chapter ${number})`, process.execPath, [workshopBin, 'verify', '--chapter', String(number)], root);
  const floors: number[] = [];
  const verifies: number[] = [];
  for (let round = 0; round === 0 || (round < ROUNDS_SHORT && Math.min(...floors) < SHORT_S); round++) {
    floors.push(floor());
    verifies.push(verify(), verify());
    floors.push(floor());
  }
  return { verify: Math.min(...verifies), floor: Math.min(...floors) };
}

export async function measureVerify(onChapter: (message: string) => void = () => undefined): Promise<Figure[]> {
  // The workshop's own tooling (ES modules): a scratch clone of the last commit, with this
  // checkout's node_modules, and the chapters and check files as `workshop verify` finds them.
  const { scratchRepository } = await import('@session-api/workshop/scratch-repository');
  const { loadChapters } = await import('@session-api/workshop/chapters');
  const { checkFiles } = await import('@session-api/workshop/verify');
  const { root, remove } = scratchRepository('bench verify');
  const figures: Figure[] = [];
  let slowest = 0;
  try {
    for (const chapter of loadChapters(root)) {
      try {
        const { verify, floor } = measureChapter(root, chapter, checkFiles(chapter));
        slowest = Math.max(slowest, verify);
        onChapter(`chapter ${chapter.number}: verify ${verify.toFixed(1)} s, its checks alone ${floor.toFixed(1)} s`);
        figures.push(figure(`verify-chapter-${chapter.number}`, verify, 's', floor, 1.2));
      } catch (error) {
        // A chapter whose own checks fail is the chain's to report: its figure is left out.
        onChapter(`chapter ${chapter.number}: not measured: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      }
    }
  } finally {
    remove();
  }
  // The budget is the floor here: a ratio above 1 means a learner waits more than 45 s somewhere.
  figures.push(figure('verify-slowest-chapter', slowest, 's', BUDGET_S, 1));
  return figures;
}
