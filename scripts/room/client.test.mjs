// @ts-check
/**
 * The attendee's side: what a report holds (and never holds), and a room that cannot be reached
 * never slows the attendee: each command waits at most TIMEOUT_MS, and what was not sent goes
 * with a later command, once, when the room is back.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TIMEOUT_MS, joinRoom, leaveRoom, membershipOf, queued, reportOf, reportToRoom, roomFiles, roomNow } from './client.mjs';
import { attendeePlace, dashboardOf, temporaryFolder, testRoom } from './testing.mjs';

/** A server that accepts connections and never answers: a room on a Wi-Fi that drops everything. */
async function silentServer(port = 0) {
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {net.AddressInfo} */ (server.address());
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}

describe("the attendee's side of the room", function () {
  this.timeout(30_000);
  /** @type {ReturnType<typeof temporaryFolder>} */
  let folder;
  before(() => {
    folder = temporaryFolder('client');
  });
  after(() => folder?.remove());

  it('a report holds the chapter, the checks\' titles and states, the steps, hints, solve and times: never a reason, a hint\'s text, a path or a file', () => {
    const results = [
      { title: 'GET /ping answers 200', state: /** @type {const} */ ('passed'), durationMs: 12, reason: undefined },
      { title: 'GET /ping has a unit test', state: /** @type {const} */ ('failed'), explained: 'A first unit test', reason: 'no test ran: write /home/ada/session-api/workspace/src/functions/ping/handler.test.ts', hints: ['export const handler = ...'], durationMs: 5 },
    ];
    const report = reportOf({ type: 'verify', checked: 1, results: /** @type {any} */ (results), steps: /** @type {any} */ ([{ name: 'ping-handler', state: 'failed', code: 'x' }]), seconds: 12.345 }, 1, new Date('2026-11-30T10:00:00Z'));
    assert.deepEqual(Object.keys(report).sort(), ['at', 'chapter', 'checked', 'checks', 'id', 'seconds', 'steps', 'type']);
    assert.deepEqual(/** @type {any} */ (report).checks, [
      { title: 'GET /ping answers 200', state: 'passed' },
      { title: 'GET /ping has a unit test', state: 'failed', section: 'A first unit test' },
    ]);
    assert.deepEqual(/** @type {any} */ (report).steps, [{ name: 'ping-handler', state: 'failed' }]);
    const text = JSON.stringify(report);
    for (const secret of ['/home/ada', 'handler.test.ts', 'export const', 'no test ran', 'durationMs', 'code']) assert.ok(!text.includes(secret), `the report holds "${secret}"`);
    assert.deepEqual(Object.keys(reportOf({ type: 'hint', check: 'GET /ping has a unit test', level: 2, step: 'ping-handler' }, 1, new Date())).sort(), ['at', 'chapter', 'check', 'id', 'level', 'step', 'type']);
    assert.deepEqual(Object.keys(reportOf({ type: 'solve', whole: true }, 1, new Date())).sort(), ['at', 'chapter', 'id', 'type', 'whole']);
  });

  it('nothing is sent before joining: reportToRoom does nothing, and needs no room', async () => {
    const place = attendeePlace(path.join(folder.dir, 'alone'), 1);
    assert.equal(await reportToRoom({ place }, { type: 'goto' }), undefined);
    assert.ok(!existsSync(roomFiles(place).queue), 'no queue either');
  });

  it('a room that does not answer costs a command less than a second; what it did not take is sent later, once', async () => {
    const roomFolder = path.join(folder.dir, 'room-that-comes-back');
    let room = await testRoom(roomFolder);
    const port = room.port;
    const place = attendeePlace(path.join(folder.dir, 'ada'), 2);
    /** @type {string[]} */
    const printed = [];
    const context = { place, print: (/** @type {string | undefined} */ text = '') => printed.push(text) };
    const membership = await joinRoom(place, { url: room.url, code: room.code, name: 'Ada' });
    assert.equal(membershipOf(place)?.token, membership.token);
    assert.deepEqual(await reportToRoom(context, { type: 'goto' }), { sent: true, waiting: 0 });
    await room.close();

    // The room's laptop is there but answers nothing (the worst case: no "connection refused").
    const silent = await silentServer(port);
    try {
      for (const [index, happened] of /** @type {const} */ ([{ type: 'hint', check: 'Chapter 2, check 1', level: 1 }, { type: 'solve', whole: true }]).entries()) {
        const started = performance.now();
        const result = await reportToRoom(context, happened);
        const ms = performance.now() - started;
        // The bound leaves a busy machine room for late timers; what it rules out is waiting for
        // the connection's own time-out, which is minutes long.
        assert.ok(ms < TIMEOUT_MS + 2000, `the command waited ${Math.round(ms)} ms for the room (at most ${TIMEOUT_MS} ms expected)`);
        assert.deepEqual(result, { sent: false, waiting: index + 1 });
      }
      assert.match(printed.join('\n'), /did not take the report: no answer within 800 ms\. 2 reports wait in \.workshop\/ and go with your next command/);
    } finally {
      await silent.close();
    }
    // Nothing listens at all: refused at once.
    const started = performance.now();
    assert.deepEqual(await reportToRoom(context, { type: 'goto' }), { sent: false, waiting: 3 });
    assert.ok(performance.now() - started < TIMEOUT_MS + 2000, 'a refused connection costs no wait');

    // The room is back (the same room, from its store): the next command sends all four, in order.
    room = await testRoom(roomFolder, { port });
    try {
      assert.deepEqual(await reportToRoom(context, { type: 'goto' }), { sent: true, waiting: 0 });
      assert.deepEqual(queued(place), []);
      const attendee = room.state.attendees.get(membership.attendee);
      assert.ok(attendee);
      assert.equal(attendee.chapters.get(2)?.hints['Chapter 2, check 1'], 1);
      assert.equal(attendee.chapters.get(2)?.solved, true);
      // 1 join + 5 reports, each once.
      assert.equal(room.state.seq, 6);
      const now = await roomNow(place);
      assert.equal(now?.fresh, true);
      assert.equal((await dashboardOf(room.url, room.key)).attendees.length, 1);
      const left = await leaveRoom(place);
      assert.equal(left.told, true);
      assert.equal(membershipOf(place), undefined);
      assert.equal((await dashboardOf(room.url, room.key)).attendees.length, 0);
      assert.equal(await reportToRoom(context, { type: 'goto' }), undefined, 'after leaving, nothing is sent');
    } finally {
      await room.close();
    }
  });

  it('a room started anew does not know the attendee: the command says to join again, and goes on', async () => {
    const room = await testRoom(path.join(folder.dir, 'first'));
    const place = attendeePlace(path.join(folder.dir, 'grace'), 1);
    await joinRoom(place, { url: room.url, code: room.code, name: 'Grace' });
    await room.close();
    const other = await testRoom(path.join(folder.dir, 'second'), { port: room.port });
    try {
      /** @type {string[]} */
      const printed = [];
      const result = await reportToRoom({ place, print: (text = '') => printed.push(text) }, { type: 'goto' });
      assert.deepEqual(result, { sent: false, waiting: 1 });
      assert.match(printed.join('\n'), /does not know you any more .* Join it again: npm run workshop -- join http:\/\/127\.0\.0\.1:\d+ CODE --name "Grace"/);
      assert.equal(other.state.seq, 0);
    } finally {
      await other.close();
    }
  });
});
