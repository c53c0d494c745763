// @ts-check
/**
 * A Docusaurus plugin that reads, at build time, what the reference pages show from the files
 * that hold it (lib/repository-facts.mjs, lib/error-texts.mjs) and hands it to the pages as
 * global data; src/components/RepositoryFacts.tsx renders it:
 *
 *   <BenchResults />, <BenchFigure name="log-in" />, <BenchRun />   bench/results.json
 *   <FunctionPermissions />                                         final/infra/iam-roles.yml
 *   <StageSettings />                                               final/config/<stage>.yml
 *   <StageResources />, <CostAtRest />, <Throttling />,
 *   <OnEverything />, <DeploymentFigure … />                        final/template-facts.json, infra/
 *   <ErrorText id="unknown-command" />                              lib/error-texts.mjs
 *
 * Global data, not a remark plugin: it is rebuilt on every build, so a page can never show a
 * cached older copy of a file that changed while the page did not.
 */
import path from 'node:path';
import { ERROR_TEXTS } from '../lib/error-texts.mjs';
import { RESULTS_FILE, benchResults, deployment, functionPermissions, stageSettings } from '../lib/repository-facts.mjs';

/**
 * @param {import('@docusaurus/types').LoadContext} _context
 * @param {unknown} options {repoRoot: the repository's root folder}
 * @returns {import('@docusaurus/types').Plugin}
 */
export default function repositoryFacts(_context, options) {
  const repoRoot = /** @type {{repoRoot?: unknown}} */ (options ?? {}).repoRoot;
  if (typeof repoRoot !== 'string') throw new Error('repository-facts: give the repository root as the repoRoot option');
  return {
    name: 'repository-facts',
    async loadContent() {
      return {
        bench: benchResults(repoRoot),
        permissions: functionPermissions(repoRoot),
        stages: stageSettings(repoRoot),
        deployment: deployment(repoRoot),
        errors: ERROR_TEXTS,
      };
    },
    async contentLoaded({ content, actions }) {
      actions.setGlobalData(content);
    },
    getPathsToWatch() {
      return [
        path.join(repoRoot, RESULTS_FILE),
        path.join(repoRoot, 'final/infra/iam-roles.yml'),
        path.join(repoRoot, 'final/config/*.yml'),
        path.join(repoRoot, 'final/template-facts.json'),
        path.join(repoRoot, 'final/infra/*'),
        path.join(repoRoot, 'website/lib/error-texts.mjs'),
      ];
    },
  };
}
