// @ts-check
/**
 * `npm run chapters:sync`: carries a change made in final/ back into every chapter that holds the
 * same lines, so that a fix is made once.
 *
 *   npm run chapters:sync                 what changed in final/ since the last commit
 *   npm run chapters:sync -- --since REV  what changed in final/ since REV (e.g. HEAD~1, main)
 *   --dry-run                             say what would change, change nothing
 *
 * For each file of final/ that changed since REV, and each chapter that has a file at the same
 * path, a three-way merge (`git merge-file`) of the chapter's file, final/'s file as it was at
 * REV (the common ancestor) and final/'s file now. A chapter whose lines around the change are the
 * same gets the change; one whose file differs there (an earlier, smaller form of it) is reported
 * as a conflict with its path and left exactly as it was. New and deleted files are not carried:
 * they belong to a lesson, which is a decision for a person.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { structuredPatch } from 'diff';
import { CHAPTER_METADATA, loadChapters, NOT_APP_FILES, repositoryRoot } from './chapters.mjs';

/**
 * @typedef {{ file: string, outcome: 'updated' | 'conflict' | 'unchanged', conflicts?: number, holdsNoChangedLine?: boolean }} SyncResult
 */

/**
 * @param {string} root
 * @param {string[]} args
 */
function git(root, args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/**
 * The files of final/'s app that differ from REV (committed since, or not committed yet),
 * relative to final/, that existed at REV. A README.md is not the app: each chapter has its own.
 * @param {string} root
 * @param {string} since
 */
export function changedInFinal(root, since) {
  const names = git(root, ['diff', '--name-only', '--diff-filter=M', since, '--', 'final/']).split('\n').filter(Boolean);
  const notApp = new Set([...CHAPTER_METADATA, ...NOT_APP_FILES]);
  return names.map((name) => name.slice('final/'.length)).filter((relative) => !notApp.has(relative.split('/')[0] ?? ''));
}

/**
 * Three-way merge of one chapter file: `ours` the chapter's, `base` final/'s at REV, `theirs`
 * final/'s now. Returns the merged text, or the number of conflicting hunks.
 * @param {string} ours
 * @param {string} base
 * @param {string} theirs
 * @returns {{ merged: string } | { conflicts: number }}
 */
export function mergeThreeWay(ours, base, theirs) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'chapters-sync-'));
  try {
    const [oursFile, baseFile, theirsFile] = ['ours', 'base', 'theirs'].map((name) => path.join(scratch, name));
    writeFileSync(/** @type {string} */ (oursFile), ours);
    writeFileSync(/** @type {string} */ (baseFile), base);
    writeFileSync(/** @type {string} */ (theirsFile), theirs);
    const result = spawnSync('git', ['merge-file', '-p', /** @type {string} */ (oursFile), /** @type {string} */ (baseFile), /** @type {string} */ (theirsFile)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status === null || result.status < 0) throw new Error(`git merge-file failed: ${result.stderr}`);
    return result.status === 0 ? { merged: result.stdout } : { conflicts: result.status };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Whether a chapter's file holds none of the lines a change of final/ takes out or rewrites. Where
 * the merge fails, that often means the part of final/ comes in a later chapter (nothing to
 * carry), but it can also mean the chapter rewrote those very lines: the conflict is still
 * reported, with this as a clue for the person who looks at it.
 * @param {string} ours the chapter's file
 * @param {string} base final/'s file before the change
 * @param {string} theirs final/'s file after it
 */
export function holdsNoChangedLine(ours, base, theirs) {
  const rewritten = structuredPatch('base', 'theirs', base, theirs, '', '', { context: 0 })
    .hunks.flatMap((hunk) => hunk.lines.filter((line) => line.startsWith('-')).map((line) => line.slice(1)))
    .filter((line) => line.trim() !== '');
  const lines = new Set(ours.split('\n'));
  return rewritten.length > 0 && rewritten.every((line) => !lines.has(line));
}

/**
 * @param {{ root?: string, since?: string, dryRun?: boolean }} [options]
 * @returns {SyncResult[]}
 */
export function syncChapters({ root = repositoryRoot(), since = 'HEAD', dryRun = false } = {}) {
  /** @type {SyncResult[]} */
  const results = [];
  const chapters = loadChapters(root);
  for (const relative of changedInFinal(root, since)) {
    const base = git(root, ['show', `${since}:final/${relative}`]);
    const theirs = readFileSync(path.join(root, 'final', relative), 'utf8');
    for (const chapter of chapters) {
      const file = path.join(chapter.dir, relative);
      if (!existsSync(file)) continue;
      const ours = readFileSync(file, 'utf8');
      const shown = path.relative(root, file).split(path.sep).join('/');
      if (ours === theirs) continue;
      const merge = mergeThreeWay(ours, base, theirs);
      if ('conflicts' in merge) {
        results.push({ file: shown, outcome: 'conflict', conflicts: merge.conflicts, holdsNoChangedLine: holdsNoChangedLine(ours, base, theirs) });
      } else if (merge.merged === ours) {
        results.push({ file: shown, outcome: 'unchanged' });
      } else {
        if (!dryRun) writeFileSync(file, merge.merged);
        results.push({ file: shown, outcome: 'updated' });
      }
    }
  }
  return results;
}

/** @param {string[]} argv */
export function main(argv) {
  const { values } = parseArgs({ args: argv, options: { since: { type: 'string', default: 'HEAD' }, 'dry-run': { type: 'boolean', default: false } } });
  const dryRun = values['dry-run'] === true;
  const results = syncChapters({ since: values.since, dryRun });
  for (const result of results) {
    if (result.outcome === 'updated') console.log(`${dryRun ? 'would update' : 'updated'}  ${result.file}`);
    if (result.outcome === 'conflict') {
      const clue = result.holdsNoChangedLine ? ' (it holds none of the lines the change rewrites: if that part of final/ comes in a later chapter, there is nothing to carry)' : '';
      console.log(`conflict  ${result.file}: ${result.conflicts} hunk(s) do not apply${clue}; left unchanged, carry the change by hand`);
    }
  }
  const conflicts = results.filter((result) => result.outcome === 'conflict').length;
  const updated = results.filter((result) => result.outcome === 'updated').length;
  console.log(`chapters:sync since ${values.since}: ${updated} file(s) ${dryRun ? 'to update' : 'updated'}, ${conflicts} conflict(s).`);
  return conflicts > 0 ? 1 : 0;
}
