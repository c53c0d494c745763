// @ts-check
/**
 * Fails the build on what a page could get wrong without anyone noticing:
 * - a code block that nothing checks (the rules: lib/code-blocks.mjs);
 * - an inline `final/…` path (or `chapters/`, `scripts/`, `bench/`, `website/`) that does not
 *   exist, so a page cannot point at a file that has moved;
 * - an inline `npm run NAME` (or `npm start`, `npm test`, `-w WORKSPACE`) naming a script that
 *   does not exist.
 * It also titles each output block "Output", and wraps each mermaid diagram in
 * <div data-diagram>, so that the browser test can check that every diagram became a picture. Runs after remark-code-file.mjs, which marks the code it
 * brings in from files.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { visit } from 'unist-util-visit';
import { checkBlocks, missingNpmScript } from '../lib/code-blocks.mjs';

const REPOSITORY_PATH = /^(?:final|chapters|scripts|bench|website)\/[\w./-]*$/;

/** @param {{repoRoot: string}} options */
export default function remarkCheckedCode({ repoRoot }) {
  /** @param {import('mdast').Root} tree @param {import('vfile').VFile} file */
  return (tree, file) => {
    /** @type {import('mdast').Code[]} */
    const blocks = [];
    visit(tree, (node) => {
      if (node.type === 'code') blocks.push(node);
      if (node.type !== 'inlineCode') return;
      if (REPOSITORY_PATH.test(node.value) && !existsSync(path.join(repoRoot, node.value))) {
        file.fail(`\`${node.value}\` does not exist in the repository: fix the path (paths start at the repository root)`, node);
      }
      const missing = missingNpmScript(node.value, repoRoot);
      if (missing) file.fail(`\`${node.value}\`: ${missing}`, node);
    });
    checkBlocks(blocks, (message, block) => file.fail(message, /** @type {any} */ (block)));
    visit(tree, 'code', (node, index, parent) => {
      if (node.lang === 'text' && node.meta?.trim() === 'output') node.meta = 'title="Output"';
      if (node.lang !== 'mermaid' || !parent || index === undefined) return undefined;
      const wrapper = { type: 'mdxJsxFlowElement', name: 'div', attributes: [{ type: 'mdxJsxAttribute', name: 'data-diagram', value: 'mermaid' }], children: [node] };
      parent.children.splice(index, 1, /** @type {any} */ (wrapper));
      return index + 1;
    });
  };
}
