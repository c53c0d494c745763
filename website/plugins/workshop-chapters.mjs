// @ts-check
/**
 * A Docusaurus plugin that reads the chapters' metadata (chapters/NN-name/chapter.json) at build
 * time and hands the agenda to the pages as global data: <Agenda /> shows it.
 */
import path from 'node:path';
import { agenda, loadChapters } from '../lib/chapters.mjs';

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
      return agenda(loadChapters(repoRoot));
    },
    async contentLoaded({ content, actions }) {
      actions.setGlobalData(content);
    },
    getPathsToWatch() {
      return [path.join(repoRoot, 'chapters/*/chapter.json')];
    },
  };
}
