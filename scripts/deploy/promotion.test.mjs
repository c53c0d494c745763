// @ts-check
/**
 * Safe promotion: `npm run package` records the commit it packaged, `npm run deploy` reads the
 * commit the stack runs and refuses to go back in history without --rollback.
 *
 * The git history is real (a temporary repository: main with commits A, B, C, and a branch X
 * that leaves main after A); serverless and CloudFormation are stubs. The stub stack answers
 * DescribeStacks with the Outputs of the template it was last given, as CloudFormation would
 * after a deploy, so these tests do not depend on how the commit is written in the template.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import sinon from 'sinon';
import { main as deploy, RefusedDeploy } from './deploy.mjs';
import { main as packageStage } from './package.mjs';

/** @param {string} cwd @param {string[]} args */
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * A repository whose history is A - B - C on main, and X on a branch that leaves main after A.
 * @param {string} dir
 * @param {string} [seed]  written into every commit, so that two repositories never share one
 */
function makeRepository(dir, seed = 'workshop') {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'config', 'user.email', 'learner@example.com');
  git(dir, 'config', 'user.name', 'Learner');
  git(dir, 'config', 'commit.gpgsign', 'false');
  /** @type {Record<string, string>} */
  const commits = {};
  /** @param {string} name */
  const commit = (name) => {
    writeFileSync(path.join(dir, 'history.txt'), `${seed} ${name}\n`);
    git(dir, 'add', 'history.txt');
    git(dir, 'commit', '--quiet', '--no-verify', '-m', name);
    commits[name] = git(dir, 'rev-parse', 'HEAD');
  };
  commit('A');
  commit('B');
  commit('C');
  git(dir, 'checkout', '--quiet', '-b', 'other', /** @type {string} */ (commits['A']));
  commit('X');
  git(dir, 'checkout', '--quiet', 'main');
  return /** @type {{A: string, B: string, C: string, X: string}} */ (commits);
}

/**
 * `serverless package` as a stub: writes what the deploy reads (the state file with the compiled
 * template, the template itself, one zip).
 * @param {string[]} args
 * @param {{ deployment?: string }} [options]  the deployment's name, which serverless.yml takes as its service
 */
function fakeServerlessPackage(args, { deployment = 'session-api' } = {}) {
  const out = /** @type {string} */ (args[args.indexOf('--package') + 1]);
  const stage = /** @type {string} */ (args[args.indexOf('--stage') + 1]);
  mkdirSync(out, { recursive: true });
  const template = { AWSTemplateFormatVersion: '2010-09-09', Resources: { PingLambdaFunction: { Type: 'AWS::Lambda::Function' } }, Outputs: { ServiceEndpoint: { Value: 'https://example.com' } } };
  const settings = { signingKeyParameter: `/session-api/${stage}/signing-key`, runInVpc: false };
  const state = { service: { service: deployment, provider: { stage, region: 'us-east-1', compiledCloudFormationTemplate: template }, custom: { settings }, functions: { ping: {} } } };
  writeFileSync(path.join(out, 'serverless-state.json'), JSON.stringify(state, null, 2));
  writeFileSync(path.join(out, 'cloudformation-template-update-stack.json'), JSON.stringify(template, null, 2));
  writeFileSync(path.join(out, 'ping.zip'), Buffer.alloc(100));
  return 0;
}

/**
 * What the deploy checks before it deploys, all ready (preflight.mjs is tested on its own):
 * credentials, API Gateway's logging role, the signing key.
 */
