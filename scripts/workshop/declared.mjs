// @ts-check
/**
 * Keeps the copies honest: each chapter declares, in its chapter.json, the files its lesson
 * adds, changes and removes, and this check compares that with the real difference between the
 * app of the chapter before and its own. A change made in one chapter (or in final/) alone shows
 * up at once, as a difference nobody declared.
 *
 * final/ is compared with the last chapter the same way, against final/beyond-the-slot.json:
 * what final/ has that no chapter teaches (the VPC, the benchmarks, the load tests, ...). There
 * a declaration may be a folder glob (`test/e2e/**`), because what lies beyond the slot grows.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { minimatch } from 'minimatch';
import { appFiles, loadChapters, repositoryRoot } from './chapters.mjs';
import { solutionBytes } from './steps.mjs';

/**
 * @typedef {import('./chapters.mjs').Changes} Changes
 * @typedef {{ where: string, problem: string }} Finding
 */

/**
 * What really changed from the app in `before` to the app in `after`: their solutions are
 * compared, so region markers (a step's, or a page's) are not changes.
 * @param {string} before
 * @param {string} after
 * @returns {Changes}
 */
export function realChanges(before, after) {
  const [old, now] = [appFiles(before), appFiles(after)];
  const oldSet = new Set(old);
  const nowSet = new Set(now);
  const same = (/** @type {string} */ file) => solutionBytes(path.join(before, file)).equals(solutionBytes(path.join(after, file)));
  return {
    added: now.filter((file) => !oldSet.has(file)),
    removed: old.filter((file) => !nowSet.has(file)),
    changed: now.filter((file) => oldSet.has(file) && !same(file)),
  };
}

/**
 * Compares what changed with what was declared. Every declared path must be a real change; a
 * glob (`test/e2e/**`) may cover more than what changed, unless `exact` (chapters) says that
 * each glob too must match at least one real change.
 * @param {Changes} real
 * @param {Changes} declared
 * @param {{ where: string, declaredIn: string, exact: boolean }} options
 * @returns {Finding[]}
 */
export function compareChanges(real, declared, { where, declaredIn, exact }) {
  /** @type {Finding[]} */
  const findings = [];
  for (const kind of /** @type {const} */ (['added', 'changed', 'removed'])) {
    const patterns = declared[kind];
    const covered = (/** @type {string} */ file) => patterns.some((pattern) => minimatch(file, pattern, { dot: true }));
    for (const file of real[kind]) {
      if (!covered(file)) findings.push({ where, problem: `${file} is ${kind} but ${declaredIn} does not declare it in changes.${kind} (declare it, or undo the change)` });
    }
    for (const pattern of patterns) {
      const isGlob = /[*?[{]/.test(pattern);
      if (isGlob && !exact) continue;
      if (!real[kind].some((file) => minimatch(file, pattern, { dot: true }))) {
        findings.push({ where, problem: `${declaredIn} declares ${pattern} in changes.${kind}, but it is not ${kind}` });
      }
    }
  }
  return findings;
}

/**
 * Every chapter against the one before it, and final/ against the last chapter.
 * @param {string} [root]
 * @returns {Finding[]}
 */
export function checkDeclaredChanges(root = repositoryRoot()) {
  const chapters = loadChapters(root);
  /** @type {Finding[]} */
  const findings = [];
  for (const [index, chapter] of chapters.entries()) {
    const previous = chapters[index - 1];
    if (!previous) continue; // the starting point: there is nothing before it
    findings.push(
      ...compareChanges(realChanges(previous.dir, chapter.dir), chapter.changes, {
        where: `chapters/${chapter.folder}`,
        declaredIn: `chapters/${chapter.folder}/chapter.json`,
        exact: true,
      }),
    );
  }
  const last = chapters.at(-1);
  const finalDir = path.join(root, 'final');
  if (last && existsSync(finalDir)) {
    findings.push(...compareChanges(realChanges(last.dir, finalDir), readBeyondTheSlot(finalDir), { where: 'final', declaredIn: 'final/beyond-the-slot.json', exact: false }));
  }
  return findings;
}

/**
 * @param {string} finalDir
 * @returns {Changes}
 */
export function readBeyondTheSlot(finalDir) {
  const file = path.join(finalDir, 'beyond-the-slot.json');
  if (!existsSync(file)) return { added: [], changed: [], removed: [] };
  const { changes = {} } = JSON.parse(readFileSync(file, 'utf8'));
  return { added: changes.added ?? [], changed: changes.changed ?? [], removed: changes.removed ?? [] };
}
