// @ts-check
/**
 * Keeps the diagram library out of the chunk every page loads. Docusaurus puts any module that
 * half of the site's lazy chunks share into one `common` chunk; mermaid's diagram types share
 * their parsers, so without this every page, with a diagram or not, would download about 800 KB
 * of mermaid on its first visit. With it, only a page that shows a diagram loads mermaid, and
 * only the parts its diagrams use. (bench/site.ts measures the bytes of a first visit.)
 */
const DIAGRAM_LIBRARIES = /[\\/]node_modules[\\/](?:mermaid|@mermaid-js|langium|chevrotain|chevrotain-allstar|@chevrotain|vscode-languageserver[\w-]*|vscode-jsonrpc|cytoscape[\w-]*|katex|dagre-d3-es|d3[\w-]*|khroma|roughjs|marked|dompurify|lodash-es|stylis|@braintree|@iconify|@upsetjs)[\\/]/;

/** @returns {import('@docusaurus/types').Plugin} */
export default function leanCommonChunk() {
  return {
    name: 'lean-common-chunk',
    configureWebpack(_config, isServer) {
      if (isServer) return {};
      return {
        optimization: {
          splitChunks: {
            cacheGroups: {
              common: {
                test: (/** @type {import('webpack').Module} */ module) => !DIAGRAM_LIBRARIES.test(module.nameForCondition() ?? ''),
              },
            },
          },
        },
      };
    },
  };
}
