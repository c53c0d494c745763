// @ts-check
/**
 * The learner's workshop, end to end, driven as a learner drives it (`npm run workshop -- ...`)
 * on a scratch copy of the repository whose path holds spaces:
 * goto N -> verify fails and names the steps still to write -> hint -> solve STEP -> solve ->
 * diff shows nothing -> verify passes and moves workspace/ to the start of N+1 -> status --json
 * shows chapter N verified -> serve -> goto N -> restore brings the earlier workspace back byte
 * for byte. The tests share one workspace, in this order.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@session-api/local-stack/ports.mjs';
import { appFiles, loadChapters } from './chapters.mjs';
import { learnerEnv, scratchRepository, snapshot } from './scratch-repository.mjs';
import { placeholdersIn, solutionVersion, startVersion } from './steps.mjs';
import { checksOf } from './verify.mjs';

/** The chapter the learner works through: the quickest to check. */
const CHAPTER = 1;

/**
 * The app files of a folder with their bytes, as goto writes them.
 * @param {string} dir @param {string[]} files
 */
function appSnapshot(dir, files) {
  return new Map(files.map((file) => [file, readFileSync(path.join(dir, file)).toString('base64')]));
}

/**
 * A version of a chapter's app (steps.mjs) as a snapshot.
 * @param {Map<string, Buffer>} version
 */
const versionSnapshot = (version) => new Map([...version].map(([file, bytes]) => [file, bytes.toString('base64')]));

