// @ts-check
/**
 * `<CodeFile path="final/src/lib/email.ts" region="canonical-email" />` in a page becomes the
 * code of that file (or of that named region of it) at build time. The build fails on a missing
 * file or region, so a page can never show code that is no longer there.
 *
 * The code is wrapped in <div data-code-file data-code-region> so that the browser test can
 * compare what the page shows with the file.
 */
import path from 'node:path';
import { visit } from 'unist-util-visit';
import { languageOf, readRegion } from '@session-api/workshop/regions';

/**
 * @typedef {import('mdast').Root} Root
 * @typedef {{type: string, name?: string | null, attributes?: {type: string, name?: string, value?: unknown}[], position?: unknown}} JsxNode
 */

/** @param {JsxNode} node @param {import('vfile').VFile} file */
function attributesOf(node, file) {
  /** @type {Record<string, string>} */
  const found = {};
  for (const attribute of node.attributes ?? []) {
    if (attribute.type !== 'mdxJsxAttribute' || typeof attribute.value !== 'string') {
      file.fail('<CodeFile> takes plain string attributes: path="…" and, optionally, region="…" and title="…"', /** @type {any} */ (node));
    }
    found[/** @type {string} */ (attribute.name)] = /** @type {string} */ (attribute.value);
  }
  const unknown = Object.keys(found).filter((name) => !['path', 'region', 'title'].includes(name));
  if (unknown.length > 0) file.fail(`<CodeFile> has no attribute ${unknown.join(', ')} (it takes path, region, title)`, /** @type {any} */ (node));
  if (!found['path']) file.fail('<CodeFile> needs path="…", from the repository root', /** @type {any} */ (node));
  return found;
}

/** @param {{repoRoot: string}} options */
export default function remarkCodeFile({ repoRoot }) {
  if (!repoRoot || !path.isAbsolute(repoRoot)) throw new Error('remarkCodeFile: give the repository root as an absolute path');
  /** @param {Root} tree @param {import('vfile').VFile} file */
  return (tree, file) => {
    visit(tree, (node, index, parent) => {
      const jsx = /** @type {JsxNode} */ (node);
      if (jsx.name !== 'CodeFile' || !parent || index === undefined) return undefined;
      if (jsx.type === 'mdxJsxTextElement') file.fail('put <CodeFile … /> on a line of its own, not inside a sentence', /** @type {any} */ (node));
      const { path: filePath = '', region, title } = attributesOf(jsx, file);
      let code;
      try {
        code = readRegion(repoRoot, filePath, region);
      } catch (error) {
        file.fail(error instanceof Error ? error.message : String(error), /** @type {any} */ (node));
      }
      /** @type {import('mdast').Code} */
      const block = {
        type: 'code',
        lang: languageOf(filePath),
        meta: `title=${JSON.stringify(title ?? filePath)}`,
        value: code,
        data: /** @type {any} */ ({ codeFile: { path: filePath, region } }),
      };
      const attributes = [
        { type: 'mdxJsxAttribute', name: 'data-code-file', value: filePath },
        ...(region ? [{ type: 'mdxJsxAttribute', name: 'data-code-region', value: region }] : []),
      ];
      parent.children.splice(index, 1, /** @type {any} */ ({ type: 'mdxJsxFlowElement', name: 'div', attributes, children: [block] }));
      return index + 1;
    });
  };
}
