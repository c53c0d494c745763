// @ts-check
/**
 * `npm run chapters:sync`: a change made in final/ reaches every chapter holding the same lines,
 * a chapter whose lines differ there is reported and left exactly as it was; first on chapters
 * made up for the test, then on a real change to a clone of this repository.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadChapters } from './chapters.mjs';
import { holdsNoChangedLine, syncChapters } from './sync.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** @param {string} cwd @param {string[]} args */
const git = (cwd, args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const original = ['/** Greets. */', 'export function greet(name: string): string {', '  // Say hello.', '  return `Hello, ${name}`;', '}', ''].join('\n');

describe('chapters:sync', function () {
  this.timeout(60_000);
  /** @type {string} */
  let root;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** @param {string} relative @param {string} text */
  const write = (relative, text) => {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  };
  /** @param {string} relative */
  const read = (relative) => readFileSync(path.join(root, relative), 'utf8');

  it('carries a change into the chapters that hold the same lines, and reports the one that does not', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'chapters sync '));
    write('package.json', '{"private":true}');
    write('final/src/greet.ts', original);
    for (const folder of ['01-same', '02-other', '03-more']) write(`chapters/${folder}/chapter.json`, JSON.stringify({ title: folder, minutes: 5 }));
    write('chapters/01-same/src/greet.ts', original);
    write('final/README.md', 'final/\'s guide');
    write('chapters/01-same/README.md', 'final/\'s guide');
    // The same comment line, rewritten in this chapter: the change cannot merge there.
    const other = original.replace('  // Say hello.', '  // Greet the caller.');
    write('chapters/02-other/src/greet.ts', other);
    // Another form of the file (one more export), with the same lines around the change.
    write('chapters/03-more/src/greet.ts', `${original}\nexport const later = 1;\n`);
    git(root, ['init', '--quiet']);
    git(root, ['add', '--all']);
    git(root, ['-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'start']);

    write('final/src/greet.ts', original.replace('  // Say hello.', '  // Say hello, politely.'));
    // A README is not the app: each chapter has its own, never merged with final/'s.
    write('final/README.md', 'final/\'s guide, rewritten');
    const otherBefore = read('chapters/02-other/src/greet.ts');
    const results = syncChapters({ root });

    assert.deepEqual(results.map((result) => `${result.outcome} ${result.file}`).sort(), [
      'conflict chapters/02-other/src/greet.ts',
      'updated chapters/01-same/src/greet.ts',
      'updated chapters/03-more/src/greet.ts',
    ]);
    assert.equal(read('chapters/01-same/src/greet.ts'), read('final/src/greet.ts'));
    assert.match(read('chapters/03-more/src/greet.ts'), /Say hello, politely\.[\s\S]*export const later = 1;/);
    assert.equal(read('chapters/02-other/src/greet.ts'), otherBefore, 'a conflicting chapter file is left exactly as it was');
    // It rewrote that line its own way, so it holds none of the lines the change rewrites: it gets
    // the clue, and stays a conflict all the same (a person decides).
    assert.equal(results.find((result) => result.outcome === 'conflict')?.holdsNoChangedLine, true);
  });

  it('tells a conflict where the chapter holds none of the rewritten lines from one where it holds them', () => {
    const base = ['functions:', '  ping:', '    handler: ping', '# Maps: see the Performance page.', 'sourcemap: linked', ''].join('\n');
    const theirs = base.replace('# Maps: see the Performance page.', '# Maps: bench/cold-start.ts measures them.');
    // An earlier chapter, before source maps: the lines are not there at all.
    assert.equal(holdsNoChangedLine(['functions:', '  ping:', '    handler: ping', ''].join('\n'), base, theirs), true);
    // A chapter that holds the rewritten line, in a file that differs around it.
    assert.equal(holdsNoChangedLine(['functions: {}', '# Maps: see the Performance page.', ''].join('\n'), base, theirs), false);
    // A change that only adds lines rewrites none: never a clue.
    assert.equal(holdsNoChangedLine('', base, `${base}logs: true\n`), false);
  });

  it('changes nothing with --dry-run', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'chapters sync '));
    write('package.json', '{"private":true}');
    write('final/a.txt', 'one\ntwo\n');
    write('chapters/01-a/chapter.json', JSON.stringify({ title: 'a', minutes: 5 }));
    write('chapters/01-a/a.txt', 'one\ntwo\n');
    git(root, ['init', '--quiet']);
    git(root, ['add', '--all']);
    git(root, ['-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'start']);
    write('final/a.txt', 'one\n2\n');
    assert.deepEqual(syncChapters({ root, dryRun: true }), [{ file: 'chapters/01-a/a.txt', outcome: 'updated' }]);
    assert.equal(read('chapters/01-a/a.txt'), 'one\ntwo\n');
  });

  it('carries a real change of final/ into every chapter of this repository that holds its lines', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'chapters sync real '));
    git(repoRoot, ['clone', '--quiet', '--shared', repoRoot, root]);
    // A line every chapter with an HTTP layer shares with final/.
    const file = 'src/lib/http.ts';
    const line = '  // Responses carry tokens: no cache may keep them.';
    const changed = '  // Responses carry tokens: no cache, shared or private, may keep them.';
    assert.ok(read(`final/${file}`).includes(line), `final/${file} no longer has the line this test changes: pick another`);
    const holders = loadChapters(root).filter((chapter) => {
      try {
        return readFileSync(path.join(chapter.dir, file), 'utf8').includes(line);
      } catch {
        return false;
      }
    });
    assert.ok(holders.length > 0, 'no chapter holds the line');
    write(`final/${file}`, read(`final/${file}`).replace(line, changed));

    const results = syncChapters({ root });

    for (const chapter of holders) {
      assert.ok(readFileSync(path.join(chapter.dir, file), 'utf8').includes(changed), `chapters/${chapter.folder}/${file} did not get the change`);
    }
    assert.deepEqual(results.filter((result) => result.outcome === 'conflict'), []);
    // Only that file changed, in final/ and the chapters holding it.
    const touched = git(root, ['status', '--porcelain']).split('\n').filter(Boolean).map((status) => status.slice(3)).sort();
    assert.deepEqual(touched, [`final/${file}`, ...holders.map((chapter) => `chapters/${chapter.folder}/${file}`)].sort());
  });
});
