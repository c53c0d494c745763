/**
 * The website's weight: what the built site takes on disk, and what a reader's first visit to a
 * page downloads, measured in Debian's Chromium (a fresh browser context per page, so nothing is
 * cached) on the built site served as `npm run docs` serves it.
 *
 * - `site-size`: every file of website/build. Floor: its pages' HTML alone, the same pages as a
 *   site without JavaScript, search or diagrams would be; the ratio is what those cost on top.
 * - `site-first-visit`: the heaviest page's first visit, every response body gzip-compressed as
 *   any static host sends it (headers not counted). Floor: the budget the website's issue sets,
 *   1 MB (1000 KiB, read strictly), so the target ratio ≤ 1 means "within budget".
 * - `site-first-visit-raw`: the same visit uncompressed, as `npm run docs` serves it on the
 *   reader's own laptop (where bytes cost no Wi-Fi). Floor: that page's HTML document alone.
 *
 * The site is built first unless website/build is newer than every file of the repository.
 */
import { gzipSync } from 'node:zlib';
import { figure, type Figure } from './figures';

const KiB = 1024;
const BUDGET_KIB = 1000; // "1 MB", read strictly

interface Visit {
  page: string;
  rawBytes: number;
  gzipBytes: number;
  documentBytes: number;
}

export async function measureSite(): Promise<Figure[]> {
  const site = await import('@session-api/website/lib/site.mjs');
  const { chromium } = await import('playwright-core');
  const executablePath = site.chromiumPath();
  await site.ensureBuild();
  const htmlBytes = site.sitePages().reduce((sum, page) => sum + site.pageHtmlBytes(page), 0);

  const server = await site.serveSite();
  const browser = await chromium.launch({ executablePath, headless: true, args: site.CHROMIUM_ARGS });
  const visits: Visit[] = [];
  try {
    for (const page of site.sitePages()) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      const bodies: Promise<{ bytes: Buffer; document: boolean }>[] = [];
      tab.on('response', (response) => {
        bodies.push(response.body().then((bytes) => ({ bytes, document: response.request().resourceType() === 'document' }), () => ({ bytes: Buffer.alloc(0), document: false })));
      });
      await tab.goto(server.origin + page, { waitUntil: 'networkidle' });
      const loaded = await Promise.all(bodies);
      visits.push({
        page,
        rawBytes: loaded.reduce((sum, body) => sum + body.bytes.length, 0),
        gzipBytes: loaded.reduce((sum, body) => sum + gzipSync(body.bytes).length, 0),
        documentBytes: loaded.find((body) => body.document)?.bytes.length ?? 0,
      });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }

  const heaviest = visits.reduce((a, b) => (b.gzipBytes > a.gzipBytes ? b : a));
  return [
    figure('site-size', site.buildBytes() / KiB, 'KiB', htmlBytes / KiB),
    figure(`site-first-visit ${heaviest.page}`, heaviest.gzipBytes / KiB, 'KiB gzip', BUDGET_KIB, 1),
    figure(`site-first-visit-raw ${heaviest.page}`, heaviest.rawBytes / KiB, 'KiB', heaviest.documentBytes / KiB),
  ];
}
