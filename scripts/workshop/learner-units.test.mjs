// @ts-check
/**
 * The parts of the learner's CLI that decide something, one at a time: paths the learner types
 * (POSIX and Windows), the unified diff, what doctor calls a problem, the lockfile and npm cache
 * arithmetic of the offline kit, the names of saved copies, and the hint levels.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { stripVTControlCharacters } from 'node:util';
import { main } from './cli.mjs';
import { unifiedDiff } from './commands/diff.mjs';
import { whatToVerify } from './commands/verify.mjs';
import { loadChapters } from './chapters.mjs';
import { dependenciesFinding, diskFinding, esbuildFinding, nodeFinding, toolFinding, writeFinding } from './commands/doctor.mjs';
import { contentPath, copyTarball, lockedPackages, tarballUrl, withResolvedUrls } from './npm-cache.mjs';
import { appPath, placeOf, saveWorkspace, savedCopies } from './workspace.mjs';
import { UsageError } from './ui.mjs';
import { portNamed } from './commands/serve.mjs';
import { WORKSHOP_PORTS, portIsFree, portToSuggest } from '@session-api/local-stack/ports.mjs';

/**
 * A printed line without its colours. picocolors colours output when CI is set (as on CI's
 * machine) or in a terminal, so a test that reads what was printed must not depend on where it runs.
 * @param {string} text
 */
const plain = (text) => stripVTControlCharacters(text);