function awsReady() {
  return {
    credentials: async () => ({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/learner' }),
    apiGateway: { send: sinon.stub().resolves({ cloudwatchRoleArn: 'arn:aws:iam::123456789012:role/api-gateway-logs' }) },
    ssm: { send: sinon.stub().resolves({ Parameter: { Name: '/session-api/test/signing-key', Type: 'SecureString' } }) },
  };
}

/**
 * A CloudFormation client whose stack runs what `packageDir` holds (or that has no stack).
 * @param {string | null} packageDir the package the stack was deployed from; null: no stack yet
 */
function stackRunning(packageDir) {
  const send = sinon.stub().callsFake(async (/** @type {object} */ command) => {
    if (!(command instanceof DescribeStacksCommand)) throw new Error(`unexpected ${command.constructor.name}`);
    if (packageDir === null) {
      throw Object.assign(new Error(`Stack with id ${command.input.StackName} does not exist`), { name: 'ValidationError' });
    }
    // CloudFormation evaluates the template's Outputs; the deployed template is the one in the
    // state file (serverless deploys that copy, not cloudformation-template-update-stack.json).
    const { service } = JSON.parse(readFileSync(path.join(packageDir, 'serverless-state.json'), 'utf8'));
    const outputs = Object.entries(service.provider.compiledCloudFormationTemplate.Outputs ?? {})
      .map(([key, output]) => ({ OutputKey: key, OutputValue: /** @type {{Value: string}} */ (output).Value }));
    return { Stacks: [{ StackName: command.input.StackName, StackStatus: 'UPDATE_COMPLETE', Outputs: outputs }] };
  });
  return { send };
}

describe('deploy scripts: safe promotion (package records its commit, deploy never goes back silently)', function () {
  // The scripts work on the app in the folder they run in, as npm runs them: here final/.
  const startedIn = process.cwd();
  before(() => process.chdir(fileURLToPath(new URL('../../final', import.meta.url))));
  after(() => process.chdir(startedIn));
  this.timeout(20_000); // git commands on a slow machine

  /** @type {string} */
  let scratch;
  /** @type {string} */
  let repo;
  /** @type {{A: string, B: string, C: string, X: string}} */
  let commits;
  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'session-api-promotion-'));
    repo = path.join(scratch, 'repo');
    commits = makeRepository(repo);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  let counter = 0;
  /**
   * `npm run package -- --stage test` of one commit of the repository (checked out first).
   * @param {string} commit
   * @param {{ repoDir?: string, dirty?: boolean, name?: string }} [options]
   */
  async function packageOf(commit, { repoDir = repo, dirty = false, name = '' } = {}) {
    if (repoDir === repo) git(repo, 'checkout', '--quiet', '--detach', commit);
    const dirtyFile = path.join(repoDir, 'notes.txt');
    if (dirty) writeFileSync(dirtyFile, 'not committed\n');
    try {
      const out = path.join(scratch, 'packages', `${(counter += 1)}`);
      const status = await packageStage(['--stage', 'test', '--out', out, ...(name ? ['--name', name] : [])], { serverless: fakeServerlessPackage, repoDir, log: () => {} });
      assert.equal(status, 0);
      return out;
    } finally {
      rmSync(dirtyFile, { force: true });
      if (repoDir === repo) git(repo, 'checkout', '--quiet', 'main');
    }
  }

  /**
   * `npm run deploy -- --stage test --package DIR [more]` against a stub stack.
   * @param {string} packageDir
   * @param {{ send: sinon.SinonStub }} cloudFormation
   * @param {string[]} [more]
   * @param {string} [repoDir]
   */
  async function deployTo(packageDir, cloudFormation, more = [], repoDir = repo) {
    const serverless = sinon.stub().returns(0);
    const lines = /** @type {string[]} */ ([]);
    const run = deploy(['--stage', 'test', '--package', packageDir, ...more], { cloudFormation, serverless, repoDir, log: (line) => lines.push(line), ...awsReady() });
    return { run, serverless, lines };
  }

  /**
   * Asserts that the deploy is refused with one line, and that nothing was deployed.
   * @param {Awaited<ReturnType<typeof deployTo>>} attempt
   * @param {RegExp} reason
   */
  async function assertRefused(attempt, reason) {
    const error = await attempt.run.then(() => assert.fail('the deploy was not refused'), (/** @type {Error} */ refusal) => refusal);
    assert.ok(error instanceof RefusedDeploy, `not a refusal: ${error.stack}`);
    assert.match(error.message, reason);
    assert.doesNotMatch(error.message, /\n/, 'a refusal is one line');
    sinon.assert.notCalled(attempt.serverless);
    return error.message;
  }

  it('npm run package records the commit it packaged, in commit.json and as the template Output SourceCommit', async () => {
    const dir = await packageOf(commits.B);
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'commit.json'), 'utf8')), { commit: commits.B, uncommittedChanges: false, app: 'final' });
    const { service } = JSON.parse(readFileSync(path.join(dir, 'serverless-state.json'), 'utf8'));
    assert.equal(service.provider.compiledCloudFormationTemplate.Outputs.AppFolder.Value, 'final', 'the app it was built from');
    const template = JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
    assert.equal(service.provider.compiledCloudFormationTemplate.Outputs.SourceCommit.Value, commits.B);
    assert.deepEqual(template.Outputs, service.provider.compiledCloudFormationTemplate.Outputs, 'both copies of the template say the same');
    assert.equal(template.Outputs.ServiceEndpoint.Value, 'https://example.com', 'the outputs serverless wrote are kept');
  });

  it('npm run package marks a package built with uncommitted changes (untracked files count)', async () => {
    const dir = await packageOf(commits.C, { dirty: true });
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'commit.json'), 'utf8')), { commit: commits.C, uncommittedChanges: true, app: 'final' });
    const { service } = JSON.parse(readFileSync(path.join(dir, 'serverless-state.json'), 'utf8'));
    assert.equal(service.provider.compiledCloudFormationTemplate.Outputs.SourceCommit.Value, `${commits.C}-dirty`);
  });

  it('npm run package outside a git clone records that the commit is unknown, and adds no commit Output', async () => {
    const folder = path.join(scratch, 'not-a-clone');
    mkdirSync(folder, { recursive: true });
    const dir = await packageOf('', { repoDir: folder });
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'commit.json'), 'utf8')), { commit: null, uncommittedChanges: false, app: 'final' });
    const { service } = JSON.parse(readFileSync(path.join(dir, 'serverless-state.json'), 'utf8'));
    assert.deepEqual(Object.keys(service.provider.compiledCloudFormationTemplate.Outputs), ['ServiceEndpoint', 'AppFolder']);
  });

  it('compares with the stack of the package\'s own deployment: never backwards, per deployment', async () => {
    const cloudFormation = stackRunning(await packageOf(commits.C, { name: 'ada' }));
    const attempt = await deployTo(await packageOf(commits.A, { name: 'ada' }), cloudFormation);
    await assertRefused(attempt, /^Refused: stack session-api-ada-test runs \w+, a newer commit/);
    assert.deepEqual(/** @type {DescribeStacksCommand} */ (cloudFormation.send.firstCall.args[0]).input, { StackName: 'session-api-ada-test' });
    // Another deployment's stack (session-api-test, here none) is none of its business.
    const fresh = await deployTo(await packageOf(commits.A), stackRunning(null));
    assert.equal(await fresh.run, 0);
  });

  it('REFUSES to deploy over a stack that runs another app\'s package (workspace/ and final/ under one name): says to name this one', async () => {
    const theirs = await packageOf(commits.A);
    const commitFile = path.join(theirs, 'commit.json');
    writeFileSync(commitFile, JSON.stringify({ ...JSON.parse(readFileSync(commitFile, 'utf8')), app: 'workspace' }));
    const { service } = JSON.parse(readFileSync(path.join(theirs, 'serverless-state.json'), 'utf8'));
    service.provider.compiledCloudFormationTemplate.Outputs.AppFolder.Value = 'workspace';
    writeFileSync(path.join(theirs, 'serverless-state.json'), JSON.stringify({ service }));
    const message = await assertRefused(await deployTo(await packageOf(commits.C), stackRunning(theirs)),
      /^Refused: stack session-api-test runs the app of workspace\/, and this package is of final\/\. .*npm run package -- --stage test --name NAME/);
    assert.doesNotMatch(message, /--rollback/, 'no way to force it: another name is the way');
  });

  it('first deploy: no stack yet, so it deploys', async () => {
    const attempt = await deployTo(await packageOf(commits.A), stackRunning(null));
    assert.equal(await attempt.run, 0);
    sinon.assert.calledOnce(attempt.serverless);
    assert.match(attempt.lines.join('\n'), /Stack session-api-test does not exist yet/);
  });

  it('forward: the stack runs an ancestor of the package\'s commit (A, then C), so it deploys', async () => {
    const cloudFormation = stackRunning(await packageOf(commits.A));
    const attempt = await deployTo(await packageOf(commits.C), cloudFormation);
    assert.equal(await attempt.run, 0);
    sinon.assert.calledOnce(attempt.serverless);
    assert.deepEqual(/** @type {DescribeStacksCommand} */ (cloudFormation.send.firstCall.args[0]).input, { StackName: 'session-api-test' });
    assert.match(attempt.lines.join('\n'), new RegExp(`runs ${commits.A.slice(0, 8)}, which this package's ${commits.C.slice(0, 8)} contains`));
  });

  it('the same commit again deploys', async () => {
    const attempt = await deployTo(await packageOf(commits.B), stackRunning(await packageOf(commits.B)));
    assert.equal(await attempt.run, 0);
  });

  it('REFUSES an older package (C is live, the package is A): it would undo B and C; says what to type', async () => {
    const dir = await packageOf(commits.A);
    const message = await assertRefused(await deployTo(dir, stackRunning(await packageOf(commits.C))),
      new RegExp(`^Refused: stack session-api-test runs ${commits.C.slice(0, 8)}, a newer commit that already contains this package's ${commits.A.slice(0, 8)}`));
    assert.ok(message.endsWith(`npm run deploy -- --stage test --package ${dir} --rollback`), message);
  });

  it('--rollback deploys the older package on purpose, and says so', async () => {
    const attempt = await deployTo(await packageOf(commits.A), stackRunning(await packageOf(commits.C)), ['--rollback']);
    assert.equal(await attempt.run, 0);
    sinon.assert.calledOnce(attempt.serverless);
    assert.match(attempt.lines.join('\n'), /--rollback: replacing .* on stack session-api-test with .*, which does not contain it/);
  });

  it('REFUSES a package whose history does not contain the live commit (X on another branch is live)', async () => {
    await assertRefused(await deployTo(await packageOf(commits.C), stackRunning(await packageOf(commits.X))),
      /runs \w+, which is not in the history of this package's \w+ .*--rollback$/);
  });

  it('REFUSES when the live commit is unknown to this clone: fetch it first, or --rollback', async () => {
    const elsewhere = path.join(scratch, 'another-repository');
    makeRepository(elsewhere, 'another project'); // other files, so other commits
    const unknown = await packageOf('', { repoDir: elsewhere });
    await assertRefused(await deployTo(await packageOf(commits.C), stackRunning(unknown)),
      /runs \w+, a commit this clone does not have, .* Run git fetch and deploy again, or .*--rollback$/);
  });

  it('REFUSES a package built from a commit unknown to this clone', async () => {
    const elsewhere = path.join(scratch, 'third-repository');
    makeRepository(elsewhere, 'a third project');
    const stranger = await packageOf('', { repoDir: elsewhere });
    await assertRefused(await deployTo(stranger, stackRunning(await packageOf(commits.A))),
      /^Refused: this package was built from \w+, a commit this clone does not have, .* Run git fetch and deploy again, or .*--rollback$/);
  });

  it('REFUSES to compare outside a git clone (nothing can prove the package is newer)', async () => {
    const folder = path.join(scratch, 'not-a-clone-3');
    mkdirSync(folder, { recursive: true });
    await assertRefused(await deployTo(await packageOf(commits.C), stackRunning(await packageOf(commits.A)), [], folder),
      /is not a git clone, .* Deploy from a clone of the repository, or .*--rollback$/);
  });

  it('in a shallow clone (GoCD shallow_clone), it says to fetch the whole history', async () => {
    const shallow = path.join(scratch, 'shallow');
    git(scratch, 'clone', '--quiet', '--depth', '1', '--branch', 'main', `file://${repo}`, shallow);
    const live = await packageOf(commits.B); // B is in main's history, but not in a clone of depth 1
    const dir = await packageOf(commits.C);
    await assertRefused(await deployTo(dir, stackRunning(live), [], shallow), /Run git fetch --unshallow and deploy again/);
  });

  it('REFUSES a package that records no commit when the stack records one', async () => {
    const folder = path.join(scratch, 'not-a-clone-2');
    mkdirSync(folder, { recursive: true });
    const dir = await packageOf('', { repoDir: folder });
    await assertRefused(await deployTo(dir, stackRunning(await packageOf(commits.A))),
      /records no commit .* Package it again from a git clone \(npm run package -- --stage test\), or .*--rollback$/);
  });

  it('a stack that records no commit (deployed before packages recorded one) is replaced, with a note', async () => {
    const old = await packageOf(commits.A);
    const { service } = JSON.parse(readFileSync(path.join(old, 'serverless-state.json'), 'utf8'));
    delete service.provider.compiledCloudFormationTemplate.Outputs.SourceCommit;
    writeFileSync(path.join(old, 'serverless-state.json'), JSON.stringify({ service }));
    const attempt = await deployTo(await packageOf(commits.B), stackRunning(old));
    assert.equal(await attempt.run, 0);
    assert.match(attempt.lines.join('\n'), /Stack session-api-test records no commit/);
  });

  it('uncommitted changes on the stack count as their commit: a clean package of that commit or later deploys', async () => {
    const attempt = await deployTo(await packageOf(commits.C), stackRunning(await packageOf(commits.B, { dirty: true })));
    assert.equal(await attempt.run, 0);
    assert.match(attempt.lines.join('\n'), /with uncommitted changes/);
  });

  it('a CloudFormation error other than "no stack" stops the deploy', async () => {
    const cloudFormation = { send: sinon.stub().rejects(Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' })) };
    const attempt = await deployTo(await packageOf(commits.C), cloudFormation);
    await assert.rejects(attempt.run, /not authorized/);
    sinon.assert.notCalled(attempt.serverless);
  });

  it('--dry-run asks CloudFormation nothing and names the commit it would compare', async () => {
    const cloudFormation = { send: sinon.stub() };
    const attempt = await deployTo(await packageOf(commits.C), cloudFormation, ['--dry-run']);
    assert.equal(await attempt.run, 0);
    sinon.assert.notCalled(cloudFormation.send);
    assert.match(attempt.lines.join('\n'), new RegExp(`Would check that stack session-api-test runs no commit this package's ${commits.C.slice(0, 8)} does not contain`));
  });
});
