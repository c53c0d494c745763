// @ts-check
/**
 * Runs a chapter's checks (chapters/NN-name/checks/*.check.ts) against an app folder, and says
 * what is missing. Used by `npm test` in a chapter folder, by `workshop verify` on your
 * workspace, and by the chain, which proves each chapter's checks fail on its start and pass on
 * its end.
 *
 * The cause comes before the behaviour: before any check runs, the app is type-checked and its
 * functions bundled (causes.mjs). Code that does not compile stops there, with TypeScript's or
 * esbuild's own words and the file and line, since a check run on it could pass for the wrong
 * reason (a ReferenceError where a refusal was expected) or time out.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import GithubSlugger from 'github-slugger';
import { MAX_TYPE_ERRORS, buildErrors, serviceProblems, sourceLine, typeErrors } from './causes.mjs';
import { appFiles } from './chapters.mjs';
import { placeholdersInApp } from './steps.mjs';

const require = createRequire(import.meta.url);

/**
 * @typedef {import('./chapters.mjs').Chapter} Chapter
 * @typedef {{ title: string, state: 'passed' | 'failed' | 'skipped', durationMs: number, reason?: string, explained?: string, hints?: string[] }} CheckResult
 * @typedef {{ kind: 'types' | 'build', errors: import('./causes.mjs').SourceError[] }} Cause  what stopped the checks before they ran
 * @typedef {{ status: number, results: CheckResult[], output: string, seconds: number, cause?: Cause, notes: string[], unwritten: { step: string, file: string, line: number }[] }} Verification
 *   notes: what serverless.yml gets wrong, found before the checks ran; unwritten: the steps whose placeholders the app still holds
 */

/**
 * The check files of a chapter.
 * @param {Chapter} chapter
 */
