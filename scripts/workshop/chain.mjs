// @ts-check
/**
 * The chain: what makes a learner's `verify` mean something. For every chapter N >= 1, with its
 * versions checked one after the other against one local stack (versionsBench):
 *
 *   its start      every check of chapter N FAILS on the start `goto N` gives (a check that
 *                  already passes there checks nothing the learner writes), and none fails
 *                  because the start does not compile or start: a left-out step keeps the app
 *                  compiling and starting;
 *   each step      with every step written but one, a check of the section that step names
 *                  fails: each step is checked, and the failure sends the learner to its code;
 *   its end        every check PASSES on the chapter's solution;
 *
 * and final/ passes the last chapter's checks.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { loadChapters, repositoryRoot } from './chapters.mjs';
import { sourceLine, typeErrors } from './causes.mjs';
import { appVersion, solutionVersion, startVersion } from './steps.mjs';
import { checksCallTheApi, runChecks } from './verify.mjs';
import { RESTARTS_STACK, stackAddress, startCheckStack } from './check-stack.mjs';
import { linkPackages, writeApp } from './workspace.mjs';

/**
 * Whether each chapter's start compiles, with one TypeScript program for all of them (as
 * chapters/tsconfig.json checks the chapters themselves): ten programs would cost ten times
 * reading TypeScript's and the packages' declarations. Each start is type-checked with its own
 * chapter's compiler options but `include`, which names every start's sources instead.
 * @param {Chapter[]} chapters those with steps
 * @param {string} root the repository
 * @returns {Promise<{ errors: Map<number, import('./causes.mjs').SourceError[]>, seconds: number }>}
 */