/** A temporary folder, removed after the test. */
function scratch() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'workshop units '));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** @param {string} dir @param {Record<string, string>} files */
function write(dir, files) {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

describe('learner CLI: the paths a learner types', () => {
  it('POSIX: relative to where they typed it or to workspace/, with spaces', () => {
    const where = { cwd: '/home/ann/session api', workspace: '/home/ann/session api/workspace', pathModule: path.posix };
    assert.equal(appPath('workspace/src/lib/tokens.ts', where), 'src/lib/tokens.ts');
    assert.equal(appPath('src/lib/tokens.ts', where), 'src/lib/tokens.ts');
    assert.equal(appPath('/home/ann/session api/workspace/serverless.yml', where), 'serverless.yml');
    assert.equal(appPath('src/functions/createSession/', where), 'src/functions/createSession');
    assert.equal(appPath('../package.json', where), undefined);
    assert.equal(appPath('/etc/passwd', where), undefined);
  });

  it('Windows: backslashes, drive letters and spaces', () => {
    const where = { cwd: 'C:\\Users\\Ann Lee\\session api', workspace: 'C:\\Users\\Ann Lee\\session api\\workspace', pathModule: path.win32 };
    assert.equal(appPath('workspace\\src\\lib\\tokens.ts', where), 'src/lib/tokens.ts');
    assert.equal(appPath('src\\lib\\tokens.ts', where), 'src/lib/tokens.ts');
    assert.equal(appPath('C:\\Users\\Ann Lee\\session api\\workspace\\serverless.yml', where), 'serverless.yml');
    assert.equal(appPath('c:\\users\\ann lee\\session api\\workspace\\serverless.yml', where), 'serverless.yml', 'Windows paths are case-insensitive');
    assert.equal(appPath('..\\package.json', where), undefined);
    assert.equal(appPath('D:\\workspace\\serverless.yml', where), undefined);
  });
});

describe('learner CLI: the unified diff', () => {
  it('shows changed, added and removed files in path order, with git\'s headers; nothing when equal', () => {
    const a = new Map(Object.entries({ 'same.ts': 'same\n', 'changed.ts': 'one\ntwo\n', 'gone.ts': 'bye\n' }));
    const b = new Map(Object.entries({ 'same.ts': 'same\n', 'changed.ts': 'one\nthree\n', 'new.ts': 'hello\n' }));
    const text = unifiedDiff({ files: a, label: 'workspace' }, { files: b, label: 'chapters/03-log-in' });
    assert.equal(
      text,
      [
        '--- workspace/changed.ts', '+++ chapters/03-log-in/changed.ts', '@@ -1,2 +1,2 @@', ' one', '-two', '+three',
        '--- workspace/gone.ts', '+++ /dev/null', '@@ -1,1 +0,0 @@', '-bye',
        '--- /dev/null', '+++ chapters/03-log-in/new.ts', '@@ -0,0 +1,1 @@', '+hello',
        '',
      ].join('\n'),
    );
    assert.equal(unifiedDiff({ files: new Map([['same.ts', 'same\n']]), label: 'x' }, { files: new Map([['same.ts', Buffer.from('same\n')]]), label: 'y' }), '');
  });
});

describe('learner CLI: the port to serve on', () => {
  it('is --port, else PORT as npm start reads it, else 3000; a bad one is named as typed', () => {
    assert.equal(portNamed(undefined, {}), 3000);
    assert.equal(portNamed(undefined, { PORT: '4123' }), 4123);
    assert.equal(portNamed('4200', { PORT: '4123' }), 4200);
    assert.throws(() => portNamed(undefined, { PORT: 'abc' }), (error) => error instanceof UsageError && /^PORT=abc is not a port number/.test(error.message));
  });

  it('suggests, for a taken port, a free one that is not the site\'s (3001) or the room\'s (3002)', async () => {
    const suggested = await portToSuggest(WORKSHOP_PORTS.site - 1, '127.0.0.1');
    assert.ok(suggested > WORKSHOP_PORTS.room, `suggested ${suggested}`);
    assert.ok(await portIsFree(suggested, '127.0.0.1'));
  });
});

describe('learner CLI: doctor', () => {
  it('Node.js: below the engines minimum is a problem; 22 and 24 are recommended', () => {
    assert.equal(nodeFinding('v18.20.0', '>=20.19.0').level, 'problem');
    assert.equal(nodeFinding('v20.18.9', '>=20.19.0').level, 'problem');
    const twenty = nodeFinding('v20.19.0', '>=20.19.0');
    assert.equal(twenty.level, 'advice');
    assert.match(twenty.text, /Node 20 left support in April 2026/);
    assert.match(twenty.fix ?? '', /install Node\.js 22 or 24/);
    assert.equal(nodeFinding('v23.0.0', '>=20.19.0').level, 'advice');
    assert.equal(nodeFinding('v22.1.0', '>=20.19.0').level, 'ok');
    assert.equal(nodeFinding('v24.0.0', '>=20.19.0').level, 'ok');
  });

  it('esbuild: a binary for another platform (a kit made elsewhere) is a problem with its fix; this platform\'s is fine', () => {
    const root = scratch();
    write(root, {
      'package.json': '{}',
      'node_modules/esbuild/package.json': JSON.stringify({ name: 'esbuild', version: '0.0.1', main: 'index.js' }),
      'node_modules/esbuild/index.js': `throw new Error('The package "@esbuild/${process.platform}-${process.arch}" could not be found, and is needed by esbuild.');`,
    });
    const broken = esbuildFinding(root);
    assert.equal(broken.level, 'problem');
    assert.match(broken.text, /^esbuild cannot run on this platform \(.+\): The package "@esbuild\/.+" could not be found/);
    assert.match(broken.fix ?? '', /run npm install on this laptop/);
    assert.equal(esbuildFinding(path.resolve('.')).level, 'ok');
  });

  it('git and curl: found, or a problem with where to get them', () => {
    assert.equal(toolFinding('git', 'x').level, 'ok');
    const missing = toolFinding('no-such-tool-here', 'the chapters use it');
    assert.equal(missing.level, 'problem');
    assert.match(missing.text, /^no-such-tool-here is not found \(the chapters use it\)$/);
  });

  it('disk: less than 1 GB free is a problem', () => {
    assert.equal(diskFinding(0.5 * 1024 ** 3).level, 'problem');
    assert.equal(diskFinding(5 * 1024 ** 3).level, 'ok');
  });

  it('dependencies: a package of the lockfile missing, or in another version, is a problem with its fix; another platform\'s optional one is not', () => {
    const root = scratch();
    const lockfile = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'root' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/@scope/b': { version: '2.0.0' },
        'node_modules/a/node_modules/c': { version: '3.0.0' },
        'node_modules/@esbuild/win32-x64': { version: '0.28.2', optional: true },
        'node_modules/@session-api/final': { resolved: 'final', link: true },
      },
    };
    write(root, { 'package-lock.json': JSON.stringify(lockfile), 'node_modules/a/package.json': '{ "version": "1.0.0" }', 'node_modules/a/node_modules/c/package.json': '{ "version": "2.9.0" }' });
    const finding = dependenciesFinding(root);
    assert.equal(finding.level, 'problem');
    assert.equal(finding.text, '2 packages are not installed as the lockfile says (@scope/b, c (2.9.0 instead of 3.0.0))');
    assert.match(finding.fix ?? '', /^run npm install at the root of the repository/);
    write(root, { 'node_modules/@scope/b/package.json': '{ "version": "2.0.0" }', 'node_modules/a/node_modules/c/package.json': '{ "version": "3.0.0" }' });
    assert.deepEqual(dependenciesFinding(root), { level: 'ok', text: 'dependencies: the 3 packages of the lockfile are installed' });
  });

  it('write access: a file where .workshop/ should be is a problem', () => {
    const root = scratch();
    assert.equal(writeFinding(placeOf(root)).level, 'ok');
    const blocked = scratch();
    writeFileSync(path.join(blocked, '.workshop'), 'a file, not a folder');
    const finding = writeFinding(placeOf(blocked));
    assert.equal(finding.level, 'problem');
    assert.match(finding.text, /^cannot write in .*\.workshop \((EEXIST|ENOTDIR)\)$/);
  });
});

