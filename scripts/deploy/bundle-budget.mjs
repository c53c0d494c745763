// @ts-check
/**
 * The size budget of the functions' zips. The app's bundle-budget.json records each function's zip
 * size as measured when it was last recorded; a zip that grows past LIMIT_FACTOR times that size
 * fails the deploy tests (final/test/deploy) and is flagged by `npm run package`. A bundle that
 * doubles has almost always pulled in something by accident (a whole SDK, a test helper), and
 * every extra megabyte is paid at each cold start.
 *
 * After a deliberate change, record the new sizes:
 *
 *   npm run package -- --stage dev --record-budget
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appDirectory } from './common.mjs';

/** The app's budget file: bundle-budget.json beside its serverless.yml. */
const budgetFile = () => path.join(appDirectory(), 'bundle-budget.json');
export const LIMIT_FACTOR = 2;

/**
 * The functions of a package folder (from serverless-state.json) and the size of each one's zip.
 * @param {string} packageDir
 * @returns {Record<string, number>} bytes by function name
 */
export function zipSizes(packageDir) {
  const state = JSON.parse(readFileSync(path.join(packageDir, 'serverless-state.json'), 'utf8'));
  return Object.fromEntries(Object.keys(state.service.functions).map((name) => [name, statSync(path.join(packageDir, `${name}.zip`)).size]));
}

/** @returns {Record<string, number>} the recorded size of each function's zip, in bytes */
export function readBudget(file = budgetFile()) {
  return JSON.parse(readFileSync(file, 'utf8')).zipBytes;
}

/**
 * @param {Record<string, number>} sizes
 * @param {string} stage the stage the sizes were measured on
 */
export function writeBudget(sizes, stage, file = budgetFile()) {
  const budget = {
    description: `Zip size of each function when recorded (stage ${stage}). A zip more than ${LIMIT_FACTOR} times its size fails test/deploy. Record again with: npm run package -- --stage dev --record-budget`,
    zipBytes: sizes,
  };
  writeFileSync(file, `${JSON.stringify(budget, null, 2)}\n`);
}

/**
 * One line per function: its size, its recorded size, and whether it is within the budget. A
 * function without a recorded size is over budget: it must be recorded on purpose.
 * @param {Record<string, number>} sizes
 * @param {Record<string, number>} budget
 */
export function compareWithBudget(sizes, budget) {
  return Object.entries(sizes).map(([name, bytes]) => {
    const recorded = budget[name];
    return { name, bytes, recorded, withinBudget: recorded !== undefined && bytes <= LIMIT_FACTOR * recorded };
  });
}

/** @param {number} bytes */
export const kilobytes = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