export async function startsCompile(chapters, root) {
  const started = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workshop-starts-'));
  try {
    for (const chapter of chapters) writeApp(path.join(dir, chapter.folder), startVersion(chapter));
    /** @type {typeof import('typescript')} */
    const ts = createRequire(path.join(root, 'package.json'))('typescript');
    const last = /** @type {Chapter} */ (chapters.at(-1));
    const { config } = ts.readConfigFile(path.join(last.dir, 'tsconfig.json'), (file) => readFileSync(file, 'utf8'));
    const include = chapters.flatMap((chapter) => [`${chapter.folder}/src/**/*.ts`, `${chapter.folder}/test/**/*.ts`]);
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...config, include }));
    writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
    linkPackages(dir, last.dir);
    // Chapters without TypeScript (made up for a test) leave TypeScript nothing to read: not an error.
    const { errors } = existsSync(path.join(last.dir, 'tsconfig.json')) ? await typeErrors(dir) : { errors: [] };
    /** @type {Map<number, import('./causes.mjs').SourceError[]>} */
    const byChapter = new Map();
    for (const error of errors) {
      const chapter = chapters.find((candidate) => error.file.startsWith(`${candidate.folder}/`));
      const number = chapter?.number ?? -1;
      byChapter.set(number, [...(byChapter.get(number) ?? []), { ...error, file: chapter ? error.file.slice(chapter.folder.length + 1) : error.file }]);
    }
    return { errors: byChapter, seconds: (Date.now() - started) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * @typedef {import('./chapters.mjs').Chapter} Chapter
 * @typedef {import('./verify.mjs').Verification} Verification
 * @typedef {'fail' | 'pass' | 'step'} Expectation   every check fails, every check passes, a check of the step's section fails
 * @typedef {{ chapter: number, on: string, expect: Expectation, section?: string, seconds: number, problems: string[], output: string }} Link
 */

/** A check that failed because the app could not be started proves nothing about a step. */
const DID_NOT_START = /^npm start failed/;

/**
 * What is wrong with a run, against what it should show.
 * @param {Verification} run
 * @param {Expectation} expect
 * @param {string} [section] for 'step': the section whose checks ran
 * @returns {string[]}
 */
export function linkProblems(run, expect, section) {
  if (run.cause) return [`it does not compile: ${run.cause.errors.slice(0, 3).map(sourceLine).join('; ')}`];
  if (run.results.length === 0) return [expect === 'step' ? `no check explains "${section}", so nothing checks this step` : 'no check ran (they could not be loaded: see the output)'];
  if (expect === 'pass') {
    return run.results.filter((result) => result.state !== 'passed').map((result) => `"${result.title}" ${result.state}: ${(result.reason ?? '').split('\n')[0]}`);
  }
  const unstarted = run.results.filter((result) => result.state === 'failed' && DID_NOT_START.test(result.reason ?? ''));
  if (unstarted.length > 0) return [`the app does not start, so "${unstarted[0]?.title}" fails for that reason: ${(unstarted[0]?.reason ?? '').split('\n').slice(0, 6).join(' | ')}`];
  if (expect === 'step') {
    return run.results.some((result) => result.state === 'failed') ? [] : [`every check of "${section}" passes without this step: none of them checks it`];
  }
  return run.results.filter((result) => result.state !== 'failed').map((result) => `"${result.title}" ${result.state === 'passed' ? 'already passes' : 'was skipped'} on the start: it checks nothing the learner writes`);
}

/**
 * The versions of one chapter's app, checked one after the other in one folder, against one
 * local stack kept running (when the checks call the API): each version is written over the one
 * before, and the stack rebuilds its functions, or starts again when serverless.yml or a stage's
 * settings changed. Starting a stack for each version would cost seconds each, some forty times.
 * The folder is in the repository (in .workshop/, which git ignores), as a learner's workspace/
 * is: a check that asks git where the app is (chapter 9's pipelines) finds it as it would there.
 * @param {Chapter} chapter
 * @param {string} root the repository
 */
function versionsBench(chapter, root) {
  mkdirSync(path.join(root, '.workshop'), { recursive: true });
  const dir = mkdtempSync(path.join(root, '.workshop', `chain-${chapter.folder}-`));
  const logFile = path.join(dir, '..', `${path.basename(dir)}.log`);
  const needsStack = checksCallTheApi(chapter);
  /** @type {import('./check-stack.mjs').CheckStack | undefined} */
  let stack;
  /** @type {Map<string, Buffer>} */
  let written = new Map();
  return {
    /**
     * Puts a version in place and runs checks on it.
     * @param {Map<string, Buffer>} version
     * @param {{ sections?: string[], bail?: boolean }} options
     * @returns {Promise<import('./verify.mjs').Verification>}
     */
    async check(version, { sections, bail = false }) {
      // The files added, removed or changed since the version before.
      const changed = [...new Set([...version.keys(), ...written.keys()])].filter((file) => {
        const now = version.get(file);
        const before = written.get(file);
        return !now || !before || !now.equals(before);
      });
      writeApp(dir, version);
      written = version;
      /** @type {NodeJS.ProcessEnv} */
      let env = process.env;
      if (needsStack) {
        try {
          if (!stack || changed.some((file) => RESTARTS_STACK.test(file))) {
            await stack?.stop();
            stack = undefined;
            stack = await startCheckStack(dir, { logFile, control: true });
          } else {
            await stack.rebuild();
          }
          env = { ...process.env, WORKSHOP_STACK: JSON.stringify(stackAddress(stack, logFile)) };
        } catch {
          // No stack: the checks start their own, and fail with its reason, as a learner's would.
          await stack?.stop();
          stack = undefined;
        }
      }
      return runChecks({ chapter, target: dir, quiet: true, causes: false, bail, env, ...(sections ? { sections } : {}) });
    },
    async close() {
      await stack?.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(logFile, { force: true });
    },
  };
}

/**
 * Runs the chain over the repository's chapters (or those numbered in `only`).
 * @param {{ root?: string, only?: number[], onLink?: (link: Link) => void, chapters?: Chapter[], finalDir?: string, startsAndEnds?: boolean }} [options]
 *   startsAndEnds: false leaves out each chapter's start and end runs, for `npm test`, whose site
 *   step follows every chapter from its start to its end as a learner does, with verify itself
 *   (website/test/learner.site.test.mjs): the same two proofs, made once
 * @returns {Promise<Link[]>}
 */
export async function runChain({ root = repositoryRoot(), only, onLink = () => undefined, chapters = loadChapters(root), finalDir = path.join(root, 'final'), startsAndEnds = true } = {}) {
  /** @type {Link[]} */
  const links = [];
  /**
   * @param {Chapter} chapter @param {import('./verify.mjs').Verification} run @param {string} on @param {Expectation} expect
   * @param {string} [section] for 'step'
   */
  const record = (chapter, run, on, expect, section) => {
    const done = { chapter: chapter.number, on, expect, ...(section ? { section } : {}), seconds: run.seconds, problems: linkProblems(run, expect, section), output: run.output };
    links.push(done);
    onLink(done);
  };
  const checked = chapters.filter((chapter, index) => index > 0 && (!only || only.includes(chapter.number)));
  const compiled = checked.length > 0 ? await startsCompile(checked, root) : { errors: /** @type {Map<number, import('./causes.mjs').SourceError[]>} */ (new Map()), seconds: 0 };
  const strays = compiled.errors.get(-1) ?? [];
  if (strays.length > 0) throw new Error(`the starts' type check failed outside any chapter: ${strays.slice(0, 3).map((error) => sourceLine(error)).join('; ')}`);
  for (const [index, chapter] of chapters.entries()) {
    if (only && !only.includes(chapter.number)) continue;
    if (index === 0) {
      record(chapter, await runChecks({ chapter, target: chapter.dir, quiet: true, causes: false }), `chapters/${chapter.folder}`, 'pass');
      continue;
    }
    const errors = compiled.errors.get(chapter.number) ?? [];
    const compiles = { chapter: chapter.number, on: 'its start', expect: /** @type {const} */ ('fail'), seconds: compiled.seconds / checked.length, problems: errors.slice(0, 5).map((error) => `the start does not compile: ${sourceLine(error)}`), output: '' };
    if (chapter.steps.length === 0) compiles.problems.push(`chapters/${chapter.folder}/chapter.json lists no step: a learner would have nothing to write`);
    if (compiles.problems.length > 0) {
      links.push(compiles);
      onLink(compiles);
    }
    const bench = versionsBench(chapter, root);
    try {
      if (startsAndEnds) record(chapter, await bench.check(startVersion(chapter), {}), 'its start', 'fail');
      if (chapter.steps.length > 1) {
        for (const step of chapter.steps) {
          // One failing check of its section is the proof: the others need not run.
          const run = await bench.check(appVersion(chapter, (name) => name === step.name), { sections: [step.section], bail: true });
          record(chapter, run, `step "${step.name}" left out`, 'step', step.section);
        }
      }
      if (startsAndEnds) record(chapter, await bench.check(solutionVersion(chapter), {}), `chapters/${chapter.folder}`, 'pass');
    } finally {
      await bench.close();
    }
  }
  const last = chapters.at(-1);
  if (last && (!only || only.includes(last.number))) record(last, await runChecks({ chapter: last, target: finalDir, quiet: true, causes: false }), 'final', 'pass');
  return links;
}
