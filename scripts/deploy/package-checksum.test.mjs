// @ts-check
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './package-checksum.mjs';

describe('package-checksum: the promoted package is the one that was built', () => {
  /** @type {string} */
  let dir;
  /** @type {string} */
  let pkg;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'checksum-test-'));
    pkg = path.join(dir, 'test');
    mkdirSync(path.join(pkg, 'nested'), { recursive: true });
    writeFileSync(path.join(pkg, 'createSession.zip'), 'zip bytes');
    writeFileSync(path.join(pkg, 'nested', 'serverless-state.json'), '{}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--write records one sha256sum line per file, sorted, next to the folder', () => {
    assert.equal(main(['--write', pkg]), 0);
    const lines = readFileSync(`${pkg}.sha256`, 'utf8').trimEnd().split('\n');
    assert.deepEqual(lines.map((line) => line.split('  ')[1]), ['test/createSession.zip', 'test/nested/serverless-state.json']);
    assert.match(lines[0] ?? '', /^[0-9a-f]{64} {2}/);
  });

  it('--verify passes on the same files and fails when one changed', () => {
    main(['--write', pkg]);
    assert.equal(main(['--verify', pkg]), 0);
    appendFileSync(path.join(pkg, 'createSession.zip'), ' changed');
    assert.equal(main(['--verify', pkg]), 1);
  });

  it('--verify fails without a recorded checksum; a wrong call is a usage error', () => {
    assert.equal(main(['--verify', pkg]), 1);
    assert.equal(main([pkg]), 2);
    assert.equal(main(['--write', path.join(dir, 'missing')]), 2);
  });
});
