/**
 * What an attendee waits for, chapter by chapter: a cold `workshop verify` (type check, bundle,
 * a local stack started, every check), and in `workshop watch` the time from a file's save to
 * the verdict on the screen, each against its floor.
 *
 * For each chapter, in a scratch clone of the last commit: the workspace holds the chapter's
 * solution with its last step left out, and watch is started on it (its first verdict: that
 * step's failing check). Then:
 *   - watch-fail-chapter-N: a step is left out again (its placeholder saved back), and the
 *     verdict names the check that fails; floor: the same checks (up to that failure) against the
 *     same running stack, with nothing to rebuild;
 *   - watch-pass-chapter-N: the last step is written (its code saved in place of the
 *     placeholder), and the verdict is that every check passes; floor: every check against the
 *     running stack, nothing to rebuild.
 * Budgets (the targets, as floors with a target of 1): a cold verify of any chapter at
 * most 15 s; a verdict in watch at most 3 s and at most half the chapter's cold verify for
 * chapters 1 to 6, at most 15 s for the others.
 *
 * And what a budget asks of the machine, as the CPU time the whole machine spent (every process
 * and thread: the checks, the stack's functions, dynalite, the app's own tests, the type check,
 * the bundling), divided by its cores: no schedule of that work, however parallel, ends sooner.
 *   - watch-least-chapter-N: the work of the save that writes the last step, up to its verdict;
 *   - watch-checks-least-chapter-N: the work of the passing floor's run (the checks alone).
 * Each has the budget as its floor: a ratio over 1 says that only less work, not more of it side
 * by side, can meet the budget on this machine.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Chapter } from '@session-api/workshop/chapters';
import { figure, type Figure } from './figures';

const COLD_BUDGET_S = 15;
const WATCH_BUDGET_S = 3;
const SLOW_CHAPTER_BUDGET_S = 15;
/** The chapters whose verdicts in watch must come within WATCH_BUDGET_S; the others within SLOW_CHAPTER_BUDGET_S. */
const QUICK_CHAPTERS = [1, 2, 3, 4, 5, 6];

const ROOT = path.resolve(__dirname, '..');
const workshopPackage = path.dirname(require.resolve('@session-api/workshop/checks', { paths: [ROOT] }));
const workshopBin = path.join(workshopPackage, 'bin', 'workshop.mjs');

type Verdict = { kind: string; text: string; seconds: number };

/** The CPU time the machine has spent so far, over all its cores, in seconds (idle excluded). */
function busyCpuSeconds(): number {
  return os.cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0) / 1000;
}

