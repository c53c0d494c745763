// @ts-check
/**
 * The chain and the declared-changes check, on small chapters made up for the test (their checks
 * read a file, so no local stack is needed), each proven to hold on good chapters and to fail on a
 * planted fault: a check that already passes on the chapter's start, a step no check catches, a
 * start that does not compile, a chapter that does not pass its own checks, final/ failing the
 * last chapter's checks, a file changed but not declared, and a declaration that is not a change.
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
const ANSWER = { name: 'answer', section: 'The answer', does: 'the answer' };
const QUESTION = { name: 'question', section: 'The question', does: 'the question' };

/** A check: answer.yml of the app under check must say `key: expected`, explained in `section`. */
function answerCheck(/** @type {string} */ expected, key = 'answer', section = 'The answer') {
  return `
  check('answer.yml says ${key}: ${expected}', { explained: '${section}', hints: ['Write it.'] }, () => {
    const answer = /^${key}: (.*)$/m.exec(appFile('answer.yml') ?? '')?.[1];
    if (answer !== '${expected}') throw new Error(\`answer.yml says ${key}: \${answer ?? 'nothing'}, not ${expected}\`);
  });`;
}

/** A check file of these checks. @param {string[]} checks */
const checkFile = (...checks) => `import { appFile, check } from '@session-api/workshop/checks';\n\ndescribe('the answer', () => {${checks.join('\n')}\n});\n`;

/** answer.yml with the step that writes `key: value` as a step region. */
const answerStep = (/** @type {string} */ step, /** @type {string} */ key, /** @type {string} */ value) => `# #region step:${step}\n${key}: ${value}\n# #endregion step:${step}\n`;

/**
 * @param {string} root
 * @param {string} folder e.g. "01-answer"
 * @param {{ files?: Record<string, string>, checks?: Record<string, string>, changes?: Record<string, string[]>, steps?: { name: string, section: string, does: string }[] }} content
 */
