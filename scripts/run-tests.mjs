// @ts-check
/**
 * `npm test` at the repository root: everything, two steps at a time, and beside them, at a lower
 * CPU priority, the steps that only compute (type-check, lint). Alone, a step keeps about three
 * quarters of a core busy: it waits on a local stack, a browser or bcrypt. Two steps at a time
 * left a quarter of this 2-core machine idle, and a third step of the same kind (--lanes 3)
 * ended no sooner (694 s both), its work slowing the other two. A step run at a lower priority
 * gets the CPU the others leave idle, and gives it back as soon as they need it.
 *
 *   npm test                              the whole suite (what CI runs)
 *   npm test -- --function createSession  one function's tests plus the shared code's, and the checks
 *   npm test -- --serial                  one step at a time
 *   npm test -- --lanes 4                 four steps at a time, besides the background ones (a
 *                                         machine with more cores)
 *
 * Each step is an npm script, so any step can also be run alone (`npm run lint`). Its output is
 * kept while it runs and printed whole when it ends, so that two steps never interleave.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';

const argv = process.argv.slice(2);
const serial = argv.includes('--serial');
const lanesAt = argv.indexOf('--lanes');
const lanes = serial ? 1 : lanesAt >= 0 ? Number(argv[lanesAt + 1]) : 2;
if (!Number.isInteger(lanes) || lanes < 1) {
  console.error(`--lanes takes a whole number of steps to run at once (1 or more), not "${argv[lanesAt + 1] ?? ''}"`);
  process.exit(2);
}
const forwarded = argv.filter((word, index) => word !== '--serial' && (lanesAt < 0 || (index !== lanesAt && index !== lanesAt + 1)));
const oneFunction = forwarded.some((word) => word.startsWith('--function'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * @typedef {{ name: string, args: string[], background?: boolean, everyCore?: boolean }} Step
 *   background: it only computes, so it runs beside the lanes at a lower priority;
 *   everyCore: its apps' tests get a mocha worker per core, as on a learner's machine
 */
/** @typedef {{ name: string, passed: boolean, seconds: number, output: string }} Result */

/** @type {Step[]} in the order they start */
const steps = oneFunction
  ? [
      { name: 'type-check', args: ['run', 'typecheck'] },
      { name: 'lint', args: ['run', 'lint'] },
      { name: 'pipelines check', args: ['run', 'pipelines:check'] },
      { name: 'final/', args: ['test', '-w', 'final', '--', ...forwarded] },
    ]
  : [
      // The two longest first, then an order that makes the two lanes end close together, as
      // fresh clones here timed them (seconds): site 375 and tooling 405 at once; the lane that
      // frees first takes the docs (155) and then final/ (150), the other the chain (251): the
      // lanes ended at 682 and 656. Longest first gave the chain to the site's lane and left
      // final/ running alone at the end.
      { name: 'website: in the browser', args: ['run', 'test:site'] },
      { name: 'tooling tests', args: ['run', 'test:tooling'] },
      { name: 'website: pages and their commands', args: ['run', 'test:docs'] },
      // Each chapter's start and end are proven in the site step, followed as a learner follows it.
      { name: 'chapters: the budget, declared changes and the chain of steps', args: ['run', 'chapters:check', '--', '--steps-only'] },
      // Its coverage runs the integration tests in workers, as a learner's `npm run coverage`
      // does: once, and at the end, when the other lane has often ended.
      { name: 'final/', args: ['test', '-w', 'final'], everyCore: true },
      { name: 'type-check', args: ['run', 'typecheck'], background: true },
      { name: 'lint', args: ['run', 'lint'], background: true },
      { name: 'pipelines check', args: ['run', 'pipelines:check'], background: true },
    ];

/**
 * The environment of a step: its apps' test runs (app-mocha) get the step's share of the cores
 * for their mocha workers. The lanes already keep every core busy, and workers beyond that share
 * only add their own start (chapter 7's coverage: 19.9 s of CPU in two workers, 17.3 s in one
 * process). Given by the user, APP_MOCHA_JOBS is kept.
 */
const stepEnvironment = { APP_MOCHA_JOBS: String(Math.max(1, Math.floor(os.availableParallelism() / lanes))), ...process.env };

/** How much lower a background step's priority is (nice's scale: 19 is the lowest). */
const BACKGROUND_NICENESS = 10;

/**
 * @param {Step} step
 * @param {{ lower?: boolean }} [options]  lower: run it at a lower CPU priority (its children inherit it)
 * @returns {Promise<Result>}
 */
function run(step, { lower = false } = {}) {
  const started = Date.now();
  console.log(`▶ ${step.name}: npm ${step.args.join(' ')}`);
  return new Promise((resolve) => {
    // npm is a .cmd script on Windows, which only a shell can start (the arguments are fixed words).
    const child = spawn(npm, step.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32', env: step.everyCore ? process.env : stepEnvironment });
    // Set before npm starts the step's own command (it takes npm a good part of a second to load),
    // which then inherits it. Where a priority cannot be lowered, the step simply runs as it is.
    if (lower && child.pid !== undefined) {
      try {
        os.setPriority(child.pid, Math.min(19, os.getPriority(process.pid) + BACKGROUND_NICENESS));
      } catch {
        // not allowed here: no harm done
      }
    }
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('close', (code) => {
      const seconds = (Date.now() - started) / 1000;
      const passed = code === 0;
      console.log(`\n━━ ${passed ? '✔' : '✖'} ${step.name} (${seconds.toFixed(1)} s): npm ${step.args.join(' ')}\n${output.trimEnd()}\n`);
      resolve({ name: step.name, passed, seconds, output });
    });
  });
}

const started = Date.now();
// One at a time (--serial): every step in one lane, at its normal priority.
const inBackground = (/** @type {Step} */ step) => !serial && step.background === true;
/** @type {Result[]} the results in the order of `steps`, whichever ends first */
const results = [];
/** @param {Step[]} queue @param {{ lower?: boolean }} [options] */
const worker = async (queue, options) => {
  for (let step = queue.shift(); step; step = queue.shift()) results[steps.indexOf(step)] = await run(step, options);
};
const foreground = steps.filter((step) => !inBackground(step));
const background = steps.filter(inBackground);
await Promise.all([...Array.from({ length: lanes }, () => worker(foreground)), worker(background, { lower: true })]);

/**
 * What a failed step said about its failure, again at the very end: a CI log shown by its last
 * lines must still say what failed. Mocha's list of failures when there is one, else the end.
 * @param {string} output
 */
function failureExcerpt(output) {
  const lines = output.trimEnd().split('\n');
  const failing = lines.findIndex((line) => /^\s*\d+ failing\s*$/.test(line));
  return (failing >= 0 ? lines.slice(failing, failing + 120) : lines.slice(-40)).join('\n');
}
for (const { name, passed, output } of results) {
  if (!passed) console.log(`\n━━ what failed in ${name}:\n${failureExcerpt(output)}`);
}
console.log('━━ summary');
for (const { name, passed, seconds } of results) {
  console.log(`${passed ? '✔' : '✖'} ${name} (${seconds.toFixed(1)} s)`);
}
const failed = results.filter((result) => !result.passed).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed === 0 ? 0 : 1);