describe(`the learner's workshop, end to end: chapter ${CHAPTER}`, function () {
  this.timeout(180_000);
  /** @type {ReturnType<typeof scratchRepository>} */
  let repo;
  /** @type {import('./chapters.mjs').Chapter[]} */
  let chapters;
  /** @type {Map<string, string>} the learner's attempt, before solve */
  let attempt;

  const chapter = (/** @type {number} */ number) => {
    const found = chapters.find((candidate) => candidate.number === number);
    if (!found) throw new Error(`the repository has no chapter ${number}`);
    return found;
  };
  const progress = () => JSON.parse(readFileSync(path.join(repo.state, 'progress.json'), 'utf8'));

  before(() => {
    repo = scratchRepository('learner');
    chapters = loadChapters(repo.root);
  });
  after(() => repo?.remove());

  it(`goto ${CHAPTER} sets workspace/ to the start of chapter ${CHAPTER}: its steps are placeholders, the rest given`, () => {
    const run = repo.workshop(['goto', String(CHAPTER)]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`workspace/ is now the start of chapter ${CHAPTER}: ${chapter(CHAPTER).title}`));
    for (const step of chapter(CHAPTER).steps) assert.ok(run.stdout.includes(`"${step.name}": ${step.does}`), `goto names step "${step.name}"`);
    assert.deepEqual(snapshot(repo.workspace), versionSnapshot(startVersion(chapter(CHAPTER))));
    assert.ok(!readFileSync(path.join(repo.workspace, 'serverless.yml'), 'utf8').includes('#region'), 'no region marker reaches the learner');
    assert.equal(progress().chapter, CHAPTER);
  });

  it('verify fails, with a line per check, and names the steps still to write, what is missing and where the chapter explains it', () => {
    const run = repo.workshop(['verify']);
    assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`^Chapter ${CHAPTER}: `, 'm'));
    assert.match(run.stdout, /Steps still to write/);
    for (const step of chapter(CHAPTER).steps) assert.match(run.stdout, new RegExp(`- "${step.name}" in \\S+:\\d+: `), `verify names step "${step.name}" and where its placeholder is`);
    const failed = progress().lastVerify.results.filter((/** @type {any} */ result) => result.state === 'failed');
    assert.equal(failed.length, progress().lastVerify.results.length, 'every check fails on the start');
    assert.match(run.stdout, /What is missing:/);
    for (const result of failed) {
      assert.ok(run.stdout.includes(`✖ ${result.title}`), `a line for "${result.title}" as it ran`);
      assert.ok(run.stdout.includes(result.reason.split('\n')[0]), `the reason "${result.reason}"`);
      assert.ok(run.stdout.includes(`See "${result.explained}" in chapter ${CHAPTER}: /chapters/${chapter(CHAPTER).folder}#`), `where "${result.title}" is explained`);
      assert.equal(result.hints, undefined, 'the progress file keeps no hint');
    }
    assert.match(run.stdout, /Stuck\? `npm run workshop -- hint`/);
  });

  it('hint prints the first failing check\'s hint, one level more each time', async () => {
    const failing = progress().lastVerify.results.find((/** @type {any} */ result) => result.state === 'failed');
    const first = (await checksOf(chapter(CHAPTER))).find((written) => written.title === failing.title);
    assert.ok(first?.hints && first.hints.length >= 2, 'the check has at least two levels of hints');
    const once = repo.workshop(['hint']);
    assert.equal(once.status, 0, once.stderr);
    assert.match(once.stdout, /^✖ Step "[\w-]+": /m, 'the hint names the step');
    assert.ok(once.stdout.includes(first.title));
    assert.ok(once.stdout.includes(`Hint 1 of ${first.hints.length}: ${first.hints[0]}`));
    assert.ok(!once.stdout.includes(first.hints[1] ?? ''), 'the second level waits for the second hint');
    const twice = repo.workshop(['hint']);
    assert.ok(twice.stdout.includes(`Hint 2 of ${first.hints.length}: ${first.hints[1]}`), twice.stdout);
  });

  it('solve STEP writes that step in place of its placeholder, as the page shows it, and nothing else', () => {
    const [step] = chapter(CHAPTER).steps;
    assert.ok(step);
    const before = snapshot(repo.workspace);
    const run = repo.workshop(['solve', step.name, '--yes']);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const solution = solutionVersion(chapter(CHAPTER));
    const after = snapshot(repo.workspace);
    const changed = [...after.keys()].filter((file) => after.get(file) !== before.get(file));
    assert.ok(changed.length > 0, 'a file changed');
    for (const file of changed) {
      assert.ok(!file.startsWith('.workshop'), file);
      const text = Buffer.from(after.get(file) ?? '', 'base64').toString('utf8');
      assert.ok(!placeholdersIn(text).some((placeholder) => placeholder.step === step.name), `${file} still holds the placeholder of "${step.name}"`);
      const others = placeholdersIn(text).length;
      if (others === 0) assert.equal(text, solution.get(file)?.toString('utf8'), `${file} is the solution's once its only step is written`);
    }
  });

  it('solve copies the solution in after saving the workspace, and diff then shows nothing (node_modules, build output and the progress file left out)', () => {
    for (const name of readdirSync(path.join(repo.state, 'saved'))) rmSync(path.join(repo.state, 'saved', name), { recursive: true });
    // The verify before started the stack, which left its build output in workspace/: not part of the app.
    attempt = appSnapshot(repo.workspace, appFiles(repo.workspace, { chapter: false }));
    assert.ok(![...attempt.keys()].some((file) => file.startsWith('.esbuild/')));
    const run = repo.workshop(['solve', '--yes']);
    assert.equal(run.status, 0, run.stderr);
    const saved = readdirSync(path.join(repo.state, 'saved'));
    assert.equal(saved.length, 1);
    assert.match(saved[0] ?? '', new RegExp(`^\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}-chapter-${CHAPTER}$`));
    assert.deepEqual(snapshot(path.join(repo.state, 'saved', saved[0] ?? '')), attempt, 'the saved copy holds the attempt, byte for byte');

    assert.deepEqual(appSnapshot(repo.workspace, appFiles(repo.workspace, { chapter: false })), versionSnapshot(solutionVersion(chapter(CHAPTER))));
    for (const ignored of ['node_modules/left-pad/index.js', '.esbuild/.build/handler.js', '.serverless/cloudformation.json', '.workshop.json']) {
      mkdirSync(path.dirname(path.join(repo.workspace, ignored)), { recursive: true });
      writeFileSync(path.join(repo.workspace, ignored), 'not part of the app\n');
    }
    const diff = repo.workshop(['diff']);
    assert.equal(diff.status, 0, diff.stderr);
    assert.equal(diff.stdout.trim(), `No difference: workspace/ is the solution of chapter ${CHAPTER}.`);
  });

  it('diff shows a change of the learner\'s as a unified diff, coloured in a terminal', () => {
    appendFileSync(path.join(repo.workspace, 'serverless.yml'), '# my own note\n');
    const plain = repo.workshop(['diff']);
    assert.match(plain.stdout, new RegExp(`^--- workspace/serverless.yml\n\\+\\+\\+ solution-of-chapter-${CHAPTER}/serverless.yml\n@@ `, 'm'));
    assert.doesNotMatch(plain.stdout, /#(end)?region/, 'diff never shows a region marker');
    assert.match(plain.stdout, /^-# my own note$/m);
    const coloured = repo.workshop(['diff'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    assert.ok(coloured.stdout.includes('\u001b[31m-# my own note'), 'the removed line is red');
  });

  it(`verify passes, moves workspace/ to the start of chapter ${CHAPTER + 1} (saved first), and status --json shows chapter ${CHAPTER} verified`, () => {
    const run = repo.workshop(['verify']);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout, /✖/);
    assert.match(run.stdout, new RegExp(`On to chapter ${CHAPTER + 1}: .*workspace/ is now its start \\(your code of chapter ${CHAPTER} is saved in `));
    assert.deepEqual(appSnapshot(repo.workspace, appFiles(repo.workspace, { chapter: false })), versionSnapshot(startVersion(chapter(CHAPTER + 1))));
    const status = JSON.parse(repo.workshop(['status', '--json']).stdout);
    const verified = status.chapters.find((/** @type {any} */ entry) => entry.number === CHAPTER);
    assert.ok(!Number.isNaN(Date.parse(verified.verified)), `chapter ${CHAPTER} has the time it was verified`);
    assert.ok(verified.seconds >= 0, 'and the time it took');
    assert.equal(status.chapter, CHAPTER + 1);
    assert.equal(status.next, 'npm run workshop -- verify');
  });

  it('serve runs workspace/ on the local stack, as npm start does, until Ctrl-C', async () => {
    const port = await freePort();
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['run', '--silent', 'workshop', '--', 'serve', '--port', String(port)], { cwd: repo.root, env: learnerEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      // Until the stack says it is ready, the port may refuse or the gateway answer 502.
      let answer;
      for (let tries = 0; tries < 240 && answer?.status !== 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (output.includes('Local stack ready')) answer = await fetch(`http://127.0.0.1:${port}/local/ping`).catch(() => undefined);
      }
      assert.equal(answer?.status, 200, output);
      assert.ok(output.includes(`http://localhost:${port}/local`), output);
    } finally {
      // Ctrl-C reaches every process of the terminal's group (unless serve stopped on its own).
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGINT');
    }
    await exited;
  });

  it(`goto ${CHAPTER} then restore brings the earlier workspace back byte for byte`, () => {
    const earlier = snapshot(repo.workspace);
    const moved = repo.workshop(['goto', String(CHAPTER), '--yes']);
    assert.equal(moved.status, 0, moved.stderr);
    assert.notDeepEqual(snapshot(repo.workspace), earlier);

    const list = repo.workshop(['restore']);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(` 1\\. .* chapter ${CHAPTER + 1} `));
    assert.match(list.stdout, new RegExp(` 2\\. .* chapter ${CHAPTER} `));
    const back = repo.workshop(['restore', '1', '--yes']);
    assert.equal(back.status, 0, back.stderr);
    assert.deepEqual(snapshot(repo.workspace), earlier);
  });
});
