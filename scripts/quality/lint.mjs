// @ts-check
/**
 * ESLint for the folder it runs in (the repository, or an app such as final/), for one function,
 * or for a few files, with an optional HTML report (what the pipelines' `lint` stage shows in a tab):
 *
 *   app-lint                             everything under the current folder (`npm run lint`)
 *   app-lint --function createSession    in an app: that function's folder and the shared code
 *   app-lint --html [--function NAME]    also write reports/lint/index.html
 *   app-lint FILE...                     only these files (the pre-commit hook)
 *   --fix                                let ESLint fix what it can
 *
 * The rules are the repository's eslint.config.mjs, which ESLint finds from the linted files.
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
import { parseArgs } from 'node:util';
import { ESLint } from 'eslint';
import { checkFunctionName } from './mocha.mjs';

/**
 * What to lint for the given options. A function's pipeline answers for its own folder and the
 * shared code it is built with (the same scope as its unit tests and its coverage).
 * @param {{functionName?: string | undefined, files: string[]}} options
 * @returns {string[]} paths or patterns relative to the current folder
 */
export function lintTargets({ functionName, files }) {
  if (files.length > 0) return files;
  if (functionName) return [`src/functions/${functionName}`, 'src/lib'];
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
      html: { type: 'boolean', default: false },
      fix: { type: 'boolean', default: false },
    },
  });
  const cwd = process.cwd();
  if (values.function) checkFunctionName(values.function, cwd);
  const targets = lintTargets({ functionName: values.function, files: positionals });

  // warnIgnored: false, so that the pre-commit hook can pass any staged file (a fixture, a
  // generated report) without a "file ignored" warning.
  const eslint = new ESLint({ cwd, fix: values.fix, warnIgnored: false });
  const results = await eslint.lintFiles(targets);
  if (values.fix) await ESLint.outputFixes(results);

  const stylish = await eslint.loadFormatter('stylish');
  const text = await stylish.format(results);
  if (text) console.log(text);

  if (values.html) {
    const report = path.join(cwd, 'reports', 'lint', 'index.html');
    const html = await eslint.loadFormatter('html');
    // Relative paths, so the report reads the same on every agent.
    const relativeResults = results.map((result) => ({ ...result, filePath: path.relative(cwd, result.filePath) }));
    mkdirSync(path.dirname(report), { recursive: true });
    writeFileSync(report, await html.format(relativeResults));
    console.log(`lint report: ${path.relative(process.cwd(), report)}`);
  }

  const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
  const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
  console.log(`eslint: ${results.length} file${results.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return errors > 0 ? 1 : 0;
}
