// @ts-check
/**
 * `workshop room` and `workshop join` refuse what cannot work with one line that says what to
 * type, exit code 2 (1 when the room itself refuses), and nothing changed: no membership, no
 * queue, no second room on the same store or port.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '@session-api/local-stack/ports.mjs';
import { scratchRepository, snapshot } from '@session-api/workshop/scratch-repository';
import { spawnRoom } from './testing.mjs';

describe('the room\'s commands refuse bad input and change nothing', function () {
  this.timeout(60_000);
  /** @type {ReturnType<typeof scratchRepository>} */
  let repo;
  before(() => {
    repo = scratchRepository('room commands');
    assert.equal(repo.cli(['goto', '1']).status, 0);
  });
  after(() => repo?.remove());

  it('join: a missing address or code, a bad name, a bad address, too many words (exit 2); a wrong code or no room (exit 1)', async () => {
    const state = snapshot(repo.state);
    /** @type {[string[], number, RegExp][]} */
    const cases = [
      [['join'], 2, /^Say the room's address and code, as the instructor shows them, and your name: npm run workshop -- join http:\/\/192\.168\.1\.20:3002 K7QD2M --name "Ada Lovelace"$/],
      [['join', 'http://127.0.0.1:9', 'ABC234'], 2, /^Give the name the room shows for you \(40 characters at most\)/],
      [['join', 'http://127.0.0.1:9', 'ABC234', '--name', 'x'.repeat(41)], 2, /^Give the name the room shows for you/],
      [['join', 'http://127.0.0.1:9', 'ABC234', '--name', 'Ada\u0007'], 2, /^Give the name the room shows for you/],
      [['join', 'a', 'b', 'c', '--name', 'Ada'], 2, /^join takes at most 2 words after it \(got "a b c"\)/],
      [['join', '--leave', 'http://127.0.0.1:9'], 2, /^join --leave takes nothing else/],
      [['join', 'ftp://127.0.0.1:9', 'ABC234', '--name', 'Ada'], 2, /^"ftp:\/\/127\.0\.0\.1:9" is not the room's address \(http:\/\/…\), for example: npm run workshop -- join http/],
      [['join', `http://127.0.0.1:${await freePort()}`, 'ABC234', '--name', 'Ada'], 1, /^The room at http:\/\/127\.0\.0\.1:\d+ did not answer \(.+\)\. Check the address the instructor shows/m],
    ];
    for (const [args, status, message] of cases) {
      const run = repo.cli(args);
      assert.equal(run.status, status, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
      assert.match(`${run.stderr}${run.stdout}`.trim().split('\n').at(-1) ?? '', message, args.join(' '));
    }
    assert.deepEqual(snapshot(repo.state), state, 'nothing written in .workshop/');
    assert.ok(!existsSync(path.join(repo.state, 'room.json')));
  });

  it('room: a bad port or stuck time (exit 2); a port taken, or a room already running from the same folder (exit 2), the running room untouched', async () => {
    for (const [args, message] of [
      [['room', '--port', 'http'], /^--port takes a whole number from 1 to 65535 \(got "http"\)/],
      [['room', '--stuck-minutes', '0'], /^--stuck-minutes takes a whole number from 1 to 240 \(got "0"\)/],
      [['room', 'now'], /^room takes no words after it/],
    ]) {
      const run = repo.cli(/** @type {string[]} */ (args));
      assert.equal(run.status, 2, run.stdout);
      assert.match(run.stderr.trim(), /** @type {RegExp} */ (message));
    }
    assert.ok(!existsSync(path.join(repo.state, 'room')), 'no room was made');

    const taken = net.createServer();
    const port = await freePort();
    await new Promise((resolve) => taken.listen(port, '127.0.0.1', () => resolve(undefined)));
    try {
      const run = repo.cli(['room', '--host', '127.0.0.1', '--port', String(port)]);
      assert.equal(run.status, 2, run.stdout);
      assert.match(run.stderr.trim(), new RegExp(`^Port ${port} is taken: something else listens there\\. Choose another: npm run workshop -- room --port ${port + 1}$`));
    } finally {
      taken.close();
    }

    const room = await spawnRoom(repo.root, ['--port', String(await freePort())]);
    try {
      const second = repo.cli(['room', '--host', '127.0.0.1', '--port', String(await freePort())]);
      assert.equal(second.status, 2, second.stdout);
      assert.match(second.stderr.trim(), /^A room is already running from \.workshop\/room \(in another terminal\?\)\. Use that one, or stop it first\.$/);
      const answer = await fetch(`${room.url}/api/instructor/dashboard`, { headers: { authorization: `Bearer ${room.key}` } });
      assert.equal(answer.status, 200, 'the first room still answers');
    } finally {
      await room.stop();
    }
  });
});
