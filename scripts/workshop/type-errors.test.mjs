// @ts-check
/**
 * verify's type check is incremental (tsc keeps what it learnt of a folder, outside it): the
 * errors it finds must be a full check's all the same, in the order a learner makes them: a
 * clean app, then a mistake, then the mistake fixed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forgetOldTypeCheckInfo, typeCheckInfo, typeErrors } from './causes.mjs';
import { loadChapters } from './chapters.mjs';
import { readApp, scratchApp } from './workspace.mjs';

const HANDLER = 'src/functions/ping/handler.ts';

describe('verify\'s type check, incremental from one verify to the next', function () {
  this.timeout(120_000);
  /** @type {string} */
  let dir;
  before(() => {
    const chapter = loadChapters().find((candidate) => candidate.number === 1);
    assert.ok(chapter, 'there is no chapter 1');
    dir = scratchApp(readApp(chapter.dir), chapter.dir);
  });
  after(() => {
    rmSync(typeCheckInfo(dir), { force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a mistake made after a clean check, and nothing once it is fixed', async () => {
    assert.deepEqual((await typeErrors(dir)).errors, [], 'chapter 1 compiles');
    assert.ok(existsSync(typeCheckInfo(dir)), 'tsc kept what it learnt, outside the app');
    const handler = path.join(dir, HANDLER);
    const clean = readFileSync(handler, 'utf8');
    writeFileSync(handler, `${clean}\nexport const wrong: number = 'text';\n`);
    const { errors } = await typeErrors(dir);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0]?.file, HANDLER);
    assert.match(errors[0]?.message ?? '', /Type 'string' is not assignable to type 'number'/);
    writeFileSync(handler, clean);
    assert.deepEqual((await typeErrors(dir)).errors, [], 'the mistake fixed, none is left');
  });

  it('keeps the type-check info of the newest folders only, so that folders long gone leave nothing behind', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'type-check-info-'));
    try {
      // Five apps' files, the first the oldest; and a file that is not type-check info.
      for (let index = 0; index < 5; index += 1) {
        const file = path.join(folder, `app-${index}.tsbuildinfo`);
        writeFileSync(file, '{}');
        utimesSync(file, 1_000_000 + index * 60, 1_000_000 + index * 60);
      }
      writeFileSync(path.join(folder, 'notes.txt'), 'not ours');
      forgetOldTypeCheckInfo(folder, 3);
      assert.deepEqual(readdirSync(folder).sort(), ['app-2.tsbuildinfo', 'app-3.tsbuildinfo', 'app-4.tsbuildinfo', 'notes.txt']);
      forgetOldTypeCheckInfo(path.join(folder, 'none'), 3); // no folder yet: nothing to do
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