describe('learner CLI: the offline kit\'s npm arithmetic', () => {
  const tarball = Buffer.from('a tarball');
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  const hex = createHash('sha512').update(tarball).digest('hex');

  it('finds a tarball in npm\'s cache by its integrity hash', () => {
    assert.equal(contentPath(integrity), path.join('_cacache', 'content-v2', 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4)));
  });

  it('copies a tarball between caches only when its bytes match the integrity', () => {
    const from = scratch();
    const to = scratch();
    const locked = { where: 'node_modules/a', name: 'a', version: '1.0.0', integrity, optional: false };
    assert.equal(copyTarball(locked, from, to), false, 'not in the source cache');
    write(from, { [contentPath(integrity)]: 'damaged bytes' });
    assert.equal(copyTarball(locked, from, to), false, 'damaged in the source cache');
    write(from, { [contentPath(integrity)]: tarball.toString() });
    assert.equal(copyTarball(locked, from, to), true);
  });

  it('lists the registry packages of a lockfile and writes in their download URLs (scoped, nested, aliased)', () => {
    /** @type {{ packages: Record<string, Record<string, unknown>> }} */
    const lockfile = {
      packages: {
        '': { name: 'root' },
        'node_modules/@aws-sdk/client-ssm': { version: '3.1.0', integrity },
        'node_modules/a/node_modules/b': { version: '2.0.0', integrity },
        'node_modules/serverless': { name: 'osls', version: '4.3.1', integrity },
        'node_modules/kept': { version: '1.0.0', integrity, resolved: 'https://mirror.example/kept-1.0.0.tgz' },
        'node_modules/@session-api/workshop': { resolved: 'scripts/workshop', link: true },
        'scripts/workshop': { name: '@session-api/workshop', version: '1.0.0' },
      },
    };
    assert.deepEqual(lockedPackages(lockfile).map((locked) => `${locked.name}@${locked.version}`), ['@aws-sdk/client-ssm@3.1.0', 'b@2.0.0', 'osls@4.3.1', 'kept@1.0.0']);
    const resolved = withResolvedUrls(lockfile, 'https://registry.npmjs.org/').packages;
    assert.equal(resolved['node_modules/@aws-sdk/client-ssm'].resolved, 'https://registry.npmjs.org/@aws-sdk/client-ssm/-/client-ssm-3.1.0.tgz');
    assert.equal(resolved['node_modules/a/node_modules/b'].resolved, 'https://registry.npmjs.org/b/-/b-2.0.0.tgz');
    assert.equal(resolved['node_modules/serverless'].resolved, 'https://registry.npmjs.org/osls/-/osls-4.3.1.tgz');
    assert.equal(resolved['node_modules/kept'].resolved, 'https://mirror.example/kept-1.0.0.tgz');
    assert.equal(resolved['node_modules/@session-api/workshop'].resolved, 'scripts/workshop');
    assert.equal(lockfile.packages['node_modules/a/node_modules/b']?.['resolved'], undefined, 'the original is left as it was');
    assert.equal(tarballUrl('http://127.0.0.1:4873', 'x', '1.0.0'), 'http://127.0.0.1:4873/x/-/x-1.0.0.tgz');
  });
});

