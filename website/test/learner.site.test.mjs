// @ts-check
/* global document, Node -- page.evaluate() runs its function in the page */
/**
 * Every chapter followed as an attendee follows it, with only what its page shows (part of
 * `npm run test:site`): in a copy of the repository, `goto N`; `verify` fails, every check of it,
 * and names every step still to write; then each step is written from the page as the built site
 * renders it in Chromium (the code block of each step, put in place of the ✍ placeholder its
 * title names, in the file its title names), never from the chapter's folder; `diff` then shows
 * nothing, and `verify` passes. These are also the chain's proofs of each chapter's start and end
 * (scripts/workshop/chain.mjs): `npm test` runs the chain's other links only.
 *
 * Before that, for every chapter: all the lines the learner writes are on the page, under the
 * section each step names (the share is printed, and must be 100 %).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { chromium } from 'playwright-core';
import { loadChapters } from '@session-api/workshop/chapters';
import { fillPlaceholder, linesToWrite, placeholdersIn } from '@session-api/workshop/steps';
import { CHROMIUM_ARGS, REPO_ROOT, chromiumPath, ensureBuild, learnerEnv, scratchCopy, serveSite } from '../lib/site.mjs';

const executablePath = chromiumPath();
const built = await ensureBuild();
if (built !== undefined) console.log(`(built the site in ${built.toFixed(0)} s)`);
const chapters = loadChapters(REPO_ROOT).filter((chapter) => chapter.steps.length > 0);

/**
 * @typedef {object} ShownStep  a step's code block as the page shows it
 * @property {string} title     e.g. "workspace/src/lib/tokens.ts · step sign-tokens, part 1 of 2"
 * @property {string} section   the level-2 heading it is under
 * @property {string} code      the code, line by line as the browser renders it
 */

/** A step block's title: the file, the step, and its part. */
const TITLE = /^workspace\/(\S+) · step ([a-z][a-z0-9-]*)(?:, part (\d+) of \d+)?$/;

