// @ts-check
/**
 * `workshop watch`, as an attendee uses it, in a scratch copy of the repository: it checks the
 * start of chapter 1, then sees a step written, then broken, then fixed, and shows each verdict
 * in that order; a burst of saves ends on the verdict of the last one; Ctrl-C leaves no process
 * behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadChapters } from './chapters.mjs';
import { learnerEnv, scratchRepository } from './scratch-repository.mjs';
import { chapterStepRegions, fillPlaceholder, placeholdersIn } from './steps.mjs';

const HANDLER = 'src/functions/ping/handler.ts';

describe('workshop watch: a verdict on every save, in order', function () {
  this.timeout(300_000);
  /** @type {ReturnType<typeof scratchRepository>} */
  let repo;
  /** @type {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable>} */
  let child;
  let output = '';

  /** The verdicts printed so far. */
  const verdicts = () => output.split('[watch] verdict').slice(1);
  /** Waits for verdict number `count` (from 1), and returns it. @param {number} count */
  const verdict = async (count) => {
    const deadline = Date.now() + 120_000;
    while (verdicts().length < count) {
      if (child.exitCode !== null) throw new Error(`watch stopped:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no verdict ${count} within 120 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The whole verdict: it is printed in one write.
    return verdicts()[count - 1] ?? '';
  };
  /** Writes a step of chapter 1 from its code, in place of its placeholder. @param {string} name */
  const write = (name) => {
    const chapter = loadChapters(repo.root).find((candidate) => candidate.number === 1);
    assert.ok(chapter);
    for (const region of chapterStepRegions(chapter).filter((candidate) => candidate.step === name)) {
      const file = path.join(repo.workspace, region.file);
      const text = readFileSync(file, 'utf8');
      const placeholder = placeholdersIn(text).find((candidate) => candidate.step === name);
      assert.ok(placeholder, `no placeholder of ${name} in ${region.file}`);
      writeFileSync(file, fillPlaceholder(text, placeholder, region.code));
    }
  };
  const edit = (/** @type {string} */ file, /** @type {(text: string) => string} */ change) => {
    const full = path.join(repo.workspace, file);
    writeFileSync(full, change(readFileSync(full, 'utf8')));
  };

  before(() => {
    repo = scratchRepository('watch');
    const goto = repo.workshop(['goto', '1', '--yes']);
    assert.equal(goto.status, 0, goto.stderr);
    child = spawn('npm', ['run', '--silent', 'workshop', '--', 'watch'], { cwd: repo.root, env: learnerEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
  });

  after(() => {
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
    repo?.remove();
  });

  it('checks the start: the first failing check, with its step', async () => {
    const first = await verdict(1);
    assert.match(first, /✖ serverless\.yml binds a function named ping to GET \/ping/);
    assert.match(first, /Step "bind-ping"\. See "Bind the route"/);
    assert.match(first, /Stuck\? npm run workshop -- hint/);
  });

  it('is not woken, nor stopped, by folders that are not the app coming and going (the bundles in .esbuild/)', async () => {
    const before = verdicts().length;
    // What the stack's bundling does on every save: nested folders made and removed at once.
    // (On Linux, Node 20's recursive fs.watch, which watch used before chokidar, once threw
    // ENOENT at such a folder, in the bench, and watch stopped; this does not always make that
    // happen, but whatever watches must come through it, and not start a run for it.)
    for (let round = 0; round < 60; round += 1) {
      const folder = path.join(repo.workspace, '.esbuild', 'dev', '.build', 'src', 'functions', `f${round}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'handler.js'), '');
      // Gone a moment later, some while the watcher reads them.
      await new Promise((resolve) => setTimeout(resolve, round % 6));
      rmSync(path.join(repo.workspace, '.esbuild'), { recursive: true, force: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(child.exitCode, null, `watch stopped:\n${output}`);
    assert.equal(verdicts().length, before, `a change outside the app started a run:\n${output}`);
  });

  it('sees a step written: the next check that fails is shown', async () => {
    write('bind-ping');
    const second = await verdict(2);
    assert.match(second, /✖ GET \/ping answers 200/);
    assert.match(second, /Error: Step "answer-ping" is not written yet/);
    write('answer-ping');
    const third = await verdict(3);
    assert.match(third, /✖ ping has a unit test, and it passes/);
    assert.match(third, /2 checks before it pass\./);
  });

  it('sees it broken: code that does not compile, with its file and line', async () => {
    edit(HANDLER, (text) => text.replace("status: 'ok'", "status: 'ok', code: missingName"));
    const fourth = await verdict(4);
    assert.match(fourth, /Your code does not compile: TypeScript finds 1 error:\n {2}src\/functions\/ping\/handler\.ts:\d+: Cannot find name 'missingName'\./);
    assert.match(fourth, /then save\./);
  });

  it('sees it fixed, and after a burst of saves shows the verdict of the last one only', async () => {
    const before = verdicts().length;
    edit(HANDLER, (text) => text.replace(', code: missingName', ', code: alsoMissing'));
    edit(HANDLER, (text) => text.replace(', code: alsoMissing', ''));
    write('first-test');
    // The chapter passes; watch moves on to chapter 2 and checks its start, the news above it.
    const deadline = Date.now() + 150_000;
    const passedAt = () => verdicts().findIndex((text, index) => index >= before && /On to chapter 2: /.test(text));
    while ((passedAt() < 0 || verdicts().length <= passedAt() + 1) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    const shown = verdicts().slice(before);
    assert.ok(passedAt() >= 0, `chapter 1 never passed:\n${output}`);
    assert.match(verdicts()[passedAt()] ?? '', /✔ Every check of chapter 1 passes \(3 of 3\)\./);
    const next = verdicts()[passedAt() + 1] ?? '';
    assert.match(next, /On to chapter 2: [\s\S]*✖ /, `chapter 2's start is checked, with the news of chapter 1 above it:\n${output}`);
    assert.ok(!shown.some((text) => /alsoMissing/.test(text)), 'a verdict of a state already saved over was shown');
  });

  it('stops on Ctrl-C, with every process it started', async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-(child.pid ?? 0), 'SIGINT');
    await Promise.race([exited, new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`watch did not stop within 30 s:\n${output}`)), 30_000))]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Every process working in the repository (watch, npm, the stack, esbuild) has its folder there.
    const left = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`).startsWith(repo.root) ? [`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`] : [];
      } catch {
        return [];
      }
    });
    assert.deepEqual(left, [], 'processes left running');
  });
});
