// @ts-check
/**
 * `npm run docs:check -- website/docs/chapters/02-sign-up.mdx …`: compiles pages through the
 * site's own remark plugins (chapter parts, <Step>, <CodeFile>, the code-block rules), as the
 * build does, in a second or two instead of a whole build: for an author writing a page. The
 * build (`npm run docs:build`) still checks links, and the tests check the rest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from '@mdx-js/mdx';
import { VFile } from 'vfile';
import YAML from 'yaml';
import remarkChapterPage from '../plugins/remark-chapter-page.mjs';
import remarkCheckedCode from '../plugins/remark-checked-code.mjs';
import remarkCodeFile from '../plugins/remark-code-file.mjs';
import { REPO_ROOT } from './site.mjs';

/**
 * Compiles one page as the build does; throws the build's error when it breaks a rule.
 * @param {string} file the page's path
 */
export async function checkPage(file) {
  const text = readFileSync(file, 'utf8');
  const front = /^---\n([\s\S]*?)\n---\n/.exec(text);
  const page = new VFile({ path: path.resolve(file), value: front ? text.slice(front[0].length) : text });
  page.data['frontMatter'] = front ? YAML.parse(front[1] ?? '') : {};
  // Docusaurus takes `{#anchor}` out of headings before MDX reads them; so does this.
  page.value = String(page.value).replace(/^(#{1,6} .*?)\s*\{#[\w-]+\}\s*$/gm, '$1');
  await compile(page, {
    remarkPlugins: [
      [remarkChapterPage, { repoRoot: REPO_ROOT }],
      [remarkCodeFile, { repoRoot: REPO_ROOT }],
      [remarkCheckedCode, { repoRoot: REPO_ROOT }],
    ],
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: npm run docs:check -- website/docs/chapters/NN-name.mdx …');
    process.exit(2);
  }
  let failed = 0;
  for (const file of files) {
    try {
      await checkPage(path.resolve(process.env['INIT_CWD'] ?? process.cwd(), file));
      console.log(`✔ ${file}`);
    } catch (error) {
      failed += 1;
      console.log(`✖ ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  process.exit(failed === 0 ? 0 : 1);
}
