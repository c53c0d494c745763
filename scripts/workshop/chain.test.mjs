// @ts-check
/**
 * The chain and the declared-changes check, on small chapters made up for the test (their checks
 * read a file, so no local stack is needed), each proven to hold on good chapters and to fail on a
 * planted fault: a chapter whose new check already passes before the chapter, a chapter that does
 * not pass its own checks, final/ failing the last chapter's checks, a file changed but not
 * declared, and a declaration that is not a change.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChain } from './chain.mjs';
import { loadChapters } from './chapters.mjs';
import { checkDeclaredChanges } from './declared.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A check file: `answer.txt` of the app under check must hold `expected`. */
function answerCheck(/** @type {string} */ expected) {
  return `import { appFile, check } from '@session-api/workshop/checks';

describe('the answer', () => {
  check('answer.txt holds ${expected}', { explained: 'The answer', hints: ['Write it.'] }, () => {
    const answer = appFile('answer.txt')?.trim();
    if (answer !== '${expected}') throw new Error(\`answer.txt holds \${answer ?? 'nothing'}, not ${expected}\`);
  });
});
`;
}

/**
 * @param {string} root
 * @param {string} folder e.g. "01-answer"
 * @param {{ files?: Record<string, string>, checks?: Record<string, string>, changes?: Record<string, string[]> }} content
 */
function writeChapter(root, folder, { files = {}, checks = {}, changes = {} }) {
  const dir = path.join(root, 'chapters', folder);
  mkdirSync(path.join(dir, 'checks'), { recursive: true });
  writeFileSync(path.join(dir, 'chapter.json'), JSON.stringify({ title: folder, minutes: 5, goals: [], sections: ['The answer'], changes }));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  for (const [name, text] of Object.entries(checks)) writeFileSync(path.join(dir, 'checks', name), text);
}

describe('chapters: the chain and the declared changes, on planted faults', function () {
  this.timeout(120_000);
  /** @type {string} */
  let root;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'chapters chain '));
    writeFileSync(path.join(root, 'package.json'), '{"private":true}');
    // The checks import @session-api/workshop/checks, found where the repository installed it.
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'junction');
    writeChapter(root, '00-start', { files: { 'notes.txt': 'start', 'answer.txt': '0' }, checks: { 'start.check.ts': answerCheck('0') } });
    writeChapter(root, '01-answer', { files: { 'notes.txt': 'start', 'answer.txt': '42' }, checks: { 'answer.check.ts': answerCheck('42') }, changes: { changed: ['answer.txt'] } });
    mkdirSync(path.join(root, 'final'));
    writeFileSync(path.join(root, 'final', 'notes.txt'), 'start');
    writeFileSync(path.join(root, 'final', 'answer.txt'), '42');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** @returns {Promise<string[]>} every problem of every link */
  async function chainProblems() {
    const links = await runChain({ root });
    assert.ok(links.length >= 3, 'the chain ran its links');
    return links.flatMap((link) => link.problems.map((problem) => `chapter ${link.chapter} on ${link.on}: ${problem}`));
  }

  it('holds on chapters whose checks fail before and pass after, and on a final/ that passes the last', async () => {
    assert.deepEqual(await chainProblems(), []);
    assert.deepEqual(checkDeclaredChanges(root), []);
  });

  it('breaks when a chapter\'s new check already passes on the chapter before', async () => {
    writeFileSync(path.join(root, 'chapters', '00-start', 'answer.txt'), '42');
    writeChapter(root, '01-answer', { changes: {} });
    const problems = await chainProblems();
    assert.ok(problems.some((problem) => /chapter 1 on chapters\/00-start: "answer.txt holds 42" already passes before the chapter/.test(problem)), problems.join('\n'));
  });

  it('breaks when a chapter fails its own checks, or final/ fails the last chapter\'s', async () => {
    writeFileSync(path.join(root, 'final', 'answer.txt'), '41');
    const problems = await chainProblems();
    assert.ok(problems.some((problem) => /chapter 1 on final: "answer.txt holds 42" failed: answer.txt holds 41/.test(problem)), problems.join('\n'));
  });

  it('breaks when a chapter has no check that could run', async () => {
    writeFileSync(path.join(root, 'chapters', '01-answer', 'checks', 'answer.check.ts'), 'this is not TypeScript (');
    const problems = await chainProblems();
    assert.ok(problems.some((problem) => /no check ran/.test(problem)), problems.join('\n'));
  });

  it('finds a file changed in final/ but not declared beyond the slot, and declared globs cover what they name', () => {
    writeFileSync(path.join(root, 'final', 'notes.txt'), 'a fix made in final/ only');
    writeFileSync(path.join(root, 'final', 'extra.txt'), 'beyond the slot');
    assert.deepEqual(checkDeclaredChanges(root).map((finding) => finding.problem), [
      'extra.txt is added but final/beyond-the-slot.json does not declare it in changes.added (declare it, or undo the change)',
      'notes.txt is changed but final/beyond-the-slot.json does not declare it in changes.changed (declare it, or undo the change)',
    ]);
    writeFileSync(path.join(root, 'final', 'beyond-the-slot.json'), JSON.stringify({ changes: { added: ['*.txt'] } }));
    assert.deepEqual(checkDeclaredChanges(root).map((finding) => finding.problem), [
      'notes.txt is changed but final/beyond-the-slot.json does not declare it in changes.changed (declare it, or undo the change)',
    ]);
  });

  it('finds a chapter change that is not declared, and a declaration that is not a change', () => {
    writeChapter(root, '01-answer', { files: { 'notes.txt': 'changed without a word' }, changes: { changed: ['answer.txt'], added: ['missing.txt'] } });
    const ofChapters = checkDeclaredChanges(root).filter((finding) => finding.where.startsWith('chapters/'));
    assert.deepEqual(ofChapters.map((finding) => `${finding.where}: ${finding.problem}`), [
      'chapters/01-answer: chapters/01-answer/chapter.json declares missing.txt in changes.added, but it is not added',
      'chapters/01-answer: notes.txt is changed but chapters/01-answer/chapter.json does not declare it in changes.changed (declare it, or undo the change)',
    ]);
  });

  it('reads the chapters in order, with their sections and declared changes', () => {
    const chapters = loadChapters(root);
    assert.deepEqual(chapters.map((chapter) => [chapter.number, chapter.folder, chapter.sections]), [[0, '00-start', ['The answer']], [1, '01-answer', ['The answer']]]);
    assert.deepEqual(chapters[1]?.changes, { added: [], changed: ['answer.txt'], removed: [] });
  });
});
