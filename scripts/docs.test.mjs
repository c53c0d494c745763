// @ts-check
/**
 * The docs never hold code that nothing checks. Every fenced code block in the repository's
 * Markdown files must be one of:
 * - a diagram (mermaid) or plain text output (text);
 * - shell commands: every `npm run X` names a script that exists, every `npm test -- --function F`
 *   a function that exists, and any other command appears verbatim in a file of the repository
 *   (a script or a test that runs it);
 * - code (ts, js, yaml, json, ...): its lines appear, in order, in a tracked file that is not
 *   Markdown, so the snippet is a piece of code that the tests run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && existsSync(path.join(root, file)) && !file.includes('/fixtures/'));
const markdownFiles = tracked.filter((file) => file.endsWith('.md'));
const sourceTexts = tracked
  .filter((file) => !/\.mdx?$/.test(file) && !file.endsWith('package-lock.json') && !/\.(png|jpg|ico|zip|svg)$/.test(file))
  .map((file) => ({ file, lines: readFileSync(path.join(root, file), 'utf8').split('\n').map((line) => line.trim()) }));

/** @param {string} markdown */
export function codeBlocks(markdown) {
  const blocks = [];
  const fence = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```\s*$/gm;
  for (let match = fence.exec(markdown); match; match = fence.exec(markdown)) {
    blocks.push({ language: match[1] ?? '', code: match[2] ?? '', line: markdown.slice(0, match.index).split('\n').length });
  }
  return blocks;
}

/** @param {string[]} snippet @returns {string | undefined} the file holding these lines in order */
function fileContaining(snippet) {
  const wanted = snippet.map((line) => line.trim()).filter((line) => line.length > 0);
  return sourceTexts.find(({ lines }) => {
    const start = lines.indexOf(wanted[0] ?? '');
    if (start < 0) return false;
    let at = start;
    return wanted.every((line) => {
      const found = lines.indexOf(line, at);
      if (found < 0) return false;
      at = found + 1;
      return true;
    });
  })?.file;
}

/** @param {string} workspace */
function scriptsOf(workspace) {
  const file = path.join(root, workspace, 'package.json');
  return existsSync(file) ? Object.keys(JSON.parse(readFileSync(file, 'utf8')).scripts ?? {}) : [];
}

const functionNames = existsSync(path.join(root, 'final/src/functions'))
  ? execFileSync('ls', ['final/src/functions'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean)
  : [];

/**
 * @param {string} command one shell command line
 * @param {string} markdownFile where it is shown (its folder is the workspace it runs in)
 * @returns {string | undefined} what is wrong with it
 */
function checkCommand(command, markdownFile) {
  const workspace = path.dirname(markdownFile);
  for (const part of command.split(/&&|\|\||;/).map((piece) => piece.trim())) {
    const run = /^npm run ([\w:.-]+)/.exec(part);
    if (run) {
      const known = [...scriptsOf('.'), ...scriptsOf(workspace)];
      if (!known.includes(run[1] ?? '')) return `npm script "${run[1]}" does not exist`;
      const fn = /--function[= ]+([\w-]+)/.exec(part)?.[1];
      if (fn && !functionNames.includes(fn)) return `function "${fn}" does not exist`;
      continue;
    }
    if (/^npm (install|ci|test|start)\b/.test(part)) {
      const fn = /--function[= ]+([\w-]+)/.exec(part)?.[1];
      if (fn && !functionNames.includes(fn)) return `function "${fn}" does not exist`;
      continue;
    }
    if (!fileContaining([part])) return `"${part}" is not run by any file of the repository`;
  }
  return undefined;
}

describe('docs: every code block is checked code', () => {
  it('finds the Markdown files', () => assert.ok(markdownFiles.includes('README.md')));

  for (const markdownFile of markdownFiles) {
    // Diagrams and sample output are not code: there is nothing to run.
    const blocks = codeBlocks(readFileSync(path.join(root, markdownFile), 'utf8')).filter((block) => !['mermaid', 'text'].includes(block.language));
    for (const block of blocks) {
      it(`${markdownFile}:${block.line} (${block.language || 'no language'})`, () => {
        if (['sh', 'bash', 'shell', 'console'].includes(block.language)) {
          const commands = block.code.split('\n').map((line) => line.replace(/^\$ /, '').trim()).filter((line) => line && !line.startsWith('#'));
          for (const command of commands) assert.equal(checkCommand(command, markdownFile), undefined, command);
          return;
        }
        assert.ok(block.language, 'give every code block a language (sh, ts, yaml, text, mermaid, ...)');
        assert.ok(fileContaining(block.code.split('\n')), `this ${block.language} block is not a piece of any file of the repository: copy it from the file that a test runs`);
      });
    }
  }
});
