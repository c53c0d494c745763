// @ts-check
/**
 * `npm test` at the repository root: everything, two steps at a time (most of the time a step
 * waits on a local stack, a browser or bcrypt, so two keep this 2-core machine busy without
 * starving either):
 *
 *   npm test                              the whole suite (what CI runs)
 *   npm test -- --function createSession  one function's tests plus the shared code's, and the checks
 *   npm test -- --serial                  one step at a time
 *   npm test -- --lanes 4                 four steps at a time (a machine with more cores; on two,
 *                                         three at once ended 4 % sooner and slowed every step)
 *
 * Each step is an npm script, so any step can also be run alone (`npm run lint`). Its output is
 * kept while it runs and printed whole when it ends, so that two steps never interleave.
 */
import { spawn } from 'node:child_process';

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

/** @typedef {{ name: string, args: string[] }} Step */
/** @typedef {{ name: string, passed: boolean, seconds: number, output: string }} Result */

/** @type {Step[]} in the order they start: the slowest first, so that the quick ones fill the gaps */
const steps = oneFunction
  ? [
      { name: 'type-check', args: ['run', 'typecheck'] },
      { name: 'lint', args: ['run', 'lint'] },
      { name: 'pipelines check', args: ['run', 'pipelines:check'] },
      { name: 'final/', args: ['test', '-w', 'final', '--', ...forwarded] },
    ]
  : [
      // Longest first (as a fresh clone's CI timed them), so that two lanes end close together.
      { name: 'website: in the browser', args: ['run', 'test:site'] },
      { name: 'tooling tests', args: ['run', 'test:tooling'] },
      // Each chapter's start and end are proven in the site step, followed as a learner follows it.
      { name: 'chapters: the budget, declared changes and the chain of steps', args: ['run', 'chapters:check', '--', '--steps-only'] },
      { name: 'website: pages and their commands', args: ['run', 'test:docs'] },
      { name: 'final/', args: ['test', '-w', 'final'] },
      { name: 'type-check', args: ['run', 'typecheck'] },
      { name: 'lint', args: ['run', 'lint'] },
      { name: 'pipelines check', args: ['run', 'pipelines:check'] },
    ];

/**
 * @param {Step} step
 * @returns {Promise<Result>}
 */
function run(step) {
  const started = Date.now();
  console.log(`▶ ${step.name}: npm ${step.args.join(' ')}`);
  return new Promise((resolve) => {
    // npm is a .cmd script on Windows, which only a shell can start (the arguments are fixed words).
    const child = spawn(npm, step.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
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
const queue = [...steps];
/** @type {Result[]} the results in the order of `steps`, whichever ends first */
const results = [];
const worker = async () => {
  for (let step = queue.shift(); step; step = queue.shift()) results[steps.indexOf(step)] = await run(step);
};
await Promise.all(Array.from({ length: lanes }, worker));

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