export function checkFiles(chapter) {
  const dir = path.join(chapter.dir, 'checks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.check.ts'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** What the checks use of @session-api/workshop/checks when they call the API: a stack must run for them. */
const CALLS_THE_API = /\b(?:call|api|newAccount|newSession|simultaneously|warmUp)\b/;

/**
 * Whether a chapter's checks call the API: they import a helper that does. The chain and
 * `workshop watch` keep a local stack running only for those chapters.
 * @param {Chapter} chapter
 */
export function checksCallTheApi(chapter) {
  return checkFiles(chapter).some((file) => {
    const imports = /import\s*\{([^}]*)\}\s*from\s*'@session-api\/workshop\/checks'/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
    return CALLS_THE_API.test(imports);
  });
}

/**
 * The line the reporter prints above a chapter's checks.
 * @param {Chapter} chapter
 * @param {string} target what is checked: the app's folder, or the API's URL
 */
export function verifyHeader(chapter, target) {
  return `Chapter ${chapter.number}: ${chapter.title} (checking ${target})`;
}

/**
 * What stops the checks before they run: type errors first (they are usually the cause of a build
 * error too), then what esbuild cannot bundle. Both are looked for at once.
 * @param {string} target
 * @returns {Promise<Cause | undefined>}
 */
export async function stoppingCause(target) {
  const [types, build] = await Promise.all([typeErrors(target), buildErrors(target)]);
  if (types.errors.length > 0) return { kind: 'types', errors: types.errors };
  if (build.length > 0) return { kind: 'build', errors: build };
  return undefined;
}

/**
 * Runs the checks of `chapter` against the app in `target` (or the API at `url`).
 * @param {{ chapter: Chapter, target: string, url?: string, quiet?: boolean, env?: NodeJS.ProcessEnv, causes?: boolean, sections?: string[], bail?: boolean, signal?: AbortSignal }} options
 *   quiet: keep the output (returned) instead of printing it as it comes; causes: type-check and
 *   bundle the app first (not against a URL); sections: run only the checks these sections
 *   explain; bail: stop at the first check that fails (watch shows only that one); signal: stops
 *   the checks (watch, when it found a cause meanwhile)
 * @returns {Promise<Verification>}
 */
export async function runChecks({ chapter, target, url, quiet = false, env = process.env, causes = url === undefined, sections, bail = false, signal }) {
  const files = checkFiles(chapter);
  if (files.length === 0) throw new Error(`chapters/${chapter.folder} has no checks (checks/*.check.ts)`);
  const started = Date.now();
  const unwritten = url === undefined ? placeholdersInApp(target, appFiles(target, { chapter: false })).map(({ step, file, line }) => ({ step, file, line })) : [];
  const notes = url === undefined ? serviceProblems(target) : [];
  // The type check and the bundling run beside the checks, whose output waits for them: a cause
  // found stops the checks (their results could be right for the wrong reason) and is all that
  // is shown; none found, and the output so far is shown and goes on as it comes.
  const cause = causes ? stoppingCause(target) : Promise.resolve(undefined);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'workshop-verify-'));
  const resultsFile = path.join(scratch, 'results.json');
  try {
    const args = [
      require.resolve('mocha/bin/mocha.js'),
      // The checks are not the app's tests: none of the target's mocha settings apply.
      '--no-config',
      '--no-package',
      '--fail-zero',
      '--require', require.resolve('@session-api/quality/register-typescript'),
      '--require', require.resolve('./hooks.cjs'),
      '--reporter', require.resolve('./reporter.cjs'),
      '--timeout', '90000',
      ...(bail ? ['--bail'] : []),
      ...files,
    ];
    const child = spawn(process.execPath, args, {
      cwd: chapter.dir,
      env: {
        ...env,
        WORKSHOP_TARGET: path.resolve(target),
        WORKSHOP_RESULTS: resultsFile,
        WORKSHOP_CHAPTER_TITLE: verifyHeader(chapter, url ?? path.resolve(target)),
        // The reporter writes to a pipe, shown in this terminal: it may draw its spinner.
        ...(!quiet && process.stdout.isTTY ? { WORKSHOP_TTY: '1' } : {}),
        ...(url ? { WORKSHOP_URL: url } : {}),
        ...(sections ? { WORKSHOP_SECTIONS: JSON.stringify(sections) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: stopping it stops the local stack it started too.
      detached: true,
    });
    let output = '';
    let shown = 0;
    let showing = false;
    const show = () => {
      if (!showing || quiet) return;
      process.stdout.write(output.slice(shown));
      shown = output.length;
    };
    const collect = (/** @type {Buffer} */ chunk) => {
      output += chunk;
      show();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const closed = new Promise((resolve) => child.once('close', (code) => resolve(code ?? 1)));
    const stop = () => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGTERM');
      } catch {
        // it has ended already
      }
    };
    signal?.addEventListener('abort', stop, { once: true });
    const found = await cause;
    if (found) {
      stop();
      await closed;
      return { status: 1, results: [], output: '', seconds: (Date.now() - started) / 1000, cause: found, notes, unwritten };
    }
    showing = true;
    show();
    const status = await closed;
    /** @type {CheckResult[]} */
    const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
    if (results.length === 0 && !quiet) console.error('No check ran: the checks could not be loaded (see above).');
    return { status: results.length === 0 ? 1 : Number(status), results, output, seconds: (Date.now() - started) / 1000, notes, unwritten };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The checks of a chapter as written, without running any: each title with its section and
 * hints (mocha's dry run, through the same reporter). `hint` reads the hints here when asked,
 * so that no file holds them before.
 * @param {Chapter} chapter
 * @returns {Promise<CheckResult[]>}
 */
export async function checksOf(chapter) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'workshop-checks-'));
  const resultsFile = path.join(scratch, 'results.json');
  try {
    const args = [require.resolve('mocha/bin/mocha.js'), '--no-config', '--no-package', '--dry-run', '--require', require.resolve('@session-api/quality/register-typescript'), '--reporter', require.resolve('./reporter.cjs'), ...checkFiles(chapter)];
    await new Promise((resolve) => {
      const child = spawn(process.execPath, args, { cwd: chapter.dir, env: { ...process.env, WORKSHOP_RESULTS: resultsFile, WORKSHOP_TARGET: chapter.dir }, stdio: 'ignore' });
      child.once('close', resolve);
    });
    return existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The anchor of a heading on the chapter's page, as the website makes it.
 * @param {string} heading
 */
export function anchorOf(heading) {
  return new GithubSlugger().slug(heading);
}

/**
 * What a learner reads after verify: what stopped the checks, or how many pass, which were
 * skipped and why, and for each failure what is missing, in which step, and where the chapter
 * explains it.
 * @param {Chapter} chapter
 * @param {Pick<Verification, 'results'> & Partial<Pick<Verification, 'cause' | 'notes' | 'unwritten'>>} run
 * @param {{ hintCommand?: string | undefined }} [options] the command that gives a hint, when the results are recorded
 */
export function summary(chapter, { results, cause, notes = [], unwritten = [] }, { hintCommand } = {}) {
  /** @type {string[]} */
  const lines = [''];
  if (cause) {
    lines.push(...causeLines(cause), '');
    if (unwritten.length > 0) lines.push(...unwrittenLines(chapter, unwritten), '');
    if (hintCommand) lines.push(`Stuck? \`${hintCommand}\` says more about this error.`);
    return lines.join('\n').trimEnd();
  }
  const failed = results.filter((result) => result.state === 'failed');
  const passed = results.filter((result) => result.state === 'passed').length;
  const skipped = results.filter((result) => result.state === 'skipped');
  lines.push(`${passed} of ${results.length} checks of chapter ${chapter.number} pass${skipped.length ? ` (${skipped.length} skipped)` : ''}.`);
  if (skipped.length > 0) {
    lines.push('', 'Skipped:');
    for (const result of skipped) lines.push(`- ${result.title}: ${result.reason ?? 'skipped'}`);
  }
  if (failed.length === 0) {
    if (passed > 0) lines.push('', skipped.length ? `Every check of chapter ${chapter.number} that could run passes.` : `Chapter ${chapter.number} is done.`);
    return lines.join('\n');
  }
  if (notes.length > 0) {
    lines.push('', 'Found in serverless.yml first:');
    for (const note of notes) lines.push(`- ${note}`);
  }
  if (unwritten.length > 0) lines.push('', ...unwrittenLines(chapter, unwritten));
  lines.push('', 'What is missing:');
  for (const [index, result] of failed.entries()) {
    lines.push(`${index + 1}. ${result.title}`);
    for (const line of (result.reason ?? '').split('\n')) lines.push(`   ${line}`);
    if (result.explained) lines.push(`   ${stepsOf(chapter, result.explained)}See "${result.explained}" in chapter ${chapter.number}: ${chapter.page}#${anchorOf(result.explained)}`);
  }
  if (hintCommand) lines.push('', `Stuck? \`${hintCommand}\` gives a hint for the first one.`);
  return lines.join('\n');
}

/**
 * Each step of the chapter as a run found it: failed while its placeholder is still in the app
 * or a check of its section failed (or nothing could run), passed when the checks of its section
 * that ran passed, skipped when none of them ran.
 * @param {Chapter} chapter
 * @param {Pick<Verification, 'results' | 'unwritten'> & Partial<Pick<Verification, 'cause'>>} run
 * @returns {{ name: string, state: 'passed' | 'failed' | 'skipped' }[]}
 */
export function stepStates(chapter, run) {
  return chapter.steps.map((step) => {
    const checks = run.results.filter((result) => result.explained === step.section);
    const unwritten = run.unwritten.some((place) => place.step === step.name);
    if (unwritten || run.cause || checks.some((result) => result.state === 'failed')) return { name: step.name, state: 'failed' };
    return { name: step.name, state: checks.some((result) => result.state === 'passed') ? 'passed' : 'skipped' };
  });
}

/**
 * "Step "sign-tokens". " for the steps a section shows, or nothing.
 * @param {Chapter} chapter @param {string} section
 */
export function stepsOf(chapter, section) {
  const names = chapter.steps.filter((step) => step.section === section).map((step) => `"${step.name}"`);
  if (names.length === 0) return '';
  return `${names.length === 1 ? 'Step' : 'Steps'} ${names.join(', ')}. `;
}

/**
 * What stopped the checks, as the learner reads it.
 * @param {Cause} cause
 * @param {string} [again] what to do once it is fixed
 * @returns {string[]}
 */
export function causeLines(cause, again = 'verify again') {
  const shown = cause.errors.slice(0, MAX_TYPE_ERRORS).map((error) => `  ${sourceLine(error)}`);
  const more = cause.errors.length > MAX_TYPE_ERRORS ? [`  … and ${cause.errors.length - MAX_TYPE_ERRORS} more: npm --prefix workspace run typecheck lists them all.`] : [];
  if (cause.kind === 'types') {
    const count = cause.errors.length === 1 ? 'TypeScript finds 1 error' : `TypeScript finds ${cause.errors.length} errors`;
    return [`Your code does not compile: ${count}${cause.errors.length > MAX_TYPE_ERRORS ? `; the first ${MAX_TYPE_ERRORS}` : ''}:`, ...shown, ...more, '', `No check ran: fix these first (the first one often causes the others), then ${again}.`];
  }
  return [`A function cannot be built (esbuild bundles each one, as the local stack and a deploy do):`, ...shown, '', `No check ran: fix this first, then ${again}.`];
}

/**
 * The steps the app still holds placeholders for.
 * @param {Chapter} chapter
 * @param {{ step: string, file: string, line: number }[]} unwritten
 */
export function unwrittenLines(chapter, unwritten) {
  const lines = ['Steps still to write (their ✍ placeholders are in your files):'];
  // In the order the chapter's page shows them; a step of several parts once, at its first.
  const order = (/** @type {string} */ name) => chapter.steps.findIndex((step) => step.name === name);
  const firsts = new Map();
  for (const place of unwritten) if (!firsts.has(place.step)) firsts.set(place.step, place);
  for (const place of [...firsts.values()].sort((a, b) => order(a.step) - order(b.step))) {
    const step = chapter.steps.find((candidate) => candidate.name === place.step);
    lines.push(`- "${place.step}" in ${place.file}:${place.line}${step ? `: ${step.does} (see "${step.section}")` : ''}`);
  }
  return lines;
}
