// @ts-check
/**
 * The docs test (`npm run test:docs`): follows the website like a learner would. The pages'
 * shell blocks tagged `run` are run, page after page in the sidebar's order, on a scratch copy of
 * the repository (its files as they are now, ignored files left out), and what a page shows as
 * their output must appear in their output. A `run background` block (npm start) keeps running
 * until its page ends; the test waits for the output the page shows after it. Blocks tagged
 * `needs=…` cannot run here: every npm script they name must exist. The tags: lib/code-blocks.mjs.
 *
 * The pages show the API on port 3000; the test runs it on a free port instead (PORT, and
 * `--port` for `npm run workshop -- serve` and `doctor`), and reads the pages' addresses accordingly, so that
 * it never collides with an `npm start` of yours.
 *
 * A `verify` block (`npm run workshop -- verify`) is not run page by page: the chain in npm test
 * runs every chapter's checks already. What the chapter pages show it printing is rendered from
 * the checks' titles (<VerifyOutput />); the last test here runs one real verify and compares.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { loadChapters } from '@session-api/workshop/chapters';
import { checkTitles, verifyOutput } from '../lib/chapter-pages.mjs';
import { commandsOf, missingNpmScript, missingOutput, pageSteps } from '../lib/code-blocks.mjs';
import { freePort } from '@session-api/local-stack/ports.mjs';
import { REPO_ROOT, WEBSITE, learnerEnv, scratchCopy } from '../lib/site.mjs';

const DOCS = path.join(WEBSITE, 'docs');
const PAGES_PORT = 3000;
const RUN_TIMEOUT_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 3 * 60_000;

/** The pages in the sidebar's order: the home page, then by path (number prefixes first). */
function pagesInOrder() {
  /** @type {string[]} */
  const files = [];
  const walk = (/** @type {string} */ folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.mdx?$/.test(entry.name)) files.push(path.relative(DOCS, full).split(path.sep).join('/'));
    }
  };
  walk(DOCS);
  const rank = (/** @type {string} */ file) => (file === 'index.mdx' || file === 'index.md' ? 0 : 1);
  return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
}

/** The last lines of some output, for a failure message. @param {string} output */
const tail = (output) => output.trimEnd().split('\n').slice(-40).join('\n');

const pages = pagesInOrder().map((file) => ({ file, steps: pageSteps(readFileSync(path.join(DOCS, file), 'utf8'), `website/docs/${file}`) }));

describe('the website\'s shell blocks, run in page order', function () {
  this.timeout(RUN_TIMEOUT_MS);
  this.bail(true); // each step counts on the ones before it, as a learner's would
  /** @type {string} */
  let scratch;
  /** @type {number} */
  let port;
  /** @type {NodeJS.ProcessEnv} */
  let env;
  /** @param {string} text */
  const onOurPort = (text) =>
    text
      .replace(new RegExp(`(localhost|127\\.0\\.0\\.1):${PAGES_PORT}\\b`, 'g'), `$1:${port}`)
      .replace(/(npm run workshop -- (?:serve|doctor))(?![^\n]*--port)/g, `$1 --port ${port}`)
      .replace(new RegExp(`\\bport ${PAGES_PORT}\\b`, 'g'), `port ${port}`);

  before(async () => {
    // The packages this checkout installed: the Setup page's `npm install` (minutes) is not run
    // again here; CI's own install runs it, and the offline kit's test installs from the kit.
    scratch = scratchCopy({ linkNodeModules: true });
    port = await freePort();
    env = learnerEnv({ PORT: String(port) });
    // What the commands leave in the temporary folder (a pipeline run's work folder, the local
    // stack's workers) goes with the scratch copy, not into this machine's /tmp.
    env['TMPDIR'] = mkdtempSync(path.join(os.tmpdir(), 'docs-run-tmp-'));
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    if (env?.['TMPDIR']) rmSync(env['TMPDIR'], { recursive: true, force: true });
  });

  it('finds shell blocks to run on the pages', () => {
    assert.ok(pages.flatMap((page) => page.steps).some((step) => step.kind === 'run'), 'no page has a `run` block');
  });

  for (const { file, steps } of pages.filter((page) => page.steps.length > 0)) {
    describe(`website/docs/${file}`, () => {
      /** @type {{stop: () => Promise<void>}[]} */
      const running = [];
      after(async () => {
        for (const process of running.reverse()) await process.stop();
      });

      for (const step of steps) {
        const title = `line ${step.line}: ${commandsOf(step.code).join(' && ')}`;
        if (step.kind === 'verify' || step.kind === 'chain') {
          const why = step.kind === 'verify' ? 'its output is rendered from the checks, proven below' : "the chapter's checks run it, in the chain";
          it(`${title} (${step.kind}: not run here; ${why})`, () => {
            for (const command of commandsOf(step.code)) assert.equal(missingNpmScript(command, REPO_ROOT), undefined, command);
          });
        } else if (step.kind === 'needs') {
          it(`${title} (needs ${step.reason}: its npm scripts exist)`, () => {
            for (const command of commandsOf(step.code)) assert.equal(missingNpmScript(command, REPO_ROOT), undefined, command);
          });
        } else if (step.kind === 'run') {
          it(title, async () => {
            const { code, output } = await run(onOurPort(step.code), scratch, env);
            assert.equal(code, 0, `exit code ${code}; its output ended with:\n${tail(output)}`);
            if (step.output) {
              const missing = missingOutput(output, onOurPort(step.output.text));
              assert.equal(missing, undefined, `the page shows "${missing}" (line ${step.output.line}), which its output lacks:\n${tail(output)}`);
            }
          });
        } else {
          it(`${title} (in the background, until the page ends)`, async () => {
            const expected = onOurPort(step.output?.text ?? '');
            const process = await start(onOurPort(step.code), scratch, env, (output) => missingOutput(output, expected) === undefined);
            running.push(process);
          });
        }
      }
    });
  }
});

