// @ts-check
/**
 * Busy laptops do not fail correct code: with four CPU-bound programs running beside it on a
 * 2-core machine, a chapter's checks still pass on the chapter's own solution. Chapter 6's are
 * the ones a busy machine hurt most (twenty log-ins racing the throttle, each with bcrypt): the
 * local stack gives each function its time (LOCAL_FUNCTION_TIMEOUT), the races play a round
 * again when the machine could not answer in time, and no time-out counts as a checked password.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { loadChapters } from './chapters.mjs';
import { runChecks } from './verify.mjs';

/** How many CPU-bound programs run beside the checks: twice this machine's 2 cores. */
const HOGS = 4;
const CHAPTER = 6;

describe(`a busy laptop: chapter ${CHAPTER}'s checks beside ${HOGS} CPU-bound programs`, function () {
  this.timeout(600_000);
  /** @type {import('node:child_process').ChildProcess[]} */
  const hogs = [];

  before(() => {
    for (let index = 0; index < HOGS; index += 1) hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  });
  after(() => {
    for (const hog of hogs) hog.kill('SIGKILL');
  });

  it(`pass on chapter ${CHAPTER}'s solution, every one of them`, async () => {
    assert.equal(hogs.filter((hog) => hog.exitCode === null).length, HOGS, 'the load is running');
    const chapter = loadChapters().find((candidate) => candidate.number === CHAPTER);
    assert.ok(chapter, `there is no chapter ${CHAPTER}`);
    const run = await runChecks({ chapter, target: chapter.dir, quiet: true, causes: false });
    const load = os.loadavg()[0] ?? 0;
    const failed = run.results.filter((result) => result.state !== 'passed');
    assert.ok(run.results.length > 0, `no check ran:\n${run.output}`);
    assert.deepEqual(failed.map((result) => `${result.title}: ${result.reason}`), [], `with a load of ${load.toFixed(1)}`);
    console.log(`      ${run.results.length} checks passed in ${run.seconds.toFixed(0)} s, load ${load.toFixed(1)} on ${os.availableParallelism()} cores`);
  });
});
