// @ts-check
/**
 * Safe promotion: the commit a package was built from, the commit a stack runs, and whether
 * deploying the one over the other would go back in history.
 *
 * Why: a per-function pipeline deploys the whole service as it was at its commit. Say ping's
 * pipeline has deployed commit C to test, and an older run of createSession (commit A, before
 * C) is approved next: test would run A again, and what C changed would silently disappear.
 * So `npm run package` records the commit in the package, `npm run deploy` records it on the
 * stack, and a deploy whose package does not contain the stack's commit is refused unless
 * `--rollback` says that going back is meant.
 *
 * Where the commit is recorded:
 * - commit.json in the package folder: `{"commit": "<sha>", "uncommittedChanges": false}`. The
 *   pipelines' checksum covers it like every file of the package.
 * - the stack Output SourceCommit, written into the package's template at `npm run package`.
 *   An Output rather than a stack tag: an Output is part of the template, so CloudFormation
 *   changes it in the same update as the functions, and if that update fails and rolls back the
 *   Output rolls back with it: it always names the commit the stack really runs. Changing it
 *   touches no resource. A stack tag would be copied onto every resource of the stack (so each
 *   deploy would re-tag all of them), and it is set beside the template, not by it.
 *
 * The commit is read with git from the clone the package is built in (`git rev-parse HEAD`).
 * On a GoCD agent that clone is the checkout of the pipeline's revision (GO_REVISION_<MATERIAL>),
 * so both name the same commit, but only git can tell whether the files differ from it: a
 * package built with uncommitted changes (untracked files included) says so, and the Output
 * then reads `<sha>-dirty` (as `git describe --dirty` writes it). Outside a git clone (the local
 * runner's --working-tree copies the files without .git) the commit is unknown, and recorded so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { appDirectory, UsageError } from './common.mjs';

/** The top of the git clone the app is in (the app's folder itself outside a clone). */
export function repositoryDirectory() {
  const top = git(appDirectory(), ['rev-parse', '--show-toplevel']);
  return top.ok ? top.output : appDirectory();
}
const COMMIT_FILE = 'commit.json';
const COMMIT_OUTPUT = 'SourceCommit';
/** The app a package was built from (final, workspace, chapters/08-deploy): what keeps two apps out of one stack. */
const APP_OUTPUT = 'AppFolder';
const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
const STATE_FILE = 'serverless-state.json';
const DIRTY = '-dirty';
/** A commit hash: SHA-1, or SHA-256 in repositories that use it. */
const HASH = '[0-9a-f]{40}(?:[0-9a-f]{24})?';

/**
 * @typedef {object} SourceCommit
 * @property {string} commit  the full hash
 * @property {boolean} uncommittedChanges  the files differed from that commit
 */

/**
 * @param {string} repoDir
 * @param {string[]} args
 */
