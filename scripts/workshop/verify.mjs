// @ts-check
/**
 * Runs a chapter's checks (chapters/NN-name/checks/*.check.ts) against an app folder, and says
 * what is missing. Used by `npm test` in a chapter folder, by `workshop verify` on your
 * workspace, and by the chain, which proves each chapter's checks fail before the chapter and
 * pass after it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import GithubSlugger from 'github-slugger';

const require = createRequire(import.meta.url);

/**
 * @typedef {import('./chapters.mjs').Chapter} Chapter
 * @typedef {{ title: string, state: 'passed' | 'failed' | 'skipped', durationMs: number, reason?: string, explained?: string, hints?: string[] }} CheckResult
 * @typedef {{ status: number, results: CheckResult[], output: string, seconds: number }} Verification
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

/**
 * The line the reporter prints above a chapter's checks.
 * @param {Chapter} chapter
 * @param {string} target what is checked: the app's folder, or the API's URL
 */
export function verifyHeader(chapter, target) {
  return `Chapter ${chapter.number}: ${chapter.title} (checking ${target})`;
}

/**
 * Runs the checks of `chapter` against the app in `target` (or the API at `url`).
 * @param {{ chapter: Chapter, target: string, url?: string, quiet?: boolean, env?: NodeJS.ProcessEnv }} options
 *   quiet: keep the output (returned) instead of printing it as it comes
 * @returns {Promise<Verification>}
 */
export async function runChecks({ chapter, target, url, quiet = false, env = process.env }) {
  const files = checkFiles(chapter);
  if (files.length === 0) throw new Error(`chapters/${chapter.folder} has no checks (checks/*.check.ts)`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'workshop-verify-'));
  const resultsFile = path.join(scratch, 'results.json');
  const started = Date.now();
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
      ...files,
    ];
    const child = spawn(process.execPath, args, {
      cwd: chapter.dir,
      env: {
        ...env,
        WORKSHOP_TARGET: path.resolve(target),
        WORKSHOP_RESULTS: resultsFile,
        WORKSHOP_CHAPTER_TITLE: verifyHeader(chapter, url ?? path.resolve(target)),
        ...(url ? { WORKSHOP_URL: url } : {}),
      },
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const status = await new Promise((resolve) => child.once('close', (code) => resolve(code ?? 1)));
    /** @type {CheckResult[]} */
    const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : [];
    if (results.length === 0 && !quiet) console.error('No check ran: the checks could not be loaded (see above).');
    return { status: results.length === 0 ? 1 : Number(status), results, output, seconds: (Date.now() - started) / 1000 };
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
 * What a learner reads after the checks ran: how many pass, which were skipped and why, and for
 * each failure what is missing and where the chapter explains it.
 * @param {Chapter} chapter
 * @param {CheckResult[]} results
 * @param {{ hintCommand?: string | undefined }} [options] the command that gives a hint, when the results are recorded
 */
export function summary(chapter, results, { hintCommand } = {}) {
  const failed = results.filter((result) => result.state === 'failed');
  const passed = results.filter((result) => result.state === 'passed').length;
  const skipped = results.filter((result) => result.state === 'skipped');
  const lines = ['', `${passed} of ${results.length} checks of chapter ${chapter.number} pass${skipped.length ? ` (${skipped.length} skipped)` : ''}.`];
  if (skipped.length > 0) {
    lines.push('', 'Skipped:');
    for (const result of skipped) lines.push(`- ${result.title}: ${result.reason ?? 'skipped'}`);
  }
  if (failed.length === 0) {
    if (passed > 0) lines.push('', skipped.length ? `Every check of chapter ${chapter.number} that could run passes.` : `Chapter ${chapter.number} is done.`);
    return lines.join('\n');
  }
  lines.push('', 'What is missing:');
  for (const [index, result] of failed.entries()) {
    lines.push(`${index + 1}. ${result.title}`);
    for (const line of (result.reason ?? '').split('\n')) lines.push(`   ${line}`);
    if (result.explained) lines.push(`   See "${result.explained}" in chapter ${chapter.number}: ${chapter.page}#${anchorOf(result.explained)}`);
  }
  if (hintCommand) lines.push('', `Stuck? \`${hintCommand}\` gives a hint for the first one.`);
  return lines.join('\n');
}
