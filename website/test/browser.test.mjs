// @ts-check
/* global document, window -- page.evaluate() runs its function in the page */
/**
 * The website in a real browser (`npm run test:site`): Debian's Chromium, driven by
 * playwright-core, on the built site served as `npm run docs` serves it. For every page:
 * it loads without a console error or a failed request, and no request leaves this machine; the
 * code it shows is the file's region, character for character; every diagram became an SVG;
 * nothing is wider than a phone's screen. The search box finds the right page. A screenshot of
 * each page goes to website/screenshots/ (ignored by git) for a human to look at.
 *
 * It builds the site first (before mocha collects the tests, so it knows the pages), unless
 * website/build is newer than every file of the repository.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { chromium } from 'playwright-core';
import { loadChapters } from '@session-api/workshop/chapters';
import { anchorOf } from '@session-api/workshop/verify';
import { GOING_FURTHER, appChanges } from '../lib/chapter-pages.mjs';
import { readRegion } from '@session-api/workshop/regions';
import { CHROMIUM_ARGS, REPO_ROOT, WEBSITE, chromiumPath, ensureBuild, outsideFetches, serveSite, sitePages } from '../lib/site.mjs';

/** What a reader types in the search box, and the page the first suggestion must open. */
const SEARCHES = [
  { query: 'port 3000 is taken', page: '/troubleshooting' },
  { query: 'bad indentation of a mapping entry', page: '/troubleshooting' },
  { query: 'x-koms-clientid', page: '/from-2016-to-today' },
  { query: 'refresh token reuse', page: '/chapters/05-refresh-and-log-out' },
  { query: 'least privilege', page: '/chapters/08-deploy' },
];

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SCREENSHOTS = path.join(WEBSITE, 'screenshots');

/** @param {string} url */
const isLocal = (url) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
};

const executablePath = chromiumPath();
const built = await ensureBuild();
if (built !== undefined) console.log(`(built the site in ${built.toFixed(0)} s)`);
const pages = sitePages();
const chapters = loadChapters(REPO_ROOT);

