// @ts-check
/**
 * Keeps a page's build in step with the repository files it shows. Docusaurus keeps webpack's
 * persistent cache between builds (node_modules/.cache/webpack), and webpack rebuilds a page only
 * when one of its dependencies changed: the .mdx file, and the files its loaders name. The build
 * plugins that read repository files (remark-code-file.mjs for <CodeFile />, remark-chapter-page.mjs
 * for a chapter's page) cannot name them, so without this a changed region was still shown as it
 * was until the page itself changed. A small loader in front of the MDX loader
 * (source-dependencies-loader.cjs) names them: each <CodeFile> file, and for a chapter's page the
 * files and folders of the chapter, of the chapter before it and what its parts read.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { appFiles } from '@session-api/workshop/chapters';
import { pageSubject } from '../lib/chapter-pages.mjs';

const require = createRequire(import.meta.url);

/**
 * The repository files and folders a page's build reads.
 * @param {string} repoRoot
 * @param {string} pagePath the page's file
 * @param {string} source the page's text
 * @returns {{files: string[], folders: string[]}}
 */
export function pageDependencies(repoRoot, pagePath, source) {
  const files = [...source.matchAll(/<CodeFile\s[^>]*?\bpath="([^"]+)"/g)].map((match) => path.join(repoRoot, match[1] ?? ''));
  /** @type {string[]} */
  const folders = [];
  const subject = pageSubject(repoRoot, path.basename(pagePath, path.extname(pagePath)));
  if (subject) {
    for (const dir of [subject.dir, subject.previous?.dir]) {
      if (!dir) continue;
      folders.push(dir);
      files.push(...appFiles(dir, { chapter: false }).map((file) => path.join(dir, file)));
    }
    // The architecture reads final/'s roles; the quoted failures, the checks' shared helpers.
    files.push(path.join(repoRoot, 'final/infra/iam-roles.yml'), require.resolve('@session-api/workshop/checks'));
  }
  return { files: files.filter((file) => existsSync(file)), folders };
}

/**
 * @param {import('@docusaurus/types').LoadContext} context
 * @param {unknown} options {repoRoot: the repository's root folder}
 * @returns {import('@docusaurus/types').Plugin}
 */
export default function sourceDependencies(context, options) {
  const repoRoot = /** @type {{repoRoot?: unknown}} */ (options ?? {}).repoRoot;
  if (typeof repoRoot !== 'string') throw new Error('source-dependencies: give the repository root as the repoRoot option');
  return {
    name: 'source-dependencies',
    configureWebpack() {
      return {
        module: {
          rules: [
            {
              test: /\.mdx?$/,
              include: [path.join(context.siteDir, 'docs')],
              enforce: 'pre',
              use: [{ loader: require.resolve('./source-dependencies-loader.cjs'), options: { repoRoot } }],
            },
          ],
        },
      };
    },
  };
}
