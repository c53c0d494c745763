// @ts-check
/**
 * No code that nothing checks. Every fenced code block of a page is one of:
 *
 *   <CodeFile path="final/src/lib/email.ts" region="canonical-email" />
 *                           code shown from a file of the repository (remark-code-file.mjs)
 *   ```mermaid              a diagram
 *   ```sh run               commands the docs test runs, in page order, from the root of a
 *                           scratch copy of the repository; they must succeed
 *   ```sh run background    a command that keeps running (npm start) until the page ends; it must
 *                           be followed by an output block: the test waits for that output
 *   ```text output          what the run block before it prints: each line must appear in its
 *                           output, in order (other lines may come between; "…" matches anything)
 *   ```sh needs=aws         commands that cannot run here (needs=aws, gocd or docker) or that take
 *                           minutes (needs=time): the test checks that every npm script they name exists
 *   ```sh verify            `npm run workshop -- verify`: a chapter's checks on the learner's
 *                           workspace. The docs test does not run them page by page (the chain
 *                           in npm test runs every chapter's checks, and they take minutes); the
 *                           output after it is <VerifyOutput />, rendered from the checks, and the
 *                           docs test runs one real verify to prove that rendering
 *   ```sh chain             a command the chapter's own checks run (a pipeline run, say): too slow
 *                           to run again here, and run by the chain in npm test. On a chapter's
 *                           page the build checks that a check of the chapter names the command
 *                           (remark-chapter-page.mjs); the docs test, that its npm scripts exist
 *   generated blocks        what a build plugin puts on a page from the repository (<VerifyOutput />,
 *                           <ChapterArchitecture />: remark-chapter-page.mjs)
 *
 * Anything else (a pasted TypeScript listing, an untagged shell block) fails the build. The
 * rules live here, once: the site's build (remark-checked-code.mjs) and the docs test
 * (test/pages.test.mjs) both check a page with checkBlocks().
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

/**
 * What a `needs=` block may need: one word per thing this machine (and CI) does not have, and
 * `time` for a command that needs nothing else but minutes of it (a benchmark, a long load test,
 * a suite that npm test runs in its own step already).
 */
export const NEEDS = ['aws', 'gocd', 'docker', 'time'];
/** The languages of a shell block. */
export const SHELLS = ['sh', 'bash'];

/**
 * @typedef {{lang?: string | null | undefined, meta?: string | null | undefined, value: string, position?: {start: {line: number}} | undefined, data?: object | undefined}} CodeNode
 * @typedef {{kind: 'run' | 'background', code: string, line: number, output?: {text: string, line: number}}} RunStep
 * @typedef {{kind: 'needs', reason: string, code: string, line: number}} NeedsStep
 * @typedef {{kind: 'verify', code: string, line: number}} VerifyStep
 * @typedef {{kind: 'chain', code: string, line: number}} ChainStep
 * @typedef {RunStep | NeedsStep | VerifyStep | ChainStep} Step
 */

/** What a `verify` block may hold: the learner's verify, of the current chapter or a named one. */
const VERIFY_COMMAND = /^npm run workshop -- verify(?: --chapter \d+)?$/;

/**
 * The words of a code block's meta string: `run background` → {run: true, background: true},
 * `needs=aws` → {needs: 'aws'}, `title="x y"` → {title: 'x y'}.
 * @param {string | null | undefined} meta
 * @returns {Record<string, string | true>}
 */
