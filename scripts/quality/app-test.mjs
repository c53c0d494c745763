// @ts-check
/**
 * Every test suite of an app, in the order that fails fastest, run from the app's folder:
 *
 *   app-test STEP... [--function NAME]
 *
 * The app names its steps in its package.json (`"test": "app-test coverage deploy e2e ..."`), so
 * that a step can never be skipped because a folder went missing:
 *
 * coverage    unit and integration tests under nyc, failing under the coverage thresholds
 * deploy      package every deployed stage (no AWS account needed) and check the templates and
 *             zips (roles, secrets, tables, API settings, bundle sizes)
 * e2e         HTTP against the local stack
 * properties, faults, load   random requests in-process, the local stack while its database is
 *             down, stuck or throttling, and a short load test
 *
 * With --function only the coverage and deploy steps run, for that function: the other steps
 * span every function, and the per-function pipelines leave them to the whole-service ones.
 */
import { parseArgs } from 'node:util';
import { main as coverage } from './coverage.mjs';
import { mochaArguments, runMocha } from './mocha.mjs';

/** @type {Record<string, { perFunction: boolean, run: (forwarded: string[]) => number }>} */
const STEPS = {
  coverage: { perFunction: true, run: (forwarded) => coverage(forwarded) },
  deploy: { perFunction: true, run: () => runMocha(mochaArguments(['deploy'])) },
  e2e: { perFunction: false, run: () => runMocha(mochaArguments(['e2e'])) },
  properties: { perFunction: false, run: () => runMocha(mochaArguments(['properties'])) },
  faults: { perFunction: false, run: () => runMocha(mochaArguments(['faults'])) },
  load: { perFunction: false, run: () => runMocha(mochaArguments(['load'])) },
};

/**
 * Which steps run, and what is forwarded to the coverage step.
 * @param {string[]} argv
 */
export function plan(argv) {
  const { positionals, values } = parseArgs({ args: argv, options: { function: { type: 'string' } }, allowPositionals: true });
  const unknown = positionals.filter((step) => !(step in STEPS));
  if (positionals.length === 0 || unknown.length > 0) {
    throw new Error(`${unknown.length ? `Unknown step ${unknown.join(', ')}. ` : ''}Name the steps: ${Object.keys(STEPS).join(', ')}`);
  }
  const fn = values.function;
  return {
    steps: positionals.filter((step) => !fn || STEPS[step]?.perFunction),
    forwarded: fn ? ['--function', fn] : [],
  };
}

/** @param {string[]} argv */
export function main(argv) {
  let planned;
  try {
    planned = plan(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  for (const step of planned.steps) {
    console.log(`\n▶ ${step}`);
    const status = STEPS[step]?.run(planned.forwarded) ?? 1;
    if (status !== 0) {
      console.error(`✖ ${step} failed`);
      return status;
    }
  }
  return 0;
}
