// @ts-check
/**
 * A Docusaurus plugin that reads the chapters' metadata (chapters/NN-name/chapter.json) at build
 * time and hands the agenda to the pages as global data: <Agenda /> shows it, each chapter linked
 * to its page.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadChapters } from '@session-api/workshop/chapters';
import { agenda } from '../lib/chapters.mjs';

/**
 * @param {import('@docusaurus/types').LoadContext} _context
 * @param {unknown} options {repoRoot: the repository's root folder}
 * @returns {import('@docusaurus/types').Plugin}
 */
export default function workshopChapters(_context, options) {
  const repoRoot = /** @type {{repoRoot?: unknown}} */ (options ?? {}).repoRoot;
  if (typeof repoRoot !== 'string') throw new Error('workshop-chapters: give the repository root as the repoRoot option');
  return {
    name: 'workshop-chapters',
    async loadContent() {
      const chapters = loadChapters(repoRoot);
      const shown = agenda(chapters);
      // Each row links to its chapter's page (the route `workshop verify` names), once it is written.
      const pages = new Map(chapters.map((chapter) => [chapter.folder, chapter.page]));
      const written = (/** @type {string} */ folder) => existsSync(path.join(repoRoot, 'website/docs/chapters', `${folder}.mdx`));
      return { ...shown, chapters: shown.chapters.map((chapter) => ({ ...chapter, ...(written(chapter.folder) ? { page: pages.get(chapter.folder) } : {}) })) };
    },
    async contentLoaded({ content, actions }) {
      actions.setGlobalData(content);
    },
    getPathsToWatch() {
      return [path.join(repoRoot, 'chapters/*/chapter.json'), path.join(repoRoot, 'website/docs/chapters/*.mdx')];
    },
  };
}