function git(repoDir, args) {
  const result = spawnSync('git', args, { cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: result.status === 0, output: (result.stdout ?? '').trim() };
}

/**
 * Is repoDir the top of a git clone? Not merely inside one: a copy of the workshop without .git
 * inside some other repository must not take that repository's commit.
 * @param {string} repoDir
 */
function isCloneTop(repoDir) {
  if (!existsSync(repoDir)) return false;
  const top = git(repoDir, ['rev-parse', '--show-toplevel']);
  return top.ok && realpathSync(top.output) === realpathSync(repoDir);
}

/**
 * The commit the files of repoDir are at, or null outside a git clone.
 * @param {string} repoDir
 * @returns {SourceCommit | null}
 */
export function currentCommit(repoDir) {
  if (!isCloneTop(repoDir)) return null;
  const head = git(repoDir, ['rev-parse', '--verify', 'HEAD']);
  if (!head.ok) return null; // a clone without any commit yet
  const status = git(repoDir, ['status', '--porcelain']);
  return { commit: head.output, uncommittedChanges: !status.ok || status.output !== '' };
}

/** @param {SourceCommit} source */
export const describeCommit = (source) => `${source.commit.slice(0, 8)}${source.uncommittedChanges ? ' with uncommitted changes' : ''}`;

/**
 * Records the source commit in a package that `serverless package` just wrote: commit.json, and
 * the Output in both copies of the template (the one serverless deploys is in the state file).
 * With `app`, the app it was built from too (commit.json's app, and the Output AppFolder).
 * @param {string} dir
 * @param {SourceCommit | null} source
 * @param {string | null} [app]  the app's folder, from the root of the repository
 */
export function recordCommit(dir, source, app = null) {
  writeFileSync(path.join(dir, COMMIT_FILE), `${JSON.stringify({ ...(source ?? { commit: null, uncommittedChanges: false }), app }, null, 2)}\n`);
  /** @type {Record<string, { Description: string, Value: string }>} */
  const outputs = {};
  if (source !== null) {
    outputs[COMMIT_OUTPUT] = {
      Description: 'The git commit this stack was packaged from; npm run deploy refuses to replace it with a package that does not contain it.',
      Value: `${source.commit}${source.uncommittedChanges ? DIRTY : ''}`,
    };
  }
  if (app !== null) {
    outputs[APP_OUTPUT] = { Description: 'The app this stack was packaged from; npm run deploy refuses a package of another app.', Value: app };
  }
  if (Object.keys(outputs).length === 0) return; // no Output: the stack then records no commit, as before
  const state = readJson(path.join(dir, STATE_FILE));
  const compiled = state.service.provider.compiledCloudFormationTemplate;
  compiled.Outputs = { ...compiled.Outputs, ...outputs };
  writeFileSync(path.join(dir, STATE_FILE), JSON.stringify(state, null, 2));
  const template = readJson(path.join(dir, TEMPLATE_FILE));
  template.Outputs = { ...template.Outputs, ...outputs };
  writeFileSync(path.join(dir, TEMPLATE_FILE), JSON.stringify(template, null, 2));
}

/**
 * The app a package records; null when it records none.
 * @param {string} dir
 * @returns {string | null}
 */
export function packageApp(dir) {
  const file = path.join(dir, COMMIT_FILE);
  if (!existsSync(file)) return null;
  const { app } = readJson(file);
  return typeof app === 'string' && app !== '' ? app : null;
}

/**
 * The app in the folder the scripts run in, as the package records it: its path from the top of
 * the clone (final, workspace), or its folder's name outside a clone.
 * @param {string} repoDir
 */
export function currentApp(repoDir) {
  const relative = path.relative(realpathSync(repoDir), realpathSync(appDirectory())).split(path.sep).join('/');
  return relative === '' || relative.startsWith('..') ? path.basename(appDirectory()) : relative;
}

/**
 * The commit a package records; null when it records none.
 * @param {string} dir
 * @returns {SourceCommit | null}
 */
export function packageCommit(dir) {
  const file = path.join(dir, COMMIT_FILE);
  if (!existsSync(file)) return null; // packaged before packages recorded their commit
  const { commit, uncommittedChanges } = readJson(file);
  if (commit === null) return null;
  if (typeof commit !== 'string' || !new RegExp(`^${HASH}$`).test(commit)) throw new UsageError(`${file} holds no commit hash: package again with npm run package`);
  return { commit, uncommittedChanges: uncommittedChanges === true };
}

/**
 * What the stack runs: no stack at all, or a stack and the commit its Output records (null when
 * it records none, e.g. deployed before deploys recorded it).
 * @param {{ send: (command: DescribeStacksCommand) => Promise<import('@aws-sdk/client-cloudformation').DescribeStacksCommandOutput> }} cloudFormation
 * @param {string} stackName
 * @returns {Promise<{ exists: false } | { exists: true, source: SourceCommit | null, app: string | null }>}
 */
export async function stackCommit(cloudFormation, stackName) {
  let answer;
  try {
    answer = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) return { exists: false };
    throw error;
  }
  const outputs = answer.Stacks?.[0]?.Outputs ?? [];
  const value = outputs.find((output) => output.OutputKey === COMMIT_OUTPUT)?.OutputValue ?? '';
  const match = new RegExp(`^(${HASH})(${DIRTY})?$`).exec(value);
  const app = outputs.find((output) => output.OutputKey === APP_OUTPUT)?.OutputValue || null;
  return { exists: true, source: match ? { commit: /** @type {string} */ (match[1]), uncommittedChanges: match[2] === DIRTY } : null, app };
}

