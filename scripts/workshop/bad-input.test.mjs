// @ts-check
/**
 * Every bad input of the learner's CLI gets one line that says what is wrong and what to type,
 * a non-zero exit, and loses nothing of the learner's work: each test takes a snapshot of
 * workspace/ and .workshop/ (progress and saved copies) before and compares after.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '@session-api/local-stack/ports.mjs';
import { main } from './cli.mjs';
import { scratchRepository, snapshot } from './scratch-repository.mjs';

/**
 * @param {import('./scratch-repository.mjs').Run} run
 * @param {RegExp} pattern what the line must say
 */
function refused(run, pattern) {
  assert.equal(run.status, 2, `exit code 2 expected:\n${run.stdout}\n${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected:\n${run.stderr}`);
  assert.match(lines[0] ?? '', pattern);
  assert.match(lines[0] ?? '', /npm run workshop -- \S/, 'it says what to type');
}

describe('the learner\'s CLI refuses bad input in one line, and loses nothing', function () {
  this.timeout(60_000);
  /** @type {ReturnType<typeof scratchRepository>} */
  let repo;
  const state = () => ({ workspace: snapshot(repo.workspace), workshop: snapshot(repo.state) });
  const progressFile = () => path.join(repo.state, 'progress.json');

  /**
   * Runs the command and checks it refused with `pattern` and changed nothing.
   * @param {string[]} args @param {RegExp} pattern
   */
  const refusedUnchanged = (args, pattern) => {
    const before = state();
    refused(repo.cli(args), pattern);
    assert.deepEqual(state(), before, `${args.join(' ')} changed nothing`);
  };

  before(() => {
    repo = scratchRepository('bad input');
    assert.equal(repo.cli(['goto', '1']).status, 0);
    // The learner's own work, which nothing may lose.
    writeFileSync(path.join(repo.workspace, 'serverless.yml'), `${readFileSync(path.join(repo.workspace, 'serverless.yml'), 'utf8')}# my work in progress\n`);
  });
  after(() => repo?.remove());

  it('an unknown command', () => refusedUnchanged(['fly'], /^Unknown command "fly"\. The commands are status, goto, verify, .*; npm run workshop -- help says what each does\.$/));

  it('an unknown option, or a word too many', () => {
    refusedUnchanged(['goto', '2', '--force'], /^Unknown option '--force'\. Usage: npm run workshop -- goto N \[--yes\] \[--keep\]$/);
    refusedUnchanged(['goto', '1', '2'], /^goto takes one word after it \(got "1 2"\)\. Usage: npm run workshop -- goto N/);
  });

  it('a chapter that does not exist, or no chapter', () => {
    refusedUnchanged(['goto', '42'], /^There is no chapter 42: the chapters are 0 to \d+\. For example: npm run workshop -- goto \d+$/);
    refusedUnchanged(['goto', 'three'], /^"three" is not a chapter number: the chapters are 0 to \d+\. For example: npm run workshop -- goto 1$/);
    refusedUnchanged(['goto'], /^Say which chapter \(0 to \d+\), for example: npm run workshop -- goto 1$/);
    refusedUnchanged(['verify', '--chapter', '42'], /^There is no chapter 42: .* npm run workshop -- verify --chapter \d+$/);
    refusedUnchanged(['diff', '--chapter', '42'], /^There is no chapter 42: .* npm run workshop -- diff --chapter \d+$/);
    refusedUnchanged(['diff', '--chapter', '0'], /^Chapter 0 has no step to write: it is the starting point\. Try: npm run workshop -- diff --chapter 1$/);
  });

  it('goto, solve or restore over the learner\'s work when nobody can be asked (no terminal) and without --yes', () => {
    refusedUnchanged(['goto', '2'], /^Replace the files of workspace\/ with the start of chapter 2\? \(A copy of them is saved first\.\) Nothing was changed: .* npm run workshop -- goto 2 --yes$/);
    refusedUnchanged(['solve'], /^Copy the whole solution of chapter 1 into workspace\/\? .* npm run workshop -- solve --yes$/);
  });

  it('in a terminal it asks first: "no" changes nothing, "yes" saves the work, then goes ahead', async () => {
    const before = state();
    /** @type {string[]} */
    const asked = [];
    const no = await main(['goto', '2'], { cwd: repo.root, print: () => undefined, ask: async (question) => (asked.push(question), false) });
    assert.equal(no, 1);
    assert.match(asked[0] ?? '', /^Replace the files of workspace\/ with the start of chapter 2\?/);
    assert.deepEqual(state(), before);

    const yes = await main(['goto', '2'], { cwd: repo.root, print: () => undefined, ask: async () => true });
    assert.equal(yes, 0);
    const saved = readdirSync(path.join(repo.state, 'saved'));
    assert.equal(saved.length, 1);
    assert.deepEqual(snapshot(path.join(repo.state, 'saved', saved[0] ?? '')), before.workspace, 'the work is saved, byte for byte');
    assert.equal(repo.cli(['restore', '1', '--yes']).status, 0);
    assert.deepEqual(snapshot(repo.workspace), before.workspace);
  });

  it('a missing progress file: each command says how to name the chapter; goto N --keep keeps workspace/ as it is', () => {
    const progress = readFileSync(progressFile());
    rmSync(progressFile());
    for (const args of [['status'], ['verify'], ['hint'], ['diff'], ['solve', '--yes']]) {
      refusedUnchanged(args, /^There is no progress file \(\.workshop[/\\]progress\.json\), so the chapter you are on is unknown\. Say which it is \(workspace\/ stays as it is\): npm run workshop -- goto N --keep$/);
    }
    const before = snapshot(repo.workspace);
    assert.equal(repo.cli(['goto', '1', '--keep']).status, 0);
    assert.deepEqual(snapshot(repo.workspace), before);
    assert.equal(JSON.parse(readFileSync(progressFile(), 'utf8')).chapter, 1);
    writeFileSync(progressFile(), progress);
  });

  it('a damaged progress file: each command says so; goto N --keep starts a new one and keeps the damaged one', () => {
    const progress = readFileSync(progressFile());
    writeFileSync(progressFile(), '{ "version": 1, "chapter": ');
    for (const args of [['status'], ['status', '--json'], ['verify'], ['hint'], ['restore', '1', '--yes']]) {
      refusedUnchanged(args, /^\.workshop[/\\]progress\.json is damaged \(.+\)\. Say which chapter you are on to start a new one \(the damaged file is kept\): npm run workshop -- goto N --keep$/);
    }
    writeFileSync(progressFile(), '{ "version": 1, "chapter": "one", "chapters": {}, "hintsShown": {} }');
    refusedUnchanged(['status'], /is damaged: "chapter" is not a chapter number\./);

    const before = snapshot(repo.workspace);
    const run = repo.cli(['goto', '1', '--keep']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(snapshot(repo.workspace), before);
    const kept = readdirSync(repo.state).filter((name) => name.startsWith('progress.damaged-'));
    assert.equal(kept.length, 1);
    assert.equal(readFileSync(path.join(repo.state, kept[0] ?? ''), 'utf8'), '{ "version": 1, "chapter": "one", "chapters": {}, "hintsShown": {} }');
    rmSync(path.join(repo.state, kept[0] ?? ''));
    writeFileSync(progressFile(), progress);
  });

  it('a progress file on a chapter the repository does not have', () => {
    const progress = readFileSync(progressFile());
    writeFileSync(progressFile(), JSON.stringify({ version: 1, chapter: 42, chapters: {}, hintsShown: {} }));
    refusedUnchanged(['verify'], /^Your progress says chapter 42, which this repository does not have\. Go to one that exists: npm run workshop -- goto \d+$/);
    writeFileSync(progressFile(), progress);
  });

  it('a workspace that is not one (no package.json): refused, and goto saves its files before it sets it up again', () => {
    const manifest = readFileSync(path.join(repo.workspace, 'package.json'));
    rmSync(path.join(repo.workspace, 'package.json'));
    for (const args of [['verify'], ['diff'], ['serve']]) {
      refusedUnchanged(args, /^workspace\/ is not an app: it has no package\.json\. To set it up again \(your files are saved first\), type: npm run workshop -- goto N/);
    }
    const before = snapshot(repo.workspace);
    const savedBefore = new Set(existsSync(path.join(repo.state, 'saved')) ? readdirSync(path.join(repo.state, 'saved')) : []);
    assert.equal(repo.cli(['goto', '1', '--yes']).status, 0);
    const saved = readdirSync(path.join(repo.state, 'saved')).filter((name) => !savedBefore.has(name));
    assert.equal(saved.length, 1);
    assert.deepEqual(snapshot(path.join(repo.state, 'saved', saved[0] ?? '')), before);
    assert.ok(existsSync(path.join(repo.workspace, 'package.json')));
    assert.equal(repo.cli(['restore', '1', '--yes']).status, 0);
    writeFileSync(path.join(repo.workspace, 'package.json'), manifest);
  });

  it('no workspace at all', () => {
    renameSync(repo.workspace, `${repo.workspace}-away`);
    try {
      refusedUnchanged(['verify'], /^There is no workspace yet \(.*workspace\)\. To start, type: npm run workshop -- goto 1$/);
      refusedUnchanged(['goto', '1', '--keep'], /^There is no workspace to keep\. To set it to the start of chapter 1, type: npm run workshop -- goto 1$/);
    } finally {
      renameSync(`${repo.workspace}-away`, repo.workspace);
    }
  });

  it('a port already taken: serve refuses, doctor names it with its fix', async () => {
    const port = await freePort();
    const taken = net.createServer();
    await new Promise((resolve) => taken.listen(port, () => resolve(undefined)));
    try {
      refusedUnchanged(['serve', '--port', String(port)], new RegExp(`^Port ${port} is taken: another program listens there .* Stop it, or serve on another port: npm run workshop -- serve --port ${port + 1}$`));
      const doctor = repo.cli(['doctor', '--port', String(port)]);
      assert.equal(doctor.status, 1, doctor.stdout);
      assert.match(doctor.stdout, new RegExp(`✖ port ${port} is taken by another program.*\n  Fix: stop that program, or serve on another port: npm run workshop -- serve --port ${port + 1}`));
    } finally {
      taken.close();
    }
    refusedUnchanged(['serve', '--port', 'http'], /^"http" is not a port number \(1 to 65535\), for example: npm run workshop -- serve --port 3003$/);
  });

  it('restore of a saved copy that does not exist', () => {
    refusedUnchanged(['restore', '99'], /^There is no saved copy "99": there (is none yet|are \d+, numbered 1 to \d+)\. To list them, type: npm run workshop -- restore$/);
  });

  it('solve of a path outside workspace/, or one the solution does not have', () => {
    refusedUnchanged(['solve', '../package.json', '--yes'], /^"\.\.\/package\.json" is not inside workspace\/\. Name a step \(a step of chapter 1: answer-ping, bind-ping, first-test\) or a file of the app, for example: npm run workshop -- solve answer-ping$/);
    refusedUnchanged(['solve', 'src/no-such-file.ts', '--yes'], /^Chapter 1's solution has no step or file "src\/no-such-file\.ts" \(a step of chapter 1: answer-ping, bind-ping, first-test\)\. To see how your files differ from the solution, type: npm run workshop -- diff$/);
  });

  it('verify --url with something that is not a URL, or where nothing answers', async () => {
    refusedUnchanged(['verify', '--url', 'abc123.execute-api'], /^"abc123\.execute-api" is not the URL of an API\. Give the base URL your deploy printed, for example: npm run workshop -- verify --url https:/);
    const closed = await freePort();
    refusedUnchanged(['verify', '--url', `http://127.0.0.1:${closed}/dev`], new RegExp(`^Nothing answers at http://127\\.0\\.0\\.1:${closed}/dev \\(.+\\)\\. .* npm run workshop -- verify --url https:`));
  });

  it('pack-offline into a folder that is not empty', () => {
    const folder = path.join(repo.root, '..', 'a kit folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'notes.txt'), 'mine\n');
    refusedUnchanged(['pack-offline', '--out', folder], /is not empty, and a kit is written into an empty folder: name another one, for example: npm run workshop -- pack-offline --out \.\.\/workshop-kit$/);
    assert.deepEqual([...snapshot(folder).keys()], ['notes.txt']);
  });
});