describe('each chapter, followed with only what its page shows', function () {
  this.timeout(600_000);
  /** @type {import('playwright-core').Browser} */
  let browser;
  /** @type {{origin: string, stop: () => Promise<void>}} */
  let server;
  /** @type {string} */
  let repo;
  /** @type {NodeJS.ProcessEnv} */
  let env;
  /** @type {Map<number, ShownStep[]>} */
  const shown = new Map();

  before(async () => {
    server = await serveSite();
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    repo = scratchCopy({ linkNodeModules: true });
    env = learnerEnv({ TMPDIR: mkdtempSync(path.join(os.tmpdir(), 'learner-tmp-')) });
    for (const chapter of chapters) {
      const page = await browser.newPage();
      try {
        await page.goto(server.origin + chapter.page, { waitUntil: 'load' });
        // Each step block is a [data-code-region="step:…"] with its title; the section is the
        // nearest level-2 heading before it in the article.
        shown.set(
          chapter.number,
          await page.locator('article [data-code-region^="step:"]').evaluateAll((blocks) =>
            blocks.map((block) => {
              /** @type {Element | null} */
              let heading = null;
              for (const candidate of Array.from(document.querySelectorAll('article h2'))) {
                if (candidate.compareDocumentPosition(block) & Node.DOCUMENT_POSITION_FOLLOWING) heading = candidate;
              }
              return {
                title: block.querySelector('[class*="codeBlockTitle"]')?.textContent?.trim() ?? '',
                section: (heading?.textContent ?? '').replace(/\u200b/g, '').trim(),
                code: Array.from(block.querySelectorAll('pre code .token-line'), (line) => line.textContent ?? '').join('\n'),
              };
            }),
          ),
        );
      } finally {
        await page.close();
      }
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
    if (env?.['TMPDIR']) rmSync(env['TMPDIR'], { recursive: true, force: true });
  });

  it('finds chapters with steps to write', () => {
    assert.ok(chapters.length >= 1, 'no chapter has steps');
  });

  for (const chapter of chapters) {
    it(`chapter ${chapter.number}: every line to write is on its page, under the section of its step`, () => {
      const blocks = shown.get(chapter.number) ?? [];
      const { total, steps } = linesToWrite(chapter);
      let onPage = 0;
      for (const step of chapter.steps) {
        const own = blocks.filter((block) => TITLE.exec(block.title)?.[2] === step.name);
        assert.ok(own.length > 0, `chapter ${chapter.number}'s page shows no code of step "${step.name}"`);
        for (const block of own) assert.equal(block.section, step.section, `step "${step.name}" is shown under "${block.section}", not "${step.section}"`);
        const lines = own.flatMap((block) => block.code.split('\n')).filter((line) => line.trim() !== '').length;
        onPage += Math.min(lines, steps.find((candidate) => candidate.name === step.name)?.lines ?? 0);
      }
      const share = total === 0 ? 100 : (100 * onPage) / total;
      console.log(`      chapter ${chapter.number}: ${onPage} of ${total} lines to write are on its page (${share.toFixed(0)} %)`);
      assert.equal(onPage, total, `chapter ${chapter.number}: ${total - onPage} lines to write are not on its page`);
    });

    it(`chapter ${chapter.number}: goto, verify names the steps, the steps written from the page, diff shows nothing, verify passes`, () => {
      const workshop = (/** @type {string[]} */ ...args) => {
        const run = spawnSync('npm', ['run', '--silent', 'workshop', '--', ...args], { cwd: repo, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        return { status: run.status, output: `${run.stdout}${run.stderr}` };
      };
      const goto = workshop('goto', String(chapter.number), '--yes');
      assert.equal(goto.status, 0, goto.output);

      const before = workshop('verify');
      assert.equal(before.status, 1, `verify passes on the start of chapter ${chapter.number}:\n${before.output}`);
      for (const step of chapter.steps) assert.match(before.output, new RegExp(`- "${step.name}" in `), `verify does not name step "${step.name}":\n${before.output}`);
      // Every check fails on the start (the chain's proof for npm test, made here with verify
      // itself): one that passed there would check nothing the learner writes.
      const { lastVerify } = JSON.parse(readFileSync(path.join(repo, '.workshop', 'progress.json'), 'utf8'));
      assert.ok(!lastVerify.cause, `the start of chapter ${chapter.number} does not compile:\n${before.output}`);
      assert.ok(lastVerify.results.length > 0, `no check ran on the start of chapter ${chapter.number}:\n${before.output}`);
      const passing = lastVerify.results.filter((/** @type {{ state: string }} */ result) => result.state !== 'failed').map((/** @type {{ title: string }} */ result) => result.title);
      assert.deepEqual(passing, [], `checks of chapter ${chapter.number} that do not fail on its start`);

      const workspace = path.join(repo, 'workspace');
      for (const block of shown.get(chapter.number) ?? []) {
        const [, file = '', step = '', part = '1'] = TITLE.exec(block.title) ?? [];
        assert.ok(file, `a step block's title does not say where its code goes: "${block.title}"`);
        const text = readFileSync(path.join(workspace, file), 'utf8');
        const placeholder = placeholdersIn(text).find((candidate) => candidate.step === step && candidate.part === Number(part));
        assert.ok(placeholder, `workspace/${file} has no placeholder for step "${step}" part ${part}, which the page's block "${block.title}" fills`);
        writeFileSync(path.join(workspace, file), fillPlaceholder(text, placeholder, block.code.split('\n')));
      }
      const diff = workshop('diff');
      assert.match(diff.output, /No difference: workspace\/ is the solution/, `the page's code is not the solution:\n${diff.output.slice(0, 4000)}`);

      const afterwards = workshop('verify');
      assert.equal(afterwards.status, 0, `verify fails with the steps written from the page:\n${afterwards.output}`);
    });
  }
});
