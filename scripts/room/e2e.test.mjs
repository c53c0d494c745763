// @ts-check
/**
 * The room, end to end: the instructor's `workshop room` (a scratch copy of the repository) and
 * two attendees' workspaces (two more), driven as people drive them, through chapter 1. Ada
 * joins, fails a verify, takes a hint, solves, and passes; Grace joins and fails her verify at the
 * same time; the instructor moves the room to chapter 2, and Grace's `status` says how to catch
 * up. What reached the room's store holds no path, no file, no reason and no environment.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@session-api/local-stack/ports.mjs';
import { scratchRepository } from '@session-api/workshop/scratch-repository';
import { request } from './simulate.mjs';
import { openStore } from './store.mjs';
import { dashboardOf, spawnRoom, workshop } from './testing.mjs';

describe('the room, end to end: an instructor and two attendees through chapter 1', function () {
  this.timeout(180_000);
  /** @type {ReturnType<typeof scratchRepository>[]} */
  const repos = [];
  /** @type {Awaited<ReturnType<typeof spawnRoom>> | undefined} */
  let room;
  let adaRoot = '';
  let graceRoot = '';
  /** @param {string} root */
  const progress = (root) => JSON.parse(readFileSync(path.join(root, '.workshop', 'progress.json'), 'utf8'));
  /** @param {string} name */
  const shown = async (name) => (await dashboardOf(/** @type {any} */ (room).url, /** @type {any} */ (room).key)).attendees.find((/** @type {any} */ one) => one.name === name);

  before(async () => {
    const [instructor, ada, grace] = ['room instructor', 'room ada', 'room grace'].map((label) => scratchRepository(label));
    repos.push(/** @type {any} */ (instructor), /** @type {any} */ (ada), /** @type {any} */ (grace));
    adaRoot = /** @type {any} */ (ada).root;
    graceRoot = /** @type {any} */ (grace).root;
    room = await spawnRoom(/** @type {any} */ (instructor).root, ['--port', String(await freePort())]);
  });
  after(async () => {
    await room?.stop();
    for (const repo of repos) repo.remove();
  });

  it('the room prints how to join it, and serves the site (or says how to build it)', async () => {
    const output = /** @type {any} */ (room).output();
    assert.match(output, new RegExp(`Attendees join with: +npm run workshop -- join http://127\\.0\\.0\\.1:${room?.port} ${room?.code} --name "Your name"`));
    assert.match(output, /Dashboard: +http:\/\/127\.0\.0\.1:\d+\/room\/dashboard#key=\S+/);
    const home = await request(/** @type {any} */ (room).url, 'GET', '/');
    assert.equal(home.status, 200);
    if (/The site is not built/.test(output)) assert.match(String(home.json), /npm run docs:build/);
    else assert.match(String(home.json), /<html/);
  });

  it('joining prints exactly what will be sent; the dashboard shows both attendees on chapter 1', async () => {
    const url = /** @type {any} */ (room).url;
    const code = /** @type {any} */ (room).code;
    for (const root of [adaRoot, graceRoot]) assert.equal((await workshop(root, ['goto', '1'])).status, 0);
    const joined = await workshop(adaRoot, ['join', url, code, '--name', 'Ada']);
    assert.equal(joined.status, 0, joined.stderr);
    assert.match(joined.stdout, /send the room only:/);
    assert.match(joined.stdout, /Never your code, your files' contents, paths, or anything of your environment/);
    assert.match(joined.stdout, /"type": "verify"/);
    assert.match(joined.stdout, /You joined the room at http:\/\/127\.0\.0\.1:\d+ as "Ada"/);
    const wrong = await workshop(graceRoot, ['join', url, 'NOPE42', '--name', 'Grace']);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stdout, /The room refused to let you in: That is not this room's code/);
    assert.equal((await workshop(graceRoot, ['join', url, code, '--name', 'Grace'])).status, 0);
    assert.deepEqual([(await shown('Ada'))?.chapter, (await shown('Grace'))?.chapter], [1, 1]);
  });

  it("verify, hint and solve report: the dashboard shows each attendee's checks, hints and solve, and Ada done", async () => {
    const [ada, grace] = await Promise.all([workshop(adaRoot, ['verify']), workshop(graceRoot, ['verify'])]);
    assert.deepEqual([ada.status, grace.status], [1, 1], `${ada.stdout}\n${grace.stdout}`);
    const results = progress(adaRoot).lastVerify.results;
    const firstFailed = results.find((/** @type {any} */ result) => result.state === 'failed');
    let view = await shown('Ada');
    assert.deepEqual([view.passed, view.checks, view.failing?.title], [results.filter((/** @type {any} */ result) => result.state === 'passed').length, results.length, firstFailed.title]);
    assert.equal((await shown('Grace')).failing?.title, progress(graceRoot).lastVerify.results.find((/** @type {any} */ result) => result.state === 'failed').title);

    assert.equal((await workshop(adaRoot, ['hint'])).status, 0);
    assert.equal((await shown('Ada')).hints, 1);
    assert.equal((await workshop(adaRoot, ['solve', '--yes'])).status, 0);
    assert.equal((await shown('Ada')).solved, true);
    const passed = await workshop(adaRoot, ['verify']);
    assert.equal(passed.status, 0, passed.stdout);
    view = await shown('Ada');
    assert.equal(view.chapter, 2);
    const board = await dashboardOf(/** @type {any} */ (room).url, /** @type {any} */ (room).key);
    const one = board.chapters.find((/** @type {any} */ chapter) => chapter.number === 1);
    assert.deepEqual([one.done, one.working + one.stuck], [1, 1]);
    assert.equal(board.failing[0]?.chapter, 1);
  });

  it("status shows the room's chapter, and to an attendee behind it, the command that catches up", async () => {
    const set = await request(/** @type {any} */ (room).url, 'POST', '/api/instructor/presenter', { body: { chapter: 2 }, token: room?.key });
    assert.equal(set.status, 200);
    const status = await workshop(graceRoot, ['status']);
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /Room: http:\/\/127\.0\.0\.1:\d+, as "Grace"\./);
    assert.match(status.stdout, /The room is on chapter 2: Sign up\./);
    assert.match(status.stdout, /You are on chapter 1, behind it\. To catch up \(your workspace is saved first\): npm run workshop -- goto 2/);
    const ada = await workshop(adaRoot, ['status']);
    assert.match(ada.stdout, /The room is on chapter 2: Sign up\./);
    assert.doesNotMatch(ada.stdout, /behind it/);
  });

  it('leaving: nothing more is sent, and the room forgets the token', async () => {
    const left = await workshop(adaRoot, ['join', '--leave']);
    assert.equal(left.status, 0);
    assert.match(left.stdout, /You left the room at http:\/\/127\.0\.0\.1:\d+: nothing more is sent\./);
    assert.equal(await shown('Ada'), undefined);
    const seq = (await dashboardOf(/** @type {any} */ (room).url, /** @type {any} */ (room).key)).seq;
    assert.equal((await workshop(adaRoot, ['goto', '2', '--keep'])).status, 0);
    assert.equal((await dashboardOf(/** @type {any} */ (room).url, /** @type {any} */ (room).key)).seq, seq);
  });

  it("the room's store holds no path, file, reason, hint text or environment of the attendees", async () => {
    await room?.stop();
    room = undefined;
    const store = await openStore(path.join(repos[0]?.root ?? '', '.workshop', 'room'));
    const text = JSON.stringify(store.records);
    await store.close();
    assert.ok(store.records.some((record) => record.kind === 'report'));
    const serverless = readFileSync(path.join(adaRoot, 'workspace', 'serverless.yml'), 'utf8').split('\n').find((line) => line.trim().length > 20) ?? '';
    for (const secret of [adaRoot, graceRoot, os.tmpdir(), os.homedir(), process.env['PATH'] ?? 'PATH', serverless.trim(), 'workspace/', '"reason"', '"hints"', '"explained"', 'durationMs']) {
      assert.ok(!text.includes(secret), `the store holds ${JSON.stringify(secret)}`);
    }
  });
});