/** Runs the CLI to its end; throws when it fails (unless `allowFailure`). */
function cli(root: string, args: string[], allowFailure = false): { seconds: number; output: string } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [workshopBin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && !allowFailure) throw new Error(`workshop ${args.join(' ')} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return { seconds, output: `${run.stdout}${run.stderr}` };
}

export async function measureWatch(onChapter: (message: string) => void = () => undefined, only: readonly number[] = []): Promise<Figure[]> {
  const { scratchRepository } = await import('@session-api/workshop/scratch-repository');
  const { loadChapters } = await import('@session-api/workshop/chapters');
  const { appVersion, chapterStepRegions, fillPlaceholder, placeholdersIn } = await import('@session-api/workshop/steps');
  const { runChecks } = await import('@session-api/workshop/verify');
  const { placeOf, writeApp } = await import('@session-api/workshop/workspace');
  const { startWatching } = await import('@session-api/workshop/watch');
  const { root, workspace, state, remove } = scratchRepository('bench watch');
  const figures: Figure[] = [];
  try {
    const chapters = loadChapters(root);
    for (const chapter of chapters.filter((candidate: Chapter) => candidate.steps.length > 0 && (only.length === 0 || only.includes(candidate.number)))) {
      try {
        // A cold verify of the solution: twice, the fastest kept; nothing recorded.
        cli(root, ['goto', String(chapter.number), '--yes']);
        cli(root, ['solve', '--yes']);
        rmSync(path.join(state, 'progress.json'));
        const cold = Math.min(cli(root, ['verify', '--chapter', String(chapter.number)]).seconds, cli(root, ['verify', '--chapter', String(chapter.number)]).seconds);
        cli(root, ['goto', String(chapter.number), '--yes']);

        // watch, on the solution with its last step left out.
        const last = chapter.steps.at(-1)?.name ?? '';
        writeApp(workspace, appVersion(chapter, (name: string) => name === last));
        const verdicts: Verdict[] = [];
        const context = { root, chapters, place: placeOf(root), cwd: root, invokedFrom: root, ask: undefined, print: () => undefined, now: () => new Date() };
        const watching = await startWatching(context, { record: false, onVerdict: (verdict: Verdict) => verdicts.push(verdict) });
        const next = async (count: number): Promise<Verdict> => {
          const deadline = Date.now() + 240_000;
          while (verdicts.length < count) {
            if (Date.now() > deadline) throw new Error(`no verdict ${count} in watch`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          return verdicts[count - 1] as Verdict;
        };
        /** The same checks against the running stack, with nothing to rebuild: their time, and the machine's CPU time meanwhile. */
        const floorRun = async (): Promise<{ seconds: number; cpuSeconds: number }> => {
          const busy = busyCpuSeconds();
          const run = await runChecks({ chapter, target: workspace, quiet: true, causes: false, bail: true, env: watching.checksEnv() });
          return { seconds: run.seconds, cpuSeconds: busyCpuSeconds() - busy };
        };
        const floor = async (): Promise<number> => (await floorRun()).seconds;
        try {
          const start = await next(1);
          if (start.kind !== 'failed') throw new Error(`watch's first verdict is not a failing check: ${start.text}`);
          // Write the last step: every check runs, and passes.
          const regions = chapterStepRegions(chapter).filter((region: { step: string }) => region.step === last);
          const saved = performance.now();
          const busyAtSave = busyCpuSeconds();
          for (const region of regions) {
            const file = path.join(workspace, region.file);
            const text = readFileSync(file, 'utf8');
            const placeholder = placeholdersIn(text).find((candidate: { step: string; part: number }) => candidate.step === last && candidate.part === region.part);
            if (!placeholder) throw new Error(`no placeholder of ${last} in ${region.file}`);
            writeFileSync(file, fillPlaceholder(text, placeholder, region.code));
          }
          const passed = await next(2);
          const passSeconds = (performance.now() - saved) / 1000;
          const least = (busyCpuSeconds() - busyAtSave) / os.availableParallelism();
          if (passed.kind !== 'passed') throw new Error(`watch did not pass chapter ${chapter.number} with every step written: ${passed.text}`);
          const passFloors = [await floorRun(), await floorRun()].sort((a, b) => a.seconds - b.seconds);
          const passFloor = passFloors[0]?.seconds ?? 0;
          const checksLeast = (passFloors[0]?.cpuSeconds ?? 0) / os.availableParallelism();
          // Leave the step out again: the verdict names its failing check.
          const withoutLast = appVersion(chapter, (name: string) => name === last);
          const broken = performance.now();
          for (const file of new Set(regions.map((region: { file: string }) => region.file))) writeFileSync(path.join(workspace, file), withoutLast.get(file) ?? '');
          const failed = await next(3);
          const failSeconds = (performance.now() - broken) / 1000;
          if (failed.kind !== 'failed') throw new Error(`watch did not fail with step ${last} left out: ${failed.text}`);
          const failFloor = Math.min(await floor(), await floor());
          const quick = QUICK_CHAPTERS.includes(chapter.number);
          const budget = quick ? Math.min(WATCH_BUDGET_S, cold / 2) : SLOW_CHAPTER_BUDGET_S;
          onChapter(`chapter ${chapter.number}: cold verify ${cold.toFixed(1)} s; watch: a failing check in ${failSeconds.toFixed(1)} s (floor ${failFloor.toFixed(1)}), all pass in ${passSeconds.toFixed(1)} s (floor ${passFloor.toFixed(1)}); budget ${budget.toFixed(1)} s; on ${os.availableParallelism()} cores, the save's CPU work takes at least ${least.toFixed(1)} s, the checks' alone ${checksLeast.toFixed(1)} s`);
          figures.push(figure(`verify-cold-chapter-${chapter.number}`, cold, 's', COLD_BUDGET_S, 1));
          figures.push(figure(`watch-fail-chapter-${chapter.number}`, failSeconds, 's', failFloor));
          figures.push(figure(`watch-pass-chapter-${chapter.number}`, passSeconds, 's', passFloor));
          figures.push(figure(`watch-budget-chapter-${chapter.number}`, Math.max(failSeconds, passSeconds), 's', budget, 1));
          figures.push(figure(`watch-least-chapter-${chapter.number}`, least, 's', budget));
          figures.push(figure(`watch-checks-least-chapter-${chapter.number}`, checksLeast, 's', budget));
        } finally {
          await watching.stop();
        }
      } catch (error) {
        onChapter(`chapter ${chapter.number}: not measured: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      }
    }
  } finally {
    remove();
  }
  return figures;
}