/**
 * @typedef {{ deploy: true, note: string }
 *   | { deploy: false, problem: string, remedy: string }} Verdict
 * A refusal's `problem` says what would go wrong, and `remedy` what to do instead (besides
 * --rollback, which the caller offers).
 */

/**
 * May `packaged` replace `live` on a stack? Yes when the package's history contains the live
 * commit (the same commit, or a later one). Comparing needs both commits in the clone at repoDir.
 * @param {SourceCommit | null} packaged
 * @param {SourceCommit} live
 * @param {{ repoDir: string, stackName: string, stage: string }} where
 * @returns {Verdict}
 */
export function compareCommits(packaged, live, { repoDir, stackName, stage }) {
  const runs = `stack ${stackName} runs ${describeCommit(live)}`;
  if (packaged === null) {
    return { deploy: false, problem: `the package records no commit (built outside a git clone, or before packages recorded one), so it cannot be compared with what ${runs}`,
      remedy: `Package it again from a git clone (npm run package -- --stage ${stage})` };
  }
  const ours = packaged.commit.slice(0, 8);
  const theirs = live.commit.slice(0, 8);
  if (!isCloneTop(repoDir)) {
    return { deploy: false, problem: `${repoDir} is not a git clone, so it cannot tell whether this package's ${ours} contains what ${runs}`,
      remedy: 'Deploy from a clone of the repository' };
  }
  // A shallow clone (GoCD's shallow_clone) lacks older history: fetching all of it is the fix.
  const shallow = git(repoDir, ['rev-parse', '--is-shallow-repository']).output === 'true';
  const fetch = `Run git fetch${shallow ? ' --unshallow' : ''} and deploy again`;
  if (!hasCommit(repoDir, live.commit)) {
    return { deploy: false, problem: `${runs}, a commit this clone does not have, so it cannot compare it with this package's ${ours}`, remedy: fetch };
  }
  if (!hasCommit(repoDir, packaged.commit)) {
    return { deploy: false, problem: `this package was built from ${ours}, a commit this clone does not have, so it cannot compare it with what ${runs}`, remedy: fetch };
  }
  if (packaged.commit === live.commit) return { deploy: true, note: `Stack ${stackName} runs ${describeCommit(live)}: the same commit, deployed again.` };
  if (isAncestor(repoDir, live.commit, packaged.commit)) {
    return { deploy: true, note: `Stack ${stackName} runs ${describeCommit(live)}, which this package's ${ours} contains: deploying forward.` };
  }
  if (shallow) {
    return { deploy: false, problem: `this shallow clone cannot tell whether this package's ${ours} contains ${theirs}, which ${runs}`, remedy: fetch };
  }
  if (isAncestor(repoDir, packaged.commit, live.commit)) {
    return { deploy: false, problem: `${runs}, a newer commit that already contains this package's ${ours}: deploying it would undo what came after`,
      remedy: 'Its changes are live already: promote the newest run instead' };
  }
  return { deploy: false, problem: `${runs}, which is not in the history of this package's ${ours} (another branch, or rewritten history): deploying it would drop that commit's changes`,
    remedy: `Merge ${theirs} first` };
}

/** @param {string} repoDir @param {string} commit */
const hasCommit = (repoDir, commit) => git(repoDir, ['cat-file', '-e', `${commit}^{commit}`]).ok;

/**
 * Is `older` in the history of `newer` (or the same commit)?
 * @param {string} repoDir @param {string} older @param {string} newer
 */
const isAncestor = (repoDir, older, newer) => git(repoDir, ['merge-base', '--is-ancestor', older, newer]).ok;

/** @param {string} file */
function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}
