// @ts-check
/* global AbortController */
/**
 * `workshop watch`: the attendee's loop, as rustlings has it: write a step, save, and the verdict
 * is there. The current chapter's checks run once, then again after every save in workspace/
 * (saves close together make one run), against a local stack that stays up:
 *
 *   1. what changed is type-checked again (type-checker.mjs keeps the rest in memory) and the
 *      functions bundled in memory (causes.mjs): code that does not compile stops there, with
 *      TypeScript's or esbuild's words;
 *   2. the stack bundles the functions again and loads the new bundles (told over its IPC
 *      channel, so the checks never call the code of before the save); a change of serverless.yml
 *      or of a stage's settings starts it again instead. A chapter whose checks never call the
 *      API (7 to 9: coverage, packages, pipelines) runs no stack at all;
 *   3. the checks run against it, up to the first that fails.
 *
 * The screen shows the last run only: the first failing check with its step, its section and the
 * hint command, or that every check passes and what comes next. A save during a run starts a new
 * run after it, and the run it interrupted is never shown. Each run is recorded as a verify is
 * (`hint` reads it); passing the chapter moves workspace/ to the next chapter's start, as verify
 * does, and watching goes on there. Ctrl-C stops the stack and everything it started.
 *
 * For a maintainer measuring it: WORKSHOP_WATCH_PHASES=1 prints on stderr, for each run, when
 * the type check, the bundling, the stack's rebuild and the checks ended (seconds from the save).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { watch as watchFiles } from 'chokidar';
import { buildErrors } from './causes.mjs';
import { NOT_APP_FILES } from './chapters.mjs';
import { RESTARTS_STACK, stackAddress, startCheckStack } from './check-stack.mjs';
import { currentChapter } from './context.mjs';
import { requireProgress } from './progress.mjs';
import { typeCheckerThread } from './type-checker.mjs';
import { colours, command } from './ui.mjs';
import { anchorOf, causeLines, checksCallTheApi, runChecks, stepStates, stepsOf, unwrittenLines } from './verify.mjs';
import { reportToRoom } from '@session-api/room/client';
import { requireWorkspace } from './workspace.mjs';

/** Saves closer together than this make one run (an editor writes a file in several steps). */
export const DEBOUNCE_MS = 120;

/** Files an editor writes beside the one saved, which are not the app. */
const EDITOR_FILES = /(?:~|\.swp|\.swx|\.tmp|^4913)$|(?:^|\/)\.#/;

/**
 * Whether a changed path (relative to the workspace) is part of the app.
 * @param {string} relative
 */
export function isAppChange(relative) {
  const first = relative.split('/')[0] ?? '';
  if (NOT_APP_FILES.includes(first) || /^\.serverless-|\.tsbuildinfo$/.test(first)) return false;
  return !EDITOR_FILES.test(relative);
}

/**
 * @typedef {object} Verdict  what one run found, as the screen shows it
 * @property {number} chapter
 * @property {'cause' | 'failed' | 'passed'} kind
 * @property {string} text           the screen's text for it
 * @property {number} seconds        from the save (or the start) to the verdict
 */

/**
 * Watches the workspace until `stop()`.
 * @param {import('./context.mjs').Context} context
 * @param {{ onVerdict?: (verdict: Verdict) => void, onRunning?: (why: string) => void, record?: boolean }} [events]
 *   record: false for a measurement: no run is recorded, and a passing chapter does not move on
 */
