// @ts-check
/**
 * Nothing lost: the real `workshop room` is killed with SIGKILL (kill -9: no clean-up of any
 * kind) while 30 attendees report as fast as it answers, then started again. Every report it
 * acknowledged is there (sending it again, the room answers that it has it), its code and key
 * are the same, and the dashboard shows the same room.
 */
import assert from 'node:assert/strict';
import { freePort } from '@session-api/local-stack/ports.mjs';
import { scratchRepository } from '@session-api/workshop/scratch-repository';
import { laptop, request, titlesOf, verifyReport } from './simulate.mjs';
import { dashboardOf, spawnRoom, withoutClock } from './testing.mjs';

const ATTENDEES = 30;
const BUSY_MS = 3000;
const titles = titlesOf(1, 6);

describe('nothing lost: kill -9 in a busy minute', function () {
  this.timeout(90_000);
  /** @type {ReturnType<typeof scratchRepository>} */
  let repo;
  /** @type {Awaited<ReturnType<typeof spawnRoom>> | undefined} */
  let room;

  before(() => {
    repo = scratchRepository('room crash');
  });
  after(async () => {
    await room?.kill();
    repo?.remove();
  });

  it('every acknowledged report is there after a restart, and the dashboard shows the same room', async () => {
    const port = await freePort();
    room = await spawnRoom(repo.root, ['--port', String(port)]);
    const { code, key, url } = room;
    const laptops = Array.from({ length: ATTENDEES }, (_, index) => laptop(url, { address: `127.0.1.${index + 1}` }));
    /** @type {string[]} */
    const ids = [];
    for (const [index, machine] of laptops.entries()) ids.push((await machine.join(code, `Attendee ${index + 1}`)).attendee);

    /** Each attendee's reports: those the room acknowledged, and the one in flight when it died. */
    const sent = laptops.map(() => ({ acknowledged: /** @type {import('./schema.mjs').Report[]} */ ([]), unanswered: /** @type {import('./schema.mjs').Report | undefined} */ (undefined) }));
    let busy = true;
    const attendees = laptops.map(async (machine, index) => {
      const mine = sent[index];
      if (!mine) return;
      for (let round = 0; busy; round += 1) {
        const report = verifyReport({ chapter: 1, titles, passed: round % (titles.length + 1) });
        try {
          const answer = await machine.send([report]);
          if (answer.status !== 200) throw new Error(`the room answered ${answer.status}`);
          mine.acknowledged.push(report);
        } catch {
          mine.unanswered = report;
          return;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, BUSY_MS));
    await room.kill();
    busy = false;
    await Promise.all(attendees);
    for (const machine of laptops) machine.close();
    const acknowledged = sent.reduce((sum, mine) => sum + mine.acknowledged.length, 0);
    assert.ok(acknowledged > ATTENDEES * 5, `a busy room: ${acknowledged} reports acknowledged in ${BUSY_MS} ms`);
    assert.ok(sent.some((mine) => mine.unanswered), 'the room died with reports in flight');

    room = await spawnRoom(repo.root, ['--port', String(port)]);
    assert.deepEqual([room.code, room.key], [code, key], 'the same room code and instructor key');
    assert.match(room.output(), /reopened: \d+ records read back/);

    // Each acknowledged report, sent again by its attendee: the room has every one already.
    const tokens = laptops.map((machine) => machine.token);
    let kept = 0;
    for (const [index, mine] of sent.entries()) {
      for (let start = 0; start < mine.acknowledged.length; start += 20) {
        const answer = await request(room.url, 'POST', '/api/reports', { body: { reports: mine.acknowledged.slice(start, start + 20) }, token: tokens[index] });
        assert.equal(answer.status, 200, JSON.stringify(answer.json));
        assert.equal(answer.json.accepted, 0, `attendee ${index + 1}: ${answer.json.accepted} acknowledged reports were lost`);
        kept += answer.json.again;
      }
    }
    assert.equal(kept, acknowledged);

    // The dashboard: each attendee as their last acknowledged report left them (or the one in
    // flight, if the room wrote it before it died without answering).
    const view = await dashboardOf(room.url, key);
    assert.equal(view.attendees.length, ATTENDEES);
    for (const [index, mine] of sent.entries()) {
      const shown = view.attendees.find((/** @type {any} */ one) => one.id === ids[index]);
      const possible = [mine.acknowledged.at(-1), mine.unanswered].filter((report) => report !== undefined).map((report) => report.type === 'verify' && report.checks.filter((check) => check.state === 'passed').length);
      assert.ok(possible.includes(shown.passed), `attendee ${index + 1} shows ${shown.passed} checks passed, not one of ${possible.join(', ')}`);
    }

    // And a quiet kill -9: exactly the same dashboard after it.
    const before = withoutClock(await dashboardOf(room.url, key));
    await room.kill();
    room = await spawnRoom(repo.root, ['--port', String(port)]);
    assert.deepEqual(withoutClock(await dashboardOf(room.url, key)), before);
    await room.stop();
    room = undefined;
  });
});
