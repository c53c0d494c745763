// @ts-check
/* global AbortSignal */
/**
 * `workshop verify`: runs a chapter's checks and says what is missing.
 *
 *   verify                   the current chapter's checks on workspace/ (the result is recorded:
 *                            `hint` reads it, `status` shows it; passing moves you on: workspace/
 *                            becomes the start of the next chapter, your own code saved first)
 *   verify --chapter N       chapter N's checks on workspace/
 *   verify --url URL         the checks that make sense over HTTP, against a deployed API; the
 *                            others are skipped, each with the reason
 *   verify --target DIR      any app folder (the chain and the maintainers use it)
 *
 * In a chapter's folder (its `npm test`) it checks that folder against its own chapter; in
 * workspace/ (its `npm test`) it is the plain `verify`. Exit code: 0 when every check that ran
 * passes, 1 when one fails (or none could run), 2 for a mistake on the command line.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { reportToRoom } from '@session-api/room/client';
import { chapterNamed, currentChapter, nextAfter } from '../context.mjs';
import { chapterRecord, moveTo, readProgress, requireProgress, writeProgress } from '../progress.mjs';
import { UsageError, command, duration } from '../ui.mjs';
import { runChecks, stepStates, summary } from '../verify.mjs';
import { requireWorkspace } from '../workspace.mjs';
import { startVersion } from '../steps.mjs';
import { aboutTheStart, putStart } from './goto.mjs';

const URL_EXAMPLE = 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev';

/**
 * The base URL of a deployed API, checked before any check runs: it must be http(s) and
 * something must answer there.
 * @param {string} text
 * @returns {Promise<string>}
 */
export async function deployedApi(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new UsageError(`"${text}" is not the URL of an API. Give the base URL your deploy printed, for example: ${command(`verify --url ${URL_EXAMPLE}`)}`);
  }
  try {
    await fetch(url, { method: 'GET', signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new UsageError(`Nothing answers at ${url.href} (${cause}). Check the URL your deploy printed (npm run deploy shows it), then: ${command(`verify --url ${URL_EXAMPLE}`)}`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Which chapter to check, on which folder, and whether the result belongs to the learner's
 * progress (only runs on workspace/ are recorded).
 * @param {import('../context.mjs').Context} context
 * @param {{ chapter?: string | undefined, target?: string | undefined, url?: string | undefined }} options
 * @returns {{ chapter: import('../chapters.mjs').Chapter, target: string, learner: boolean }}
 */
export function whatToVerify(context, options) {
  const { place } = context;
  const example = (/** @type {string} */ number) => `verify --chapter ${number}`;
  const runDir = options.target === undefined ? context.cwd : path.resolve(context.invokedFrom, options.target);
  const own = context.chapters.find((chapter) => path.resolve(chapter.dir) === path.resolve(runDir));
  const inWorkspace = path.resolve(runDir) === path.resolve(place.workspace) || (options.target === undefined && !own);

  if (inWorkspace) {
    // A deployed API (--url) is checked without a workspace: only the chapter matters.
    if (options.url === undefined) requireWorkspace(place);
    if (options.chapter !== undefined) return { chapter: chapterNamed(context, options.chapter, example), target: place.workspace, learner: readProgress(place) !== undefined };
    return { chapter: currentChapter(context, requireProgress(place)), target: place.workspace, learner: true };
  }
  if (!existsSync(runDir)) throw new UsageError(`There is no folder ${runDir}. Give --target an app folder, or leave it out to check workspace/: ${command('verify')}`);
  if (options.chapter !== undefined) return { chapter: chapterNamed(context, options.chapter, example), target: runDir, learner: false };
  if (own) return { chapter: own, target: runDir, learner: false };
  throw new UsageError(`Say which chapter's checks to run on ${runDir}, for example: ${command(`verify --chapter 1 --target ${JSON.stringify(options.target)}`)}`);
}

/**
 * Records a run on workspace/ in the learner's progress: what `hint` reads (the results and the
 * cause, never the hints themselves: those are shown one level at a time), when the chapter was
 * verified, and, when the current chapter passed, the move to the next one: workspace/ becomes
 * its start (the learner's own code is saved first, and `restore` brings it back).
 * @param {import('../context.mjs').Context} context
 * @param {import('../chapters.mjs').Chapter} chapter
 * @param {import('../verify.mjs').Verification} run
 * @param {string | undefined} url
 * @returns {string[]} what to tell the learner
 */
export function record(context, chapter, run, url) {
  const progress = readProgress(context.place);
  if (!progress) return [];
  const now = context.now();
  const { results, cause } = run;
  const passed = !cause && results.length > 0 && results.every((result) => result.state !== 'failed') && results.some((result) => result.state === 'passed');
  progress.lastVerify = {
    chapter: chapter.number,
    at: now.toISOString(),
    ...(url ? { url } : {}),
    ...(cause ? { cause: { kind: cause.kind, errors: cause.errors.slice(0, 10) } } : {}),
    results: results.map(({ title, state, reason, explained }) => ({ title, state, ...(reason ? { reason } : {}), ...(explained ? { explained } : {}) })),
  };
  const entry = chapterRecord(progress, chapter.number);
  /** @type {string[]} */
  const said = [];
  if (url) {
    entry.deployed = { url, at: now.toISOString(), passed };
  } else if (passed) {
    entry.verified ??= now.toISOString();
    if (entry.started) said.push(`It took you ${duration((Date.parse(entry.verified) - Date.parse(entry.started)) / 1000)}.`);
    const next = nextAfter(context, chapter);
    if (progress.chapter === chapter.number && next) {
      const saved = putStart(context, startVersion(next), { save: true, chapterBefore: chapter.number });
      moveTo(progress, next.number, now);
      said.push(`On to chapter ${next.number}: ${next.title}${next.minutes ? ` (${next.minutes} min)` : ''}. workspace/ is now its start${saved ? ` (your code of chapter ${chapter.number} is saved in ${path.relative(context.root, saved.dir)})` : ''}.`);
      said.push(aboutTheStart(next));
    } else if (!next) {
      said.push('That was the last chapter: the workshop is done. To deploy the app to your own AWS account, read final/README.md.');
    }
  }
  writeProgress(context.place, progress);
  return said;
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ chapter?: string | undefined, target?: string | undefined, url?: string | undefined }} options
 * @returns {Promise<number>}
 */
export async function verify(context, options) {
  const { chapter, target, learner } = whatToVerify(context, options);
  const url = options.url === undefined ? undefined : await deployedApi(options.url);
  const run = await runChecks({ chapter, target, ...(url ? { url } : {}) });
  context.print(summary(chapter, run, learner ? { hintCommand: command('hint') } : {}));
  const ran = run.results.filter((result) => result.state !== 'skipped').length;
  if (url && run.results.length > 0 && ran === 0) {
    context.print(`\nNothing was checked: every check of chapter ${chapter.number} looks at the app's files or inside the local stack. Name a chapter whose checks call your routes: ${command(`verify --url ${url} --chapter N`)}`);
  }
  if (learner && (run.results.length > 0 || run.cause)) {
    const said = record(context, chapter, run, url);
    if (said.length > 0) context.print(`\n${said.join('\n')}`);
    if (!url) await reportToRoom(context, { type: 'verify', checked: chapter.number, results: run.results, steps: stepStates(chapter, run), seconds: run.seconds });
  }
  return run.status === 0 && ran > 0 && !run.cause ? 0 : 1;
}