describe('learner CLI: saved copies', () => {
  it('are named <time>-chapter-<M>, listed newest first, and two in one second get different names', () => {
    const place = placeOf(scratch());
    write(place.workspace, { 'package.json': '{}' });
    const noon = new Date(2026, 10, 30, 12, 0, 5);
    const first = saveWorkspace(place, 3, noon);
    const second = saveWorkspace(place, 3, noon);
    const later = saveWorkspace(place, undefined, new Date(2026, 10, 30, 12, 1, 0));
    assert.equal(first?.name, '2026-11-30_12-00-05-chapter-3');
    assert.equal(second?.name, '2026-11-30_12-00-05.2-chapter-3');
    assert.equal(later?.name, '2026-11-30_12-01-00-chapter-unknown');
    assert.deepEqual(savedCopies(place).map((copy) => [copy.name, copy.chapter]), [[later?.name, undefined], [second?.name, 3], [first?.name, 3]]);
    assert.equal(saveWorkspace(placeOf(scratch()), 1), undefined, 'an empty workspace is not saved');
  });
});

describe('learner CLI: hint levels', function () {
  this.timeout(60_000);
  it('each hint shows one level more, up to the last, which says so; the progress file never holds a hint', async () => {
    const root = scratch();
    // A check as check() in checks.mjs declares one: a mocha test with the workshop's words on it.
    const checkFile = [
      "const passes = it('passes', () => undefined);",
      "passes.workshop = { explained: 'Bind the route', hints: ['unused'] };",
      "const ping = it('GET /ping answers 200', () => undefined);",
      "ping.workshop = { explained: 'Bind the route', hints: ['a nudge', 'the file', 'the shape'] };",
    ].join('\n');
    write(root, {
      'package.json': '{}',
      'chapters/01-hello/chapter.json': JSON.stringify({ title: 'Hello', minutes: 15, sections: ['Bind the route'], steps: [{ name: 'bind-ping', section: 'Bind the route', does: 'bind it' }] }),
      'chapters/01-hello/checks/hello.check.ts': checkFile,
      'workspace/package.json': '{}',
      '.workshop/progress.json': JSON.stringify({
        version: 1,
        chapter: 1,
        chapters: {},
        hintsShown: {},
        lastVerify: { chapter: 1, at: new Date().toISOString(), results: [{ title: 'passes', state: 'passed' }, { title: 'GET /ping answers 200', state: 'failed', reason: 'GET /ping answered 404', explained: 'Bind the route' }] },
      }),
    });
    /** @param {string[]} lines */
    const hint = async (lines) => assert.equal(await main(['hint'], { cwd: root, print: (text = '') => lines.push(plain(text)) }), 0);
    /** @type {string[][]} */
    const runs = [[], [], [], []];
    for (const lines of runs) {
      await hint(lines);
      const saved = readFileSync(path.join(root, '.workshop', 'progress.json'), 'utf8');
      for (const text of ['a nudge', 'the file', 'the shape']) assert.ok(!saved.includes(text), `progress.json holds the hint "${text}"`);
    }
    assert.deepEqual(runs.map((lines) => lines.filter((line) => line.includes('Hint ')).length), [1, 2, 3, 3]);
    assert.ok(runs[0]?.includes('Hint 1 of 3: a nudge'));
    assert.ok(runs[2]?.some((line) => line.includes('Hint 3 of 3: the shape')));
    assert.match(runs[3]?.at(-1) ?? '', /That is the last hint\. The chapter explains it in "Bind the route" \(\/chapters\/01-hello#bind-the-route\)\./);
    assert.ok(runs[0]?.some((line) => line.includes('✖ Step "bind-ping": GET /ping answers 200')), 'the hint names the step');
  });

  it('for code that does not compile, hints about that error first', async () => {
    const root = scratch();
    write(root, {
      'package.json': '{}',
      'chapters/01-hello/chapter.json': JSON.stringify({ title: 'Hello', minutes: 15 }),
      'workspace/package.json': '{}',
      '.workshop/progress.json': JSON.stringify({
        version: 1,
        chapter: 1,
        chapters: {},
        hintsShown: {},
        lastVerify: { chapter: 1, at: new Date().toISOString(), cause: { kind: 'types', errors: [{ file: 'src/lib/tokens.ts', line: 12, message: "Cannot find name 'InvalidTokenError'." }] }, results: [] },
      }),
    });
    const lines = /** @type {string[]} */ ([]);
    assert.equal(await main(['hint'], { cwd: root, print: (text = '') => lines.push(plain(text)) }), 0);
    assert.ok(lines.includes('✖ Your code does not compile'), lines.join('\n'));
    assert.ok(lines.some((line) => line.includes("src/lib/tokens.ts:12: Cannot find name 'InvalidTokenError'.")));
    assert.ok(lines.some((line) => line.startsWith('Hint 1 of 3: Start with the first error')));
  });
});

describe('learner CLI: what verify checks, from where it runs', () => {
  /** A repository with two chapters and a learner on chapter 1. */
  function repository() {
    const root = scratch();
    write(root, {
      'package.json': '{}',
      'chapters/00-start/chapter.json': JSON.stringify({ title: 'Start', minutes: 0 }),
      'chapters/01-hello/chapter.json': JSON.stringify({ title: 'Hello', minutes: 15 }),
      'workspace/package.json': '{}',
      '.workshop/progress.json': JSON.stringify({ version: 1, chapter: 1, chapters: {}, hintsShown: {} }),
      'elsewhere/package.json': '{}',
    });
    const chapters = loadChapters(root);
    /** @param {string} cwd */
    const context = (cwd) => ({ root, chapters, place: placeOf(root), cwd, invokedFrom: cwd, ask: undefined, print: () => undefined, now: () => new Date() });
    return { root, context };
  }
  const shape = (/** @type {ReturnType<typeof whatToVerify>} */ what) => ({ chapter: what.chapter.number, target: what.target, learner: what.learner });

  it('in a chapter folder (its npm test): that folder, against its own chapter, not recorded', () => {
    const { root, context } = repository();
    const dir = path.join(root, 'chapters', '01-hello');
    assert.deepEqual(shape(whatToVerify(context(dir), {})), { chapter: 1, target: dir, learner: false });
  });

  it('at the root or in workspace/ (its npm test): workspace/, against the current chapter or --chapter, recorded', () => {
    const { root, context } = repository();
    const workspace = path.join(root, 'workspace');
    assert.deepEqual(shape(whatToVerify(context(root), {})), { chapter: 1, target: workspace, learner: true });
    assert.deepEqual(shape(whatToVerify(context(workspace), {})), { chapter: 1, target: workspace, learner: true });
    assert.deepEqual(shape(whatToVerify(context(root), { chapter: '0' })), { chapter: 0, target: workspace, learner: true });
  });

  it('with --target DIR (the maintainers\' form): that folder, against --chapter N or its own chapter', () => {
    const { root, context } = repository();
    assert.deepEqual(shape(whatToVerify(context(root), { target: 'elsewhere', chapter: '1' })), { chapter: 1, target: path.join(root, 'elsewhere'), learner: false });
    assert.deepEqual(shape(whatToVerify(context(root), { target: 'chapters/00-start' })), { chapter: 0, target: path.join(root, 'chapters', '00-start'), learner: false });
    assert.throws(() => whatToVerify(context(root), { target: 'elsewhere' }), (error) => error instanceof UsageError && /^Say which chapter's checks to run on .*elsewhere/.test(error.message));
    assert.throws(() => whatToVerify(context(root), { target: 'nowhere', chapter: '1' }), (error) => error instanceof UsageError && /^There is no folder .*nowhere/.test(error.message));
  });
});
