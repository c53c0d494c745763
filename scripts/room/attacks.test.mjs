// @ts-check
/**
 * Nobody gets in where they don't belong, and bad input changes nothing: each attack on a real
 * room (over HTTP, in this process), with what it gets. After every refusal, the room's log has
 * not grown (its last record's number, `seq`, is the same) and the refusal is a problem document.
 */
import assert from 'node:assert/strict';
import { laptop, request, titlesOf, verifyReport } from './simulate.mjs';
import { dashboardOf, temporaryFolder, testRoom } from './testing.mjs';

/**
 * Fails unless the answer is a problem document with this status and code.
 * @param {import('./simulate.mjs').Answer} answer @param {number} status @param {string} code
 */
function assertProblem(answer, status, code) {
  assert.equal(answer.status, status, JSON.stringify(answer.json));
  assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
  assert.equal(answer.json.code, code, JSON.stringify(answer.json));
  assert.equal(answer.json.status, status);
  assert.ok(typeof answer.json.detail === 'string' && answer.json.detail.length > 0);
}

describe('the room refuses what does not belong', function () {
  this.timeout(30_000);
  /** @type {ReturnType<typeof temporaryFolder>} */
  let folder;
  /** @type {Awaited<ReturnType<typeof testRoom>>} */
  let room;
  /** @type {ReturnType<typeof laptop>} */
  let ada;
  /** @type {ReturnType<typeof laptop>} */
  let grace;
  let adaId = '';
  let graceId = '';
  const titles = titlesOf(2, 4);
  /** The room's log did not grow. @param {() => Promise<unknown>} attack */
  const changesNothing = async (attack) => {
    const before = room.state.seq;
    const view = JSON.stringify((await dashboardOf(room.url, room.key)).attendees);
    await attack();
    assert.equal(room.state.seq, before, 'nothing was written');
    assert.equal(JSON.stringify((await dashboardOf(room.url, room.key)).attendees), view, 'the dashboard is the same');
  };

  before(async () => {
    folder = temporaryFolder('attacks');
    room = await testRoom(folder.dir);
    ada = laptop(room.url, { address: '127.0.0.2' });
    grace = laptop(room.url, { address: '127.0.0.3' });
    adaId = (await ada.join(room.code, 'Ada')).attendee;
    graceId = (await grace.join(room.code, 'Grace')).attendee;
    assert.equal((await grace.send([verifyReport({ chapter: 2, titles, passed: 1 })])).status, 200);
  });
  after(async () => {
    ada?.close();
    grace?.close();
    await room?.close();
    folder?.remove();
  });

  it('joining needs the room code (403), in any case of letters', async () => {
    await changesNothing(async () => {
      assertProblem(await request(room.url, 'POST', '/api/join', { body: { code: 'WRONG1', name: 'Mallory' } }), 403, 'wrong_room_code');
      assertProblem(await request(room.url, 'POST', '/api/join', { body: { name: 'Mallory' } }), 400, 'invalid_body');
    });
    const joined = await request(room.url, 'POST', '/api/join', { body: { code: room.code.toLowerCase(), name: 'Linus' } });
    assert.equal(joined.status, 201);
    assert.match(joined.json.token, /^[A-Za-z0-9_-]{32}$/);
  });

  it('a report that carries code, a file, a path or the environment is refused (400), whatever field it hides in', async () => {
    const report = verifyReport({ chapter: 2, titles, passed: 2 });
    const smuggled = [
      { ...report, code: 'export const handler = async () => ({ statusCode: 200 });' },
      { ...report, file: 'src/functions/ping/handler.ts' },
      { ...report, env: { AWS_SECRET_ACCESS_KEY: 'x' } },
      { ...report, checks: [{ title: 'GET /ping answers 200', state: 'failed', reason: 'at /home/ada/session-api/workspace/src/handler.ts:3' }] },
      { ...report, steps: [{ name: 'ping', state: 'passed', code: 'return 1;' }] },
    ];
    await changesNothing(async () => {
      for (const body of smuggled) {
        const answer = await ada.send([/** @type {any} */ (body)]);
        assertProblem(answer, 400, 'invalid_body');
        assert.match(answer.json.detail, /which the room never accepts/);
      }
    });
  });

  it('an attendee can only write as themselves: no field names another, and a token is needed (401)', async () => {
    await changesNothing(async () => {
      const asGrace = { ...verifyReport({ chapter: 2, titles, passed: 0 }), attendee: graceId };
      assertProblem(await ada.send([/** @type {any} */ (asGrace)]), 400, 'invalid_body');
      assertProblem(await request(room.url, 'POST', '/api/reports', { body: { reports: [verifyReport({ chapter: 2, titles, passed: 0 })], attendee: graceId }, token: ada.token }), 400, 'invalid_body');
      assertProblem(await request(room.url, 'POST', '/api/reports', { body: { reports: [verifyReport({ chapter: 2, titles, passed: 0 })] } }), 401, 'unknown_attendee');
      assertProblem(await request(room.url, 'POST', '/api/reports', { body: { reports: [verifyReport({ chapter: 2, titles, passed: 0 })] }, token: 'forged-token-forged-token-forged' }), 401, 'unknown_attendee');
      // The instructor's key is not an attendee's token either.
      assertProblem(await request(room.url, 'POST', '/api/reports', { body: { reports: [verifyReport({ chapter: 2, titles, passed: 0 })] }, token: room.key }), 401, 'unknown_attendee');
    });
    // Ada's own report changes Ada only.
    assert.equal((await ada.send([verifyReport({ chapter: 2, titles, passed: 3 })])).status, 200);
    const view = await dashboardOf(room.url, room.key);
    assert.equal(view.attendees.find((/** @type {any} */ one) => one.id === adaId).passed, 3);
    assert.equal(view.attendees.find((/** @type {any} */ one) => one.id === graceId).passed, 1);
  });

  it('the dashboard, the presenter view and its controls, and the export need the instructor key (401)', async () => {
    const reads = ['/api/instructor/dashboard', '/api/instructor/presenter', '/api/instructor/export', '/api/instructor/stream?view=dashboard'];
    await changesNothing(async () => {
      for (const token of [undefined, ada.token, `${room.key.slice(0, -2)}xx`, room.code]) {
        for (const route of reads) assertProblem(await request(room.url, 'GET', route, { token }), 401, 'instructor_key_needed');
        assertProblem(await request(room.url, 'POST', '/api/instructor/presenter', { body: { chapter: 3 }, token }), 401, 'instructor_key_needed');
      }
    });
    assert.equal(room.state.presenter.chapter, null, 'the room\'s chapter is not set');
    const set = await request(room.url, 'POST', '/api/instructor/presenter', { body: { chapter: 3 }, token: room.key });
    assert.equal(set.status, 200);
    assert.equal(room.state.presenter.chapter, 3);
    assertProblem(await request(room.url, 'POST', '/api/instructor/presenter', { body: { chapter: 42 }, token: room.key }), 400, 'unknown_chapter');
  });

  it('a name is text: a <script> name is kept as written (the browser test shows it as text), a name with control characters is refused', async () => {
    const script = '<script>alert("pwned")</script>';
    const mallory = await request(room.url, 'POST', '/api/join', { body: { code: room.code, name: script } });
    assert.equal(mallory.status, 201);
    assert.equal(mallory.json.name, script);
    assert.ok((await dashboardOf(room.url, room.key)).attendees.some((/** @type {any} */ one) => one.name === script));
    await changesNothing(async () => {
      for (const name of ['', '   ', 'Ada\nLovelace', 'Ada\u0007', 'x'.repeat(41)]) {
        assertProblem(await request(room.url, 'POST', '/api/join', { body: { code: room.code, name } }), 400, 'invalid_body');
      }
    });
  });

  it('a body over the size limit is refused (413) before it is read', async () => {
    await changesNothing(async () => {
      const report = verifyReport({ chapter: 2, titles, passed: 0 });
      const huge = JSON.stringify({ reports: [{ ...report, checks: titlesOf(2, 100).map((title) => ({ title: `${title} ${'x'.repeat(700)}`, state: 'failed' })) }] });
      assert.ok(huge.length > 64 * 1024);
      assertProblem(await request(room.url, 'POST', '/api/reports', { raw: huge, token: ada.token }), 413, 'body_too_large');
    });
  });

  it('malformed bodies get a 4xx problem document and change nothing', async () => {
    const good = verifyReport({ chapter: 2, titles, passed: 1 });
    /** @type {[string, string, Record<string, string> | undefined][]} */
    const bodies = [
      ['not JSON', '{"reports": [', undefined],
      ['empty', '', undefined],
      ['an array', JSON.stringify([good]), undefined],
      ['no reports', JSON.stringify({ reports: [] }), undefined],
      ['an unknown type', JSON.stringify({ reports: [{ ...good, type: 'delete-everything' }] }), undefined],
      ['a chapter as a string', JSON.stringify({ reports: [{ ...good, chapter: '2' }] }), undefined],
      ['a chapter out of range', JSON.stringify({ reports: [{ ...good, chapter: 1000 }] }), undefined],
      ['a time that is not one', JSON.stringify({ reports: [{ ...good, at: 'yesterday' }] }), undefined],
      ['a state that is not one', JSON.stringify({ reports: [{ ...good, checks: [{ title: 'x', state: 'green' }] }] }), undefined],
      ['a title on two lines', JSON.stringify({ reports: [{ ...good, checks: [{ title: 'x\ny', state: 'passed' }] }] }), undefined],
      ['too many reports at once', JSON.stringify({ reports: Array.from({ length: 21 }, () => good) }), undefined],
      ['a hint level of 1000', JSON.stringify({ reports: [{ id: 'abcdefgh-1', type: 'hint', chapter: 2, at: good.at, check: 'x', level: 1000 }] }), undefined],
      ['text, not JSON', 'reports=1', { 'content-type': 'text/plain' }],
      ['an unknown media type', '<reports/>', { 'content-type': 'application/xml' }],
    ];
    await changesNothing(async () => {
      for (const [what, raw, headers] of bodies) {
        const answer = await request(room.url, 'POST', '/api/reports', { raw, token: ada.token, ...(headers ? { headers } : {}) });
        assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status}`);
        assert.match(String(answer.headers['content-type']), /^application\/problem\+json/, what);
        assert.ok(answer.json.code && answer.json.detail, what);
      }
      assertProblem(await request(room.url, 'GET', '/api/nothing-here'), 404, 'not_found');
    });
  });

  it('a report sent twice (after a timeout, say) counts once', async () => {
    const report = verifyReport({ chapter: 2, titles, passed: 4 });
    const first = await ada.send([report]);
    assert.deepEqual([first.status, first.json.accepted, first.json.again], [200, 1, 0]);
    const seq = room.state.seq;
    const again = await ada.send([report, report]);
    assert.deepEqual([again.status, again.json.accepted, again.json.again], [200, 0, 2]);
    assert.equal(room.state.seq, seq);
  });

  it('each attendee has a rate limit (429 with Retry-After); the others are not held up', async () => {
    const hasty = laptop(room.url, { address: '127.0.0.4' });
    try {
      await hasty.join(room.code, 'Hasty');
      const answers = [];
      for (let sent = 0; sent < 61; sent += 1) answers.push(await hasty.send([verifyReport({ chapter: 2, titles, passed: 0 })]));
      assert.deepEqual(answers.slice(0, 60).map((answer) => answer.status), Array(60).fill(200));
      const refused = answers[60];
      assert.ok(refused);
      assertProblem(refused, 429, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      await changesNothing(async () => assertProblem(await hasty.send([verifyReport({ chapter: 2, titles, passed: 1 })]), 429, 'rate_limited'));
      assert.equal((await grace.send([verifyReport({ chapter: 2, titles, passed: 2 })])).status, 200, 'another attendee still reports');
    } finally {
      hasty.close();
    }
  });

  it('guessing the room code is rate limited per address (429); other laptops still join', async () => {
    const guesser = laptop(room.url, { address: '127.0.0.5' });
    try {
      await changesNothing(async () => {
        const statuses = [];
        for (let guess = 0; guess < 21; guess += 1) {
          const answer = await request(room.url, 'POST', '/api/join', { body: { code: `GUESS${guess}`, name: 'Eve' }, agent: guesser.agent });
          statuses.push(answer.status);
          if (guess === 20) assertProblem(answer, 429, 'rate_limited');
        }
        assert.deepEqual(statuses.slice(0, 20), Array(20).fill(403));
      });
      const other = laptop(room.url, { address: '127.0.0.6' });
      assert.equal((await other.join(room.code, 'Barbara')).name, 'Barbara');
      other.close();
    } finally {
      guesser.close();
    }
  });
});