function writeChapter(root, folder, { files = {}, checks = {}, changes = {}, steps = [] }) {
  const dir = path.join(root, 'chapters', folder);
  mkdirSync(path.join(dir, 'checks'), { recursive: true });
  writeFileSync(path.join(dir, 'chapter.json'), JSON.stringify({ title: folder, minutes: 5, goals: [], sections: ['The answer', 'The question'], steps, changes }));
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
    writeChapter(root, '00-start', { files: { 'notes.txt': 'start', 'answer.yml': 'answer: 0\n' }, checks: { 'start.check.ts': checkFile(answerCheck('0')) } });
    writeChapter(root, '01-answer', {
      files: { 'notes.txt': 'start', 'answer.yml': `${answerStep('answer', 'answer', '42')}${answerStep('question', 'question', 'six by nine')}` },
      checks: { 'answer.check.ts': checkFile(answerCheck('42'), answerCheck('six by nine', 'question', 'The question')) },
      steps: [ANSWER, QUESTION],
      changes: { changed: ['answer.yml'] },
    });
    mkdirSync(path.join(root, 'final'));
    writeFileSync(path.join(root, 'final', 'notes.txt'), 'start');
    writeFileSync(path.join(root, 'final', 'answer.yml'), 'answer: 42\nquestion: six by nine\n');
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

  it('breaks when a check already passes on the chapter\'s start: it checks nothing the learner writes', async () => {
    const checks = checkFile(answerCheck('42'), answerCheck('six by nine', 'question', 'The question'), answerCheck('start', 'notes', 'The answer'));
    writeChapter(root, '01-answer', { files: { 'notes.txt': 'start', 'answer.yml': `notes: start\n${answerStep('answer', 'answer', '42')}${answerStep('question', 'question', 'six by nine')}` }, checks: { 'answer.check.ts': checks }, steps: [ANSWER, QUESTION], changes: { changed: ['answer.yml'] } });
    writeFileSync(path.join(root, 'final', 'answer.yml'), 'notes: start\nanswer: 42\nquestion: six by nine\n');
    const problems = await chainProblems();
    assert.ok(problems.some((problem) => /chapter 1 on its start: "answer.yml says notes: start" already passes on the start/.test(problem)), problems.join('\n'));
  });

  it('breaks when a step is caught by no check of its section', async () => {
    writeFileSync(path.join(root, 'chapters', '01-answer', 'checks', 'answer.check.ts'), checkFile(answerCheck('42'), answerCheck('six by nine', 'question')));
    const problems = await chainProblems();
    assert.ok(problems.some((problem) => /chapter 1 on step "question" left out: no check explains "The question", so nothing checks this step/.test(problem)), problems.join('\n'));
  });

  it('breaks when a chapter lists no step, or its start does not compile', async () => {
    writeChapter(root, '01-answer', {
      files: { 'notes.txt': 'start', 'answer.yml': 'answer: 42\nquestion: six by nine\n', 'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, include: ['src/**/*.ts'] }) },
      checks: { 'answer.check.ts': checkFile(answerCheck('42')) },
      changes: { changed: ['answer.yml'], added: ['tsconfig.json', 'src/count.ts'] },
    });
    mkdirSync(path.join(root, 'chapters', '01-answer', 'src'));
    // A step whose start leaves a function that must return a number without a return: no #start line.
    writeFileSync(path.join(root, 'chapters', '01-answer', 'src', 'count.ts'), 'export function count(): number {\n  // #region step:count\n  return 42;\n  // #endregion step:count\n}\n');
    const json = path.join(root, 'chapters', '01-answer', 'chapter.json');
    writeFileSync(json, JSON.stringify({ title: '01-answer', minutes: 5, sections: ['The answer'], steps: [] }));
    assert.ok((await chainProblems().catch((error) => [String(error)])).some((problem) => /step "count" is not in chapter\.json's "steps"/.test(problem)));
    writeFileSync(json, JSON.stringify({ title: '01-answer', minutes: 5, sections: ['The answer'], steps: [{ name: 'count', section: 'The answer', does: 'count' }] }));
    const problems = await chainProblems();
    assert.ok(problems.some((problem) => /chapter 1 on its start: the start does not compile: src\/count\.ts:1: A function whose declared type is neither/.test(problem)), problems.join('\n'));
  });

  it('breaks when a chapter fails its own checks, or final/ fails the last chapter\'s', async () => {
    writeFileSync(path.join(root, 'final', 'answer.yml'), 'answer: 41\nquestion: six by nine\n');
    const problems = await chainProblems();
    assert.ok(problems.some((problem) => /chapter 1 on final: "answer.yml says answer: 42" failed: answer.yml says answer: 41/.test(problem)), problems.join('\n'));
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
    writeChapter(root, '01-answer', { files: { 'notes.txt': 'changed without a word' }, steps: [ANSWER, QUESTION], changes: { changed: ['answer.yml'], added: ['missing.txt'] } });
    const ofChapters = checkDeclaredChanges(root).filter((finding) => finding.where.startsWith('chapters/'));
    assert.deepEqual(ofChapters.map((finding) => `${finding.where}: ${finding.problem}`), [
      'chapters/01-answer: chapters/01-answer/chapter.json declares missing.txt in changes.added, but it is not added',
      'chapters/01-answer: notes.txt is changed but chapters/01-answer/chapter.json does not declare it in changes.changed (declare it, or undo the change)',
    ]);
  });

  it('reads the chapters in order, with their sections and declared changes', () => {
    const chapters = loadChapters(root);
    assert.deepEqual(chapters.map((chapter) => [chapter.number, chapter.folder, chapter.sections]), [[0, '00-start', ['The answer', 'The question']], [1, '01-answer', ['The answer', 'The question']]]);
    assert.deepEqual(chapters[1]?.changes, { added: [], changed: ['answer.yml'], removed: [] });
    assert.deepEqual(chapters[1]?.steps.map((step) => step.name), ['answer', 'question']);
  });
});
