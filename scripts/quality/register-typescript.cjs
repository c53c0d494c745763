/**
 * Lets mocha and nyc load TypeScript directly: `--require @session-api/quality/register-typescript`.
 *
 * Sucrase strips the types and turns imports into require() calls, keeping every line where
 * it was and adding no helper code of its own. That matters for two lessons of the workshop:
 * proxyquire can swap the required modules, and nyc's branch coverage counts only the
 * branches a learner wrote (esbuild-based loaders add module-interop helpers whose branches
 * would count too). Modern syntax such as `??` and `?.` is left as it is for Node to run.
 */
require('sucrase/dist/register').addHook('.ts', {
  transforms: ['typescript', 'imports'],
  disableESTransforms: true,
  preserveDynamicImport: true,
});
