// @ts-check
/**
 * A webpack loader that passes a docs page through unchanged and names, as the page's
 * dependencies, the repository files its build reads (source-dependencies.mjs says why).
 * @this {import('webpack').LoaderContext<{repoRoot: string}>}
 * @param {string} source
 */
module.exports = function sourceDependenciesLoader(source) {
  const callback = this.async();
  const { repoRoot } = this.getOptions();
  import('./source-dependencies.mjs').then(
    ({ pageDependencies }) => {
      const { files, folders } = pageDependencies(repoRoot, this.resourcePath, source);
      for (const file of files) this.addDependency(file);
      for (const folder of folders) this.addContextDependency(folder);
      callback(null, source);
    },
    (error) => callback(error),
  );
};
