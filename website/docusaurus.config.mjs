// @ts-check
/**
 * The workshop's website (Docusaurus 3). Everything it shows is built from the repository:
 * code comes from the files the tests run (<CodeFile>), shell blocks are run by the docs test,
 * the agenda comes from each chapter's chapter.json. Nothing is fetched from the internet, so the
 * built site works with the network off.
 *
 *   npm run docs          build, then serve the built site at http://localhost:3001
 *   npm run docs:dev      write with hot reload (search works only on the built site)
 *   npm run docs:build    the static site, in website/build
 */
import { fileURLToPath } from 'node:url';
import { themes as prismThemes } from 'prism-react-renderer';
import remarkChapterPage from './plugins/remark-chapter-page.mjs';
import remarkCheckedCode from './plugins/remark-checked-code.mjs';
import remarkCodeFile from './plugins/remark-code-file.mjs';
import leanCommonChunk from './plugins/lean-common-chunk.mjs';
import repositoryFacts from './plugins/repository-facts.mjs';
import sourceDependencies from './plugins/source-dependencies.mjs';
import workshopChapters from './plugins/workshop-chapters.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'Session API workshop',
  tagline: 'Build and ship a serverless Session API in TypeScript, step by step',
  favicon: 'img/favicon.svg',
  // The site is read on localhost (npm run docs); set these when you host it somewhere.
  url: 'http://localhost:3001',
  baseUrl: '/',

  // A broken link, anchor or route fails the build instead of reaching a reader.
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  onDuplicateRoutes: 'throw',
  markdown: {
    mermaid: true,
    hooks: { onBrokenMarkdownLinks: 'throw', onBrokenMarkdownImages: 'throw' },
  },
  i18n: { defaultLocale: 'en', locales: ['en'] },
  // Rspack, SWC and Lightning CSS (@docusaurus/faster) instead of webpack and Babel: the same
  // site, built in a fraction of the time, which a fresh clone's `npm test` pays on every run.
  future: { v4: { removeLegacyPostBuildHeadAttribute: true }, faster: true },

  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */ ({
        docs: {
          routeBasePath: '/',
          sidebarPath: './sidebars.mjs',
          // Before Docusaurus's own plugins, so that they see the code blocks as written.
          beforeDefaultRemarkPlugins: [
            [remarkChapterPage, { repoRoot }],
            [remarkCodeFile, { repoRoot }],
            [remarkCheckedCode, { repoRoot }],
          ],
        },
        blog: false,
        pages: false,
        // The sitemap would list http://localhost:3001 addresses: nothing to gain on a local site.
        sitemap: false,
        theme: { customCss: './src/css/custom.css' },
      }),
    ],
  ],
  themes: [
    '@docusaurus/theme-mermaid',
    [
      // Search that runs in the browser on an index built with the site: works offline.
      '@easyops-cn/docusaurus-search-local',
      {
        hashed: true,
        language: ['en'],
        docsRouteBasePath: '/',
        indexBlog: false,
        indexPages: false,
        explicitSearchResultPath: true,
      },
    ],
  ],
  plugins: [[workshopChapters, { repoRoot }], [repositoryFacts, { repoRoot }], [sourceDependencies, { repoRoot }], leanCommonChunk],

  themeConfig: /** @type {import('@docusaurus/preset-classic').ThemeConfig} */ ({
    colorMode: { respectPrefersColorScheme: true },
    navbar: {
      title: 'Session API workshop',
      logo: { alt: '', src: 'img/favicon.svg' },
      items: [{ type: 'docSidebar', sidebarId: 'workshop', position: 'left', label: 'Workshop' }],
    },
    footer: {
      style: 'dark',
      copyright: 'Session API workshop · MIT licence · built from the tested files of its repository',
    },
    prism: {
      theme: prismThemes.github,
      darkTheme: prismThemes.dracula,
      additionalLanguages: ['bash'],
    },
  }),
};

export default config;