export function parseMeta(meta) {
  /** @type {Record<string, string | true>} */
  const words = {};
  for (const match of (meta ?? '').matchAll(/([\w-]+)(?:=(?:"([^"]*)"|(\S+)))?/g)) {
    words[match[1] ?? ''] = match[2] ?? match[3] ?? true;
  }
  return words;
}

const HOW =
  'Show code with <CodeFile path="final/…" region="…" />; tag shell blocks `run`, `run background` (followed by a ```text output block), ' +
  `\`needs=${NEEDS.join('|')}\`, \`verify\` or \`chain\`; tag sample output \`text output\` after the run block that prints it.`;

/**
 * Checks a page's code blocks, in page order, and returns what the docs test must do.
 * @param {CodeNode[]} blocks every code block of the page, in order
 * @param {(message: string, block: CodeNode) => never} fail reports a block that breaks a rule
 * @returns {Step[]}
 */
export function checkBlocks(blocks, fail) {
  /** @type {Step[]} */
  const steps = [];
  /** @type {RunStep | undefined} the run block an output block may belong to */
  let lastRun;
  for (const block of blocks) {
    const lang = block.lang ?? '';
    const meta = parseMeta(block.meta);
    const line = block.position?.start.line ?? 0;
    if ((block.data && ('codeFile' in block.data || 'generated' in block.data)) || lang === 'mermaid') {
      lastRun = undefined;
      continue;
    }
    if (SHELLS.includes(lang) && meta['run'] === true) {
      const unknown = Object.keys(meta).filter((word) => !['run', 'background', 'title'].includes(word));
      if (unknown.length > 0) fail(`unknown tag ${unknown.join(', ')} on a run block. ${HOW}`, block);
      lastRun = { kind: meta['background'] === true ? 'background' : 'run', code: block.value, line };
      steps.push(lastRun);
      continue;
    }
    if (SHELLS.includes(lang) && typeof meta['needs'] === 'string') {
      if (!NEEDS.includes(meta['needs'])) fail(`needs=${meta['needs']}: say what it needs with one of ${NEEDS.join(', ')} (add a new one to NEEDS in website/lib/code-blocks.mjs)`, block);
      steps.push({ kind: 'needs', reason: meta['needs'], code: block.value, line });
      lastRun = undefined;
      continue;
    }
    if (SHELLS.includes(lang) && meta['verify'] === true) {
      const commands = commandsOf(block.value);
      const other = commands.find((command) => !VERIFY_COMMAND.test(command));
      if (other !== undefined || commands.length === 0) fail(`a \`verify\` block holds \`npm run workshop -- verify\` only (found: ${other ?? 'nothing'}); tag other commands \`run\` or \`needs=…\``, block);
      steps.push({ kind: 'verify', code: block.value, line });
      lastRun = undefined;
      continue;
    }
    if (SHELLS.includes(lang) && meta['chain'] === true) {
      steps.push({ kind: 'chain', code: block.value, line });
      lastRun = undefined;
      continue;
    }
    if (lang === 'text' && meta['output'] === true) {
      if (!lastRun || lastRun.output) fail('this output block does not follow a `run` block: put it right after the commands that print it', block);
      lastRun.output = { text: block.value, line };
      continue;
    }
    fail(`this \`\`\`${lang || '(no language)'} block is neither shown from a file nor a tagged shell block. ${HOW}`, block);
  }
  const waiting = steps.find((step) => step.kind === 'background' && !step.output);
  if (waiting) fail('a `run background` block must be followed by a ```text output block: the output that says it is ready', /** @type {CodeNode} */ (blocks.find((block) => (block.position?.start.line ?? 0) === waiting.line)));
  return steps;
}

/**
 * The commands of a shell block: one per line, with `\` continuations joined and comments and
 * blank lines left out.
 * @param {string} code
 */
export function commandsOf(code) {
  return code
    .replace(/\s*\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * The npm scripts a shell line names, with the workspace it names if any: `npm run x`,
 * `npm run x -w final`, `npm start`, `npm test -- --function ping`.
 * @param {string} command
 * @returns {{script: string, workspace?: string}[]}
 */
export function npmScriptsOf(command) {
  /** @type {{script: string, workspace?: string}[]} */
  const found = [];
  for (const part of command.split(/&&|\|\||;|\|/)) {
    const words = part.trim().split(/\s+/);
    if (words[0] !== 'npm') continue;
    /** @type {string | undefined} */
    let workspace;
    const positional = [];
    for (let index = 1; index < words.length; index += 1) {
      const word = words[index] ?? '';
      if (word === '--') break;
      if (word === '-w' || word === '--workspace') workspace = words[(index += 1)];
      else if (word.startsWith('--workspace=')) workspace = word.slice('--workspace='.length);
      else if (!word.startsWith('-')) positional.push(word);
    }
    const [verb, name] = positional;
    const script = verb === 'run' || verb === 'run-script' ? name : ['start', 'test', 'stop', 'restart'].includes(verb ?? '') ? verb : undefined;
    if (script) found.push(workspace ? { script, workspace } : { script });
  }
  return found;
}

/**
 * The first npm script a command names that its package.json does not have (the root's, or the
 * workspace's it names), as a sentence; undefined when all exist.
 * @param {string} command
 * @param {string} repoRoot
 */
export function missingNpmScript(command, repoRoot) {
  for (const { script, workspace = '.' } of npmScriptsOf(command)) {
    const file = path.join(repoRoot, workspace, 'package.json');
    const scripts = existsSync(file) ? Object.keys(JSON.parse(readFileSync(file, 'utf8')).scripts ?? {}) : [];
    if (!scripts.includes(script)) return `${workspace === '.' ? 'the repository' : workspace} has no npm script "${script}"`;
  }
  return undefined;
}

/**
 * Whether a command's output shows the expected lines: each non-blank expected line, trimmed and
 * with runs of spaces made one, must be part of an output line, in order; "…" (or "...") in an
 * expected line matches any text.
 * @param {string} actual
 * @param {string} expected
 * @returns {string | undefined} the first expected line not found, if any
 */
export function missingOutput(actual, expected) {
  const squeeze = (/** @type {string} */ text) => text.trim().replace(/\s+/g, ' ');
  const lines = stripVTControlCharacters(actual).split('\n').map(squeeze);
  let from = 0;
  for (const wanted of expected.split('\n').map(squeeze).filter(Boolean)) {
    const pattern = new RegExp(wanted.split(/…|\.\.\./).map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
    const found = lines.findIndex((line, index) => index >= from && pattern.test(line));
    if (found < 0) return wanted;
    from = found + 1;
  }
  return undefined;
}

/**
 * What the docs test must do for one page: its source parsed as the build parses it (MDX), its
 * code blocks checked by the same rules.
 * @param {string} source the page's MDX
 * @param {string} where the page's path, for error messages
 * @returns {Step[]}
 */
export function pageSteps(source, where) {
  // A heading's own anchor, `## Title {#anchor}`, is Docusaurus's syntax, not an MDX expression:
  // Docusaurus takes it out before MDX parses the page, and so does this (lines stay where they are).
  const withoutHeadingIds = source.replace(/^(#{1,6}[ \t].*?)[ \t]*\{#[\w-]+\}[ \t]*$/gm, '$1');
  const tree = unified().use(remarkParse).use(remarkMdx).parse(withoutHeadingIds);
  /** @type {CodeNode[]} */
  const blocks = [];
  visit(tree, 'code', (node) => {
    blocks.push(node);
  });
  return checkBlocks(blocks, (message, block) => {
    throw new Error(`${where}:${block.position?.start.line ?? 0}: ${message}`);
  });
}