describe('the website in Chromium', function () {
  this.timeout(600_000);
  /** @type {import('playwright-core').BrowserContext} */
  let browser;
  /** @type {{origin: string, stop: () => Promise<void>}} */
  let server;
  /** @type {string} */
  let profile;
  /** @type {string[]} every request that tried to leave this machine */
  const outside = [];

  before(async () => {
    server = await serveSite();
    // A fresh profile each run: no cache, no cookies, no state from an earlier run.
    profile = mkdtempSync(path.join(os.tmpdir(), 'site-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, viewport: DESKTOP });
    // Any request to another host is refused and remembered: the site must work offline.
    await browser.route('**/*', (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('the built HTML and CSS make a browser fetch nothing from outside the site', () => {
    assert.deepEqual(outsideFetches(), []);
  });

  it('finds the pages of the built site', () => {
    assert.ok(pages.length >= 4, `expected at least the home, setup, 2016 and search pages, found ${pages.join(', ')}`);
  });

  let codeShown = 0;
  let diagramsShown = 0;
  let chapterPagesChecked = 0;

  for (const pagePath of pages) {
    it(`${pagePath}: loads cleanly, shows the files' code, draws its diagrams, fits a phone${chapters.some((chapter) => chapter.page === pagePath) ? ', has the sections verify names' : ''}`, async () => {
      const page = await browser.newPage();
      /** @type {string[]} */
      const problems = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      const before = outside.length;
      try {
        await page.setViewportSize(DESKTOP);
        await page.goto(server.origin + pagePath, { waitUntil: 'networkidle' });

        // Every diagram becomes an SVG (mermaid draws them in the browser).
        const diagrams = page.locator('[data-diagram]');
        const diagramCount = await diagrams.count();
        for (let index = 0; index < diagramCount; index += 1) {
          await diagrams.nth(index).locator('svg').first().waitFor({ state: 'visible', timeout: 30_000 });
        }
        diagramsShown += diagramCount;

        // The code shown is the file's region, exactly.
        const blocks = await page.locator('[data-code-file]').evaluateAll((elements) =>
          elements.map((element) => ({
            file: element.getAttribute('data-code-file') ?? '',
            region: element.getAttribute('data-code-region') ?? undefined,
            // Prism shows each line of the code as one .token-line.
            shown: Array.from(element.querySelectorAll('pre code .token-line'), (line) => line.textContent ?? '').join('\n'),
          })),
        );
        for (const block of blocks) {
          const expected = readRegion(REPO_ROOT, block.file, block.region);
          assert.equal(block.shown, expected, `${pagePath}: ${block.file}${block.region ? ` (region ${block.region})` : ''} is not shown as it is in the file`);
        }
        codeShown += blocks.length;

        // A chapter's page: a heading where `workshop verify` sends learners ("See '<section>' in
        // chapter N: <page>#<anchor>"), and the files the chapter changes.
        const chapter = chapters.find((candidate) => candidate.page === pagePath);
        if (chapter) {
          for (const section of chapter.sections) {
            const heading = page.locator(`h2[id="${anchorOf(section)}"]`);
            assert.equal(await heading.count(), 1, `${pagePath}#${anchorOf(section)}: no heading "${section}"`);
            assert.equal((await heading.innerText()).replace(/\u200b|#$/g, '').trim(), section);
          }
          const previous = chapters[chapters.indexOf(chapter) - 1];
          const rows = await page.locator('table[data-chapter-changes] tbody tr td:first-child').allInnerTexts();
          assert.deepEqual(rows, appChanges(previous?.dir, chapter.dir).map((change) => change.file), `${pagePath}: what changed`);
          chapterPagesChecked += 1;
        }

        const name = pagePath === '/' ? 'home' : pagePath.slice(1).replace(/\//g, '-');
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

        // At a phone's width nothing makes the page scroll sideways.
        await page.setViewportSize(PHONE);
        await page.waitForTimeout(300);
        const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
        assert.ok(widths.page <= widths.screen, `${pagePath}: at ${PHONE.width} px wide the page is ${widths.page} px wide: something does not fit a phone`);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.phone.png`), fullPage: true });

        assert.deepEqual(problems, [], `${pagePath}: problems while loading`);
        assert.deepEqual(outside.slice(before), [], `${pagePath}: requests that left this machine`);
      } finally {
        await page.close();
      }
    });
  }

  it('has a page for every chapter, and for final/, where `workshop verify` and the agenda send learners', async () => {
    assert.ok(chapters.length > 0, 'no chapters found');
    for (const chapter of chapters) assert.ok(pages.includes(chapter.page), `no page at ${chapter.page} for chapters/${chapter.folder}`);
    assert.ok(pages.includes(GOING_FURTHER.page), `no page at ${GOING_FURTHER.page} for final/`);
    const page = await browser.newPage();
    try {
      await page.goto(server.origin + '/', { waitUntil: 'networkidle' });
      const links = await page.locator('table[data-agenda="chapters"] tbody a').evaluateAll((anchors) => anchors.map((anchor) => new URL(/** @type {HTMLAnchorElement} */ (anchor).href).pathname));
      assert.deepEqual(links, chapters.map((chapter) => chapter.page), 'each row of the agenda links to its chapter\'s page');
    } finally {
      await page.close();
    }
  });

  it('showed code from files and drew diagrams (so the checks above checked something)', () => {
    assert.ok(codeShown > 0, 'no page showed code from a file');
    assert.ok(diagramsShown > 0, 'no page had a diagram');
    assert.equal(chapterPagesChecked, chapters.length, 'every chapter\'s page had its sections and changes checked');
  });

  for (const { query, page: expected } of SEARCHES) {
    it(`search: "${query}" finds ${expected}`, async () => {
      const page = await browser.newPage();
      try {
        await page.goto(server.origin + '/', { waitUntil: 'networkidle' });
        await page.locator('input.navbar__search-input').fill(query);
        const first = page.locator('[role="option"]').first();
        await first.waitFor({ state: 'visible', timeout: 15_000 });
        await first.click();
        await page.waitForURL((url) => url.pathname.replace(/\/$/, '') === expected.replace(/\/$/, ''), { timeout: 15_000 });
      } finally {
        await page.close();
      }
    });
  }

  it('sent no request off this machine', () => {
    assert.deepEqual(outside, []);
  });
});
