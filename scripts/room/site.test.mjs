// @ts-check
/**
 * The room serves the workshop's built site on its own address, so attendees read the pages
 * without building them; without a build, its home page says how to make one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from './simulate.mjs';
import { temporaryFolder, testRoom } from './testing.mjs';

describe('the room serves the workshop\'s site', function () {
  this.timeout(20_000);
  /** @type {ReturnType<typeof temporaryFolder>} */
  let folder;
  before(() => {
    folder = temporaryFolder('site');
  });
  after(() => folder?.remove());

  it('serves the built site at its address, its pages by their paths, and its 404s as problems', async () => {
    const site = path.join(folder.dir, 'build');
    mkdirSync(path.join(site, 'chapters', '01-hello-lambda'), { recursive: true });
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>Session API workshop</title>');
    writeFileSync(path.join(site, 'chapters', '01-hello-lambda', 'index.html'), '<!doctype html><title>Hello, Lambda</title>');
    const room = await testRoom(path.join(folder.dir, 'with-site'), { siteDir: site });
    try {
      assert.equal(room.site, true);
      const home = await request(room.url, 'GET', '/');
      assert.deepEqual([home.status, home.json], [200, '<!doctype html><title>Session API workshop</title>']);
      const page = await request(room.url, 'GET', '/chapters/01-hello-lambda/');
      assert.deepEqual([page.status, page.json], [200, '<!doctype html><title>Hello, Lambda</title>']);
      const missing = await request(room.url, 'GET', '/chapters/99-nothing/');
      assert.equal(missing.status, 404);
      // The room's own store is beside the site: a path out of the site reaches nothing.
      const outside = await request(room.url, 'GET', '/../with-site/room/LOCK');
      assert.equal(outside.status, 404);
      assert.equal((await request(room.url, 'GET', '/%2e%2e/with-site/room/LOCK')).status, 404);
    } finally {
      await room.close();
    }
  });

  it('without a build, its home page says how to build the site', async () => {
    const room = await testRoom(path.join(folder.dir, 'without-site'), { siteDir: path.join(folder.dir, 'no-build') });
    try {
      assert.equal(room.site, false);
      const home = await request(room.url, 'GET', '/');
      assert.equal(home.status, 200);
      assert.match(String(home.json), /npm run docs:build/);
    } finally {
      await room.close();
    }
  });
});
