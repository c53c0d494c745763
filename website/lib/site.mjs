// @ts-check
/**
 * The built site, for the tests and the benchmark: build it (or reuse a build that is newer than
 * every file of the repository), serve it as `npm run docs` does, and drive Debian's Chromium.
 * And the terminal of a learner, for the tests that run the pages' commands as one would.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@session-api/local-stack/ports.mjs';

export const WEBSITE = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = path.dirname(WEBSITE);
export const BUILD = path.join(WEBSITE, 'build');
const DOCUSAURUS = createRequire(import.meta.url).resolve('@docusaurus/core/bin/docusaurus.mjs');

/** Debian's Chromium: the only browser these checks use, so nothing is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
/** Headless, and quiet: no update checks, no sync, no first-run pages, no request of its own. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * @param {string} [file] where the browser must be
 * @returns {string} the browser's path, or an error that says how to install it
 */
export function chromiumPath(file = CHROMIUM) {
  if (!existsSync(file)) {
    throw new Error(
      `Chromium is not installed: the website's browser checks drive Debian's chromium at ${file}.\n` +
        '  Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n' +
        '  (CI installs it in .ci/run; these checks are never skipped.)',
    );
  }
  return file;
}

/**
 * Whether website/build was built after the last change to any file of the repository (tracked,
 * or new and not ignored): then it shows what the repository holds, and a check may reuse it.
 */
export function buildIsFresh() {
  const stamp = path.join(BUILD, 'index.html');
  if (!existsSync(stamp)) return false;
  const builtAt = statSync(stamp).mtimeMs;
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  return files.every((file) => {
    const full = path.join(REPO_ROOT, file);
    return !existsSync(full) || statSync(full).mtimeMs < builtAt;
  });
}

/**
 * Builds the site with Docusaurus (as `npm run docs:build`), printing its output only if it
 * fails. @returns {Promise<number>} the build's duration in seconds
 */
export function buildSite() {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DOCUSAURUS, 'build'], { cwd: WEBSITE, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`the site's build failed (exit ${code}):\n${output}`))));
  });
}

/** Builds the site unless the build is fresh. @returns {Promise<number | undefined>} the build's seconds, if it built */
export async function ensureBuild() {
  return buildIsFresh() ? undefined : buildSite();
}

/**
 * Serves the built site with `docusaurus serve`, what `npm run docs` runs, on a free port.
 * @returns {Promise<{origin: string, stop: () => Promise<void>}>}
 */
export async function serveSite() {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const child = spawn(process.execPath, [DOCUSAURUS, 'serve', '--port', String(port), '--host', 'localhost', '--no-open'], { cwd: WEBSITE, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let tries = 0; tries < 300; tries += 1) {
    if (child.exitCode !== null) throw new Error(`docusaurus serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(origin)).ok) return { origin, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`docusaurus serve did not answer at ${origin} within 30 s`);
}

/**
 * A copy of the repository's files as they are now (tracked, or new and not ignored), as a fresh
 * git repository in a temporary folder: what the tests that follow the pages as a learner work in.
 * @param {{ linkNodeModules?: boolean }} [options] link this checkout's node_modules in (instead
 *   of installing: only the docs test's Setup page runs the real `npm install`)
 */
export function scratchCopy({ linkNodeModules = false } = {}) {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'docs-run-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n');
  for (const file of files) {
    const source = path.join(REPO_ROOT, file);
    if (!file || !existsSync(source) || !lstatSync(source).isFile()) continue;
    mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    copyFileSync(source, path.join(folder, file));
  }
  const git = (/** @type {string[]} */ ...args) => execFileSync('git', ['-c', 'user.name=docs test', '-c', 'user.email=docs@localhost', ...args], { cwd: folder, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'the repository, as the docs test found it');
  if (linkNodeModules) symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(folder, 'node_modules'), 'junction');
  return folder;
}

/** Every page of the built site, as a path ("/", "/setup", …); 404.html is not a page. */
export function sitePages() {
  /** @type {string[]} */
  const pages = [];
  const walk = (/** @type {string} */ folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && entry.name !== 'assets') walk(full);
      else if (entry.name === 'index.html') pages.push(`/${path.relative(BUILD, folder).split(path.sep).join('/')}`);
    }
  };
  walk(BUILD);
  return pages.sort();
}

/**
 * Addresses outside the site that the built HTML and CSS would make a browser fetch by itself:
 * scripts, stylesheets, fonts, images, preloads (plain links a reader may click are fine).
 * @param {string} [folder] the built site
 * @returns {string[]} "file: address" for each
 */
export function outsideFetches(folder = BUILD) {
  /** @type {string[]} */
  const found = [];
  const fetched = [
    /<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=["']?(https?:\/\/[^"' >]+)/gi,
    /<link\b(?=[^>]*\brel=["']?(?:stylesheet|preload|prefetch|preconnect|dns-prefetch|modulepreload|icon|manifest|apple-touch-icon)\b)[^>]*\bhref=["']?((?:https?:)?\/\/[^"' >]+)/gi,
    /url\(\s*["']?((?:https?:)?\/\/[^"')]+)/gi,
    /@import\s+(?:url\()?\s*["']?((?:https?:)?\/\/[^"');]+)/gi,
  ];
  const walk = (/** @type {string} */ directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(html|css)$/.test(entry.name)) {
        const text = readFileSync(full, 'utf8');
        for (const pattern of fetched) {
          for (const match of text.matchAll(pattern)) found.push(`${path.relative(folder, full)}: ${match[1]}`);
        }
      }
    }
  };
  walk(folder);
  return found;
}

/** The size of one page's HTML file in the build. @param {string} page a path from sitePages() */
export function pageHtmlBytes(page) {
  return statSync(path.join(BUILD, page, 'index.html')).size;
}

/** The built site's size in bytes, every file counted. */
export function buildBytes() {
  let total = 0;
  const walk = (/** @type {string} */ folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else total += statSync(full).size;
    }
  };
  walk(BUILD);
  return total;
}

/**
 * A learner's terminal: nothing of the npm script that runs the test (its npm_* variables and
 * INIT_CWD, and node_modules/.bin on the PATH, would find what a learner's shell does not), nor
 * the variables named in `without`; then `extra`.
 * @param {NodeJS.ProcessEnv} [extra]
 * @param {{without?: string[]}} [options]
 * @returns {NodeJS.ProcessEnv}
 */
export function learnerEnv(extra = {}, { without = [] } = {}) {
  /** @type {NodeJS.ProcessEnv} */
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD' && !without.includes(name)));
  env['PATH'] = (process.env['PATH'] ?? '').split(path.delimiter).filter((entry) => !entry.includes('node_modules')).join(path.delimiter);
  return { ...env, ...extra };
}
