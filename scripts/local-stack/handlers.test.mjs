// @ts-check
/**
 * A handler's stand-in (handlers.mjs) loads its bundle again when the bundle changes, and only
 * then: `workshop watch` rebuilds the bundles and the function instances stay warm.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { writeHandlerWrappers } from './handlers.mjs';

const require = createRequire(import.meta.url);

describe('local stack: a handler\'s stand-in', () => {
  /** @type {string} */
  let codeDir;
  /** @type {{ dir: string, remove: () => Promise<void> }} */
  let wrappers;

  before(async () => {
    codeDir = mkdtempSync(path.join(os.tmpdir(), 'local-stack-bundles-'));
    wrappers = await writeHandlerWrappers(codeDir, { ping: { handler: 'src/functions/ping/handler.handler' } });
  });
  after(async () => {
    await wrappers.remove();
    rmSync(codeDir, { recursive: true, force: true });
  });

  /** A bundle that answers `answer` and counts how often it was loaded. @param {string} answer */
  const writeBundle = (answer) => {
    const file = path.join(codeDir, 'src/functions/ping/handler.js');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `globalThis.loads = (globalThis.loads ?? 0) + 1;\nexports.handler = async (event) => ({ answer: ${JSON.stringify(answer)}, contentType: event.headers['content-type'] ?? null });\n`);
    return file;
  };

  it('calls the bundle\'s handler, loads a changed bundle at the next call, and only a changed one', async () => {
    const bundle = writeBundle('first');
    /** @type {{ handler: (event: unknown, context: unknown) => Promise<{ answer: string, contentType: string | null }> }} */
    const standIn = require(path.join(wrappers.dir, 'src/functions/ping/handler.cjs'));
    const event = { headers: { 'content-type': 'application/json' }, multiValueHeaders: {} };
    const g = /** @type {{ loads?: number }} */ (globalThis);
    const loadsBefore = g.loads ?? 0;

    // The headers as the client sent them (lambda-event.cjs): no Content-Type it did not send.
    assert.deepEqual(await standIn.handler(event, {}), { answer: 'first', contentType: null });
    assert.equal(g.loads, loadsBefore, 'the bundle is loaded once, when the stand-in is');

    writeBundle('second');
    assert.equal((await standIn.handler(event, {})).answer, 'second');
    assert.equal(g.loads, loadsBefore + 1, 'a changed bundle is loaded again');

    // Written again the same (a rebuild that changed nothing in it): not loaded again.
    const later = new Date(Date.now() + 5_000);
    utimesSync(bundle, later, later);
    assert.equal((await standIn.handler(event, {})).answer, 'second');
    assert.equal(g.loads, loadsBefore + 1, 'a bundle whose text did not change is not loaded again');
  });
});
