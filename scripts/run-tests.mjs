// @ts-check
/**
 * `npm test` at the repository root: everything, in the order that fails fastest.
 *
 *   npm test                              the whole suite (what CI runs)
 *   npm test -- --function createSession  one function's tests plus the shared code's
 *
 * Each step is an npm script, so any step can also be run alone (`npm run lint`).
 */
import { spawnSync } from 'node:child_process';

const forwarded = process.argv.slice(2);
const oneFunction = forwarded.some((word) => word.startsWith('--function'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** @type {[string, string[]][]} */
const steps = [
  ['type-check', ['run', 'typecheck']],
  ['lint', ['run', 'lint']],
  // The tooling's own tests do not depend on any one function: a function's run skips them.
  ...(oneFunction ? [] : /** @type {[string, string[]][]} */ ([['tooling tests', ['run', 'test:tooling']]])),
  ['pipelines check', ['run', 'pipelines:check']],
  ['workspace tests', ['test', '--workspaces', '--if-present', ...(forwarded.length ? ['--', ...forwarded] : [])]],
];

const results = [];
for (const [name, args] of steps) {
  console.log(`\n━━ ${name}: npm ${args.join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(npm, args, { stdio: 'inherit' });
  results.push({ name, passed: status === 0, seconds: (Date.now() - started) / 1000 });
  if (status !== 0) break;
}

console.log('\n━━ summary');
for (const { name, passed, seconds } of results) console.log(`${passed ? '✔' : '✖'} ${name} (${seconds.toFixed(1)} s)`);
const failed = results.filter((result) => !result.passed).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