export async function startWatching(context, { onVerdict = () => undefined, onRunning = () => undefined, record: recording = true } = {}) {
  const { place } = context;
  requireWorkspace(place);
  let chapter = currentChapter(context, requireProgress(place));
  // A chapter whose checks never call the API (7 to 9) gets no stack: nothing to rebuild. Read
  // from its check files once per chapter, not on every save.
  let needsStack = checksCallTheApi(chapter);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'workshop-watch-'));
  const logFile = path.join(scratch, 'stack.log');
  const types = typeCheckerThread(place.workspace);

  /** @type {import('./check-stack.mjs').CheckStack | undefined} */
  let stack;
  const stopStack = async () => {
    await stack?.stop();
    stack = undefined;
  };
  const startStack = async () => {
    await stopStack();
    stack = await startCheckStack(place.workspace, { logFile, control: true });
  };

  /** What changed since the last run (relative paths), and when the first of it was saved. */
  let pending = new Set(['(start)']);
  let savedAt = Date.now();
  let running = false;
  let stopped = false;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  /** @type {Promise<void>} */
  let current = Promise.resolve();

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!running) current = runLoop();
    }, DEBOUNCE_MS);
  };

  // chokidar, not fs.watch's recursive mode: on Linux, Node 20's walks every folder, the stack's
  // bundles in .esbuild/ included, and throws when one of them is gone before it is read.
  const relativeOf = (/** @type {string} */ file) => path.relative(place.workspace, file).split(path.sep).join('/');
  const watcher = watchFiles(place.workspace, {
    ignoreInitial: true,
    // Never descend into what is not the app (node_modules, the bundles, the reports).
    ignored: (file) => {
      const relative = relativeOf(file);
      return relative !== '' && !relative.startsWith('..') && !isAppChange(relative);
    },
  });
  watcher.on('all', (_event, file) => {
    const relative = relativeOf(file);
    if (!relative || !isAppChange(relative)) return;
    if (pending.size === 0) savedAt = Date.now();
    pending.add(relative);
    schedule();
  });
  // A watcher's error (a folder gone while it was read) is no reason to stop watching.
  watcher.on('error', () => undefined);
  await new Promise((resolve) => watcher.once('ready', () => resolve(undefined)));

  /** What a passed chapter said, shown above the next chapter's first verdict. */
  let done = '';

  /** Runs until no save is left unchecked; shows only the verdict of the last run. */
  const runLoop = async () => {
    running = true;
    try {
      while (pending.size > 0 && !stopped) {
        const changed = pending;
        const from = savedAt;
        pending = new Set();
        onRunning([...changed].filter((file) => file !== '(start)').join(', '));
        const verdict = await runOnce(changed, from);
        if (!verdict || stopped) continue;
        if (verdict.kind === 'passed') {
          // Not stale whatever came after: the chapter is done, and the next one starts now. Its
          // files were just written: their saves arrive first, to make one run with them.
          done = verdict.text;
          onVerdict(verdict);
          await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS * 3));
          continue;
        }
        // A save during the run: its verdict would be stale, so the next run's is shown instead.
        if (pending.size > 0) continue;
        // The first verdict of a chapter just begun keeps the news of the one just done above it.
        onVerdict(done ? { ...verdict, text: `${done}\n\n${verdict.text}` } : verdict);
        done = '';
      }
    } finally {
      running = false;
    }
  };

  /**
   * One run: the type check (in its thread), the bundling in memory and the stack's rebuild go
   * at once, then the checks, which a type error found meanwhile stops; a cause is shown before
   * any check's result.
   * @param {Set<string>} changed @param {number} from
   * @returns {Promise<Verdict | undefined>}
   */
  const runOnce = async (changed, from) => {
    const seconds = () => (Date.now() - from) / 1000;
    const phase = process.env['WORKSHOP_WATCH_PHASES'] ? (/** @type {string} */ name) => process.stderr.write(`[phase] ${name} ${seconds().toFixed(2)}\n`) : () => undefined;
    const typesFound = types.check().then((errors) => {
      phase('types');
      return errors.length > 0 ? { kind: /** @type {const} */ ('types'), errors } : undefined;
    });
    const buildFound = buildErrors(place.workspace).then((errors) => {
      phase('build');
      return errors.length > 0 ? { kind: /** @type {const} */ ('build'), errors } : undefined;
    });
    /** What the saves ask of the stack: none for this chapter, a new one, or its functions bundled again. */
    const updateStack = () => {
      if (!needsStack) return stopStack();
      if (!stack || [...changed].some((file) => RESTARTS_STACK.test(file))) return startStack();
      return stack.rebuild();
    };
    /** @type {Promise<string | undefined>} what went wrong starting or rebuilding the stack */
    const stackReady = updateStack().then(
      () => {
        phase('stack');
        return undefined;
      },
      (error) => (error instanceof Error ? error.message : String(error)).split('\n').slice(-12).join('\n'),
    );
    const [buildCause, stackProblem] = await Promise.all([buildFound, stackReady]);
    // Code that does not bundle, or a stack that does not start: a type error is the likelier cause.
    if (buildCause) return showCause((await typesFound) ?? buildCause, seconds);
    if (stackProblem) {
      const typeCause = await typesFound;
      if (typeCause) return showCause(typeCause, seconds);
      return { chapter: chapter.number, kind: 'cause', text: `The local stack does not start:\n${stackProblem}`, seconds: seconds() };
    }
    if (pending.size > 0) return undefined;
    const abort = new AbortController();
    const stopOnTypes = typesFound.then((found) => {
      if (found) abort.abort();
    });
    const run = await runChecks({ chapter, target: place.workspace, quiet: true, causes: false, bail: true, signal: abort.signal, env: checksEnv() });
    phase('checks');
    const typeCause = await typesFound;
    await stopOnTypes;
    if (typeCause) return showCause(typeCause, seconds);
    if (pending.size > 0) return undefined;
    const { record } = await import('./commands/verify.mjs');
    const before = chapter;
    const said = recording ? record(context, before, run, undefined) : [];
    if (recording) await reportToRoom(context, { type: 'verify', checked: before.number, results: run.results, steps: stepStates(before, run), seconds: run.seconds });
    const failed = run.results.find((result) => result.state === 'failed');
    if (failed || run.results.length === 0) {
      return { chapter: before.number, kind: 'failed', text: firstFailure(before, run, failed), seconds: seconds() };
    }
    const passedText = [colours.green(`✔ Every check of chapter ${before.number} passes (${run.results.length} of ${run.results.length}).`), ...said].join('\n');
    const next = currentChapter(context, requireProgress(place));
    if (next.number !== before.number) {
      // On to the next chapter: its start is in workspace/ now (the saves of goto's files come
      // too), checked from scratch on a stack started again (if its checks call the API).
      chapter = next;
      needsStack = checksCallTheApi(chapter);
      pending.add('(start)');
      pending.add('serverless.yml');
    }
    return { chapter: before.number, kind: 'passed', text: passedText, seconds: seconds() };
  };

  /**
   * The verdict for code that does not compile or bundle, recorded as verify records it.
   * @param {import('./verify.mjs').Cause} cause @param {() => number} seconds
   * @returns {Promise<Verdict>}
   */
  const showCause = async (cause, seconds) => {
    const run = { status: 1, results: [], output: '', seconds: seconds(), cause, notes: [], unwritten: [] };
    if (recording) {
      const { record } = await import('./commands/verify.mjs');
      record(context, chapter, run, undefined);
      await reportToRoom(context, { type: 'verify', checked: chapter.number, results: [], steps: stepStates(chapter, run), seconds: run.seconds });
    }
    return { chapter: chapter.number, kind: 'cause', text: [...causeLines(cause, 'save'), '', `Stuck? ${command('hint')}`].join('\n'), seconds: seconds() };
  };

  /**
   * Where the stack is, for a run of the checks in another process; none runs for a chapter
   * whose checks never call the API. @returns {import('./check-stack.mjs').StackAddress | undefined}
   */
  const address = () => (stack ? stackAddress(stack, logFile) : undefined);
  /** The environment of a run of the checks: the stack's address, when one runs. */
  const checksEnv = () => {
    const where = address();
    return where ? { ...process.env, WORKSHOP_STACK: JSON.stringify(where) } : process.env;
  };

  current = runLoop();

  return {
    /** The chapter being watched. */
    chapter: () => chapter,
    /** The environment that runs the checks against its stack, if any (for a measurement that runs the same checks). */
    checksEnv,
    /** Stops watching, and the stack with everything it started. */
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await watcher.close();
      await current.catch(() => undefined);
      await stack?.stop();
      await types.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * The screen's text for a run that found a failing check: that check only.
 * @param {import('./chapters.mjs').Chapter} chapter
 * @param {import('./verify.mjs').Verification} run
 * @param {import('./verify.mjs').CheckResult | undefined} failed
 */
function firstFailure(chapter, run, failed) {
  if (!failed) return `No check ran: the checks could not be loaded.\n${run.output.split('\n').slice(-10).join('\n')}`;
  const passed = run.results.filter((result) => result.state === 'passed').length;
  const lines = [colours.red(`✖ ${failed.title}`)];
  for (const line of (failed.reason ?? '').split('\n')) lines.push(`  ${line}`);
  if (failed.explained) lines.push(`  ${stepsOf(chapter, failed.explained)}See "${failed.explained}" in chapter ${chapter.number}: ${chapter.page}#${anchorOf(failed.explained)}`);
  lines.push('', `${passed} check${passed === 1 ? '' : 's'} before it pass${passed === 1 ? 'es' : ''}. Stuck? ${command('hint')}`);
  if (run.unwritten.length > 0) lines.push('', ...unwrittenLines(chapter, run.unwritten));
  return lines.join('\n');
}
