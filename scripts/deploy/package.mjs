// @ts-check
/**
 * Builds the deployment package of a stage, once per pipeline run:
 *
 *   npm run package -- --stage dev [--name NAME] [--out DIR] [--region us-east-1] [--record-budget] [--record-facts] [--dry-run]
 *
 * = `serverless package --stage dev --package DIR`, for the deployment session-api, or
 * session-api-NAME with --name NAME (common.mjs): one zip per function (bundled, tree-shaken
 * and minified by esbuild), the CloudFormation template, and serverless-state.json, in DIR
 * (default: the app's .serverless-<stage>). No AWS account or credentials are needed: the template
 * refers to account-specific things (ARNs, VPC ids) only through CloudFormation expressions.
 * `npm run deploy -- --stage dev --package DIR` then deploys exactly these files.
 *
 * It records the git commit it packaged (commit.json, and the template's Output SourceCommit),
 * so that `npm run deploy` can refuse to replace a newer commit with it (promotion.mjs), and the
 * app it packaged (final, workspace: the Output AppFolder), so that it refuses to deploy over
 * another app's stack. The commit is read before packaging, so that what serverless writes
 * does not count as a change.
 *
 * Afterwards it prints each function's zip size against the app's bundle-budget.json and fails if
 * one is over budget; --record-budget records the measured sizes as the new budget instead.
 * --record-facts records what the stage's template holds in the app's template-facts.json
 * (template-facts.mjs), the figures the website's pages state.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareWithBudget, kilobytes, LIMIT_FACTOR, readBudget, writeBudget, zipSizes } from './bundle-budget.mjs';
import { packageDirectory, parseOptions, runServerless, UsageError } from './common.mjs';
import { recordFacts, templateFacts } from './template-facts.mjs';
import { currentApp, currentCommit, describeCommit, recordCommit, repositoryDirectory } from './promotion.mjs';

/**
 * Empties the output folder of an older package, and refuses to touch a folder that holds
 * anything else (a mistyped --out must never delete someone's files).
 * @param {string} out
 */
function clearOutputFolder(out) {
  if (!existsSync(out) || readdirSync(out).length === 0) return;
  if (!existsSync(path.join(out, 'serverless-state.json'))) {
    throw new UsageError(`${out} is not empty and holds no package: choose a new or empty folder for --out`);
  }
  rmSync(out, { recursive: true });
}

/**
 * Runs serverless with a temporary folder of its own, removed afterwards. serverless-esbuild
 * (1.57) copies each function's bundle into a folder of the temporary directory to zip it, and
 * never removes it: its clean-up is not recursive, and its error is swallowed
 * (floydspace/serverless-esbuild#589). That is 2 MB per function on every package, left on the
 * learner's disk for good; in a folder of our own, it goes when the package is done.
 * @template T
 * @param {(env: NodeJS.ProcessEnv) => T} run
 * @returns {T}
 */
function withOwnTemporaryFolder(run) {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
  try {
    // TMPDIR on Linux and macOS, TEMP and TMP on Windows: what os.tmpdir() reads.
    return run({ ...process.env, TMPDIR: folder, TEMP: folder, TMP: folder });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * @typedef {object} Dependencies
 * @property {(line: string) => void} [log]
 * @property {typeof runServerless} [serverless]
 * @property {string} [repoDir]  the git clone whose commit is packaged (default: this one)
 */

/**
 * @param {string[]} argv
 * @param {Dependencies} [dependencies]
 */
export async function main(argv, { log = console.log, serverless = runServerless, repoDir = repositoryDirectory() } = {}) {
  const options = parseOptions(argv, { out: { type: 'string' }, 'record-budget': { type: 'boolean' }, 'record-facts': { type: 'boolean' } });
  const out = packageDirectory(options.stage, options['out']);
  const args = ['package', '--stage', options.stage, '--region', options.region, '--package', out];
  const source = currentCommit(repoDir);
  const app = currentApp(repoDir);
  const commitText = source ? `commit ${describeCommit(source)}` : 'no commit (not a git clone)';
  const { deployment } = options;
  if (options.dryRun) {
    const status = serverless(args, { dryRun: true, deployment, log });
    log(`Would record ${commitText} and the app ${app}/ in the package.`);
    return status;
  }

  clearOutputFolder(out); // nothing of an older package may linger
  const status = withOwnTemporaryFolder((env) => serverless(args, { dryRun: false, deployment, log, env }));
  if (status !== 0) return status;
  recordCommit(out, source, app);
  log(`Recorded ${commitText} and the app ${app}/ in the package of ${deployment}-${options.stage}.`);

  if (options['record-facts'] === true) {
    recordFacts(options.stage, templateFacts(out));
    log(`Recorded what the template of ${options.stage} holds in template-facts.json.`);
  }
  const sizes = zipSizes(out);
  if (options['record-budget'] === true) {
    writeBudget(sizes, options.stage);
    log(`Recorded the zip sizes of ${Object.keys(sizes).length} functions in bundle-budget.json.`);
    return 0;
  }
  const rows = compareWithBudget(sizes, readBudget());
  log(`Package of stage ${options.stage}: ${out}`);
  for (const { name, bytes, recorded, withinBudget } of rows) {
    const budget = recorded === undefined ? 'no recorded size' : `budget ${kilobytes(LIMIT_FACTOR * recorded)}`;
    log(`  ${name.padEnd(16)} ${kilobytes(bytes).padStart(10)}  (${budget})${withinBudget ? '' : '  OVER BUDGET'}`);
  }
  const over = rows.filter((row) => !row.withinBudget).map((row) => row.name);
  if (over.length === 0) return 0;
  log(`Over budget: ${over.join(', ')}. Find what grew, or record the new sizes on purpose (--record-budget).`);
  return 1;
}