/**
 * Runs a run block's commands with bash, stopping at the first that fails.
 * @param {string} code @param {string} cwd @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{code: number | null, output: string}>}
 */
function run(code, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS - 10_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output });
    });
  });
}

/**
 * Starts a `run background` block in a process group of its own (so that stopping it is a
 * Ctrl-C to everything it started) and waits until its output is what the page shows.
 * @param {string} code @param {string} cwd @param {NodeJS.ProcessEnv} env
 * @param {(output: string) => boolean} ready
 * @returns {Promise<{stop: () => Promise<void>}>}
 */
async function start(code, cwd, env, ready) {
  const child = spawn('bash', ['-c', code], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('close', resolve));
  const signal = (/** @type {NodeJS.Signals} */ name) => {
    try {
      process.kill(-(child.pid ?? 0), name);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    signal('SIGINT');
    const killer = setTimeout(() => signal('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!ready(output)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it stopped (exit ${child.exitCode}) before showing what the page shows:\n${tail(output)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`it did not show what the page shows within ${READY_TIMEOUT_MS / 1000} s:\n${tail(output)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { stop };
}

/**
 * The chapter whose real verify proves what every chapter page shows verify printing: the
 * quickest to check. The rendering is the same code for every chapter (lib/chapter-pages.mjs),
 * and website/test/chapters.unit.test.mjs holds its titles to mocha's for every chapter.
 */
const VERIFIED_CHAPTER = 1;

describe('what the chapter pages show `workshop verify` printing', function () {
  this.timeout(RUN_TIMEOUT_MS);

  it(`is what it prints: the real verify of chapter ${VERIFIED_CHAPTER}'s folder, line for line`, async () => {
    const chapter = loadChapters(REPO_ROOT).find((candidate) => candidate.number === VERIFIED_CHAPTER);
    assert.ok(chapter, `there is no chapter ${VERIFIED_CHAPTER}`);
    const workshop = path.join(path.dirname(createRequire(import.meta.url).resolve('@session-api/workshop/chapters')), 'bin', 'workshop.mjs');
    const env = { ...process.env, NO_COLOR: '1' };
    const { code, stdout } = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [workshop, 'verify', '--target', chapter.dir], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: output }));
    });
    assert.equal(code, 0, `verify failed on chapter ${VERIFIED_CHAPTER}'s own folder:\n${tail(stdout)}`);
    // A slow check's line ends with its time, e.g. " (4.5 s)": the page leaves that out.
    const printed = stdout.trimEnd().split('\n').map((/** @type {string} */ line) => line.replace(/ \(\d+(?:\.\d+)? s\)$/, ''));
    const rendered = verifyOutput(chapter, await checkTitles(chapter), chapter.dir).split('\n');
    assert.ok(rendered.filter((line) => line.startsWith('  ✔ ')).length >= 2, 'the rendering shows the checks');
    assert.deepEqual(printed, rendered);
  });
});
