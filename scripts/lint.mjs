// @ts-check
/**
 * ESLint for the repository, for one function, or for a few files, with an optional HTML report
 * (what the pipelines' `lint` stage shows in a tab):
 *
 *   node scripts/lint.mjs                             the whole repository (`npm run lint`)
 *   node scripts/lint.mjs --function createSession    that function's folder and the shared code
 *   node scripts/lint.mjs --html [--function NAME]    also write final/reports/lint/index.html
 *   node scripts/lint.mjs FILE...                     only these files (the pre-commit hook)
 *   --workspace DIR                                   the app folder (default: final)
 *   --fix                                             let ESLint fix what it can
 *
 * Exit code: 0 clean (warnings allowed), 1 lint errors, 2 usage error.
 *
 * Why not `eslint --format html`: the command line cannot print the readable report to the
 * terminal *and* write the HTML file in one run, and type-aware linting is slow enough
 * (several seconds) that running ESLint twice would be felt. ESLint's own `html` formatter is
 * self-contained (no scripts or styles fetched from the web), so the report also works in a GoCD
 * tab on a server without internet access.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ESLint } from 'eslint';
import { checkFunctionName } from './mocha.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * What to lint for the given options. A function's pipeline answers for its own folder and the
 * shared code it is built with (the same scope as its unit tests and its coverage).
 * @param {{functionName?: string | undefined, files: string[], workspace: string}} options
 * @returns {string[]} paths or patterns relative to the repository root
 */
export function lintTargets({ functionName, files, workspace }) {
  if (files.length > 0) return files;
  if (functionName) return [`${workspace}/src/functions/${functionName}`, `${workspace}/src/lib`];
  return ['.'];
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} the exit code
 */
export async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      function: { type: 'string' },
      workspace: { type: 'string', default: 'final' },
      html: { type: 'boolean', default: false },
      fix: { type: 'boolean', default: false },
    },
  });
  const workspace = values.workspace;
  if (values.function) checkFunctionName(values.function, path.join(repoRoot, workspace));
  const targets = lintTargets({ functionName: values.function, files: positionals, workspace });

  // cwd = the repository root, where eslint.config.mjs is, wherever npm was started from.
  // warnIgnored: false, so that the pre-commit hook can pass any staged file (a fixture, a
  // generated report) without a "file ignored" warning.
  const eslint = new ESLint({ cwd: repoRoot, fix: values.fix, warnIgnored: false });
  const results = await eslint.lintFiles(targets);
  if (values.fix) await ESLint.outputFixes(results);

  const stylish = await eslint.loadFormatter('stylish');
  const text = await stylish.format(results);
  if (text) console.log(text);

  if (values.html) {
    const report = path.join(repoRoot, workspace, 'reports', 'lint', 'index.html');
    const html = await eslint.loadFormatter('html');
    // Paths relative to the repository, so the report reads the same on every agent.
    const relativeResults = results.map((result) => ({ ...result, filePath: path.relative(repoRoot, result.filePath) }));
    mkdirSync(path.dirname(report), { recursive: true });
    writeFileSync(report, await html.format(relativeResults));
    console.log(`lint report: ${path.relative(process.cwd(), report)}`);
  }

  const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
  const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
  console.log(`eslint: ${results.length} file${results.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return errors > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    },
  );
}
