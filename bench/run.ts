/**
 * `npm run bench`: measures the figures the website's Performance page explains, each against its
 * floor, writes them to results.json (the page is built from it: `npm run docs`) and prints
 * them. It exits with 1 if a figure misses its target. Everything runs on this machine, on the
 * loopback interface only: several minutes on two cores.
 *
 *   npm run bench              measure everything
 *   npm run bench -- --report  only print the table of results.json
 *   npm run bench -- --only room [--quick]   only the room's figures (--quick: 30 s of load
 *                              instead of 3 min), put in results.json in place of their last ones
 *   npm run bench -- --only watch [--chapter N]  only watch's and the cold verify's figures (of chapter N)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureAuthorizer } from './authorizer';
import { measureColdStarts } from './cold-start';
import { meetsTarget, type Figure, type Results } from './figures';
import { measureHttp } from './http-figures';
import { measureInstalls } from './install';
import { measureRoom } from './room';
import { terminalTable } from './report';
import { measureSite } from './site';
import { startBenchStack, startDynaliteProcess } from './stack';
import { measureTokenCheck } from './token-check';
import { measureVerify } from './verify';
import { measureWatch } from './watch';

const RESULTS = path.join(__dirname, 'results.json');
// The SDK's notice that its 2027 releases need Node 22 is noise here (test/setup.ts says why).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

function machine(): string {
  const cpus = os.cpus();
  const memoryGiB = Math.round(os.totalmem() / 1024 ** 3);
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${memoryGiB} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function progress(message: string): void {
  process.stdout.write(`▶ ${message}\n`);
}

async function measure(): Promise<Results> {
  const figures: Figure[] = [];
  // First, while nothing else of the benchmark runs.
  progress('token check');
  figures.push(...measureTokenCheck());
  const tokenCheck = figures[0]?.value ?? 0;

  progress('local stack: starting');
  const dynalite = await startDynaliteProcess();
  try {
    const stack = await startBenchStack(dynalite.endpoint);
    try {
      // In this process, on the tables the stack has created, while its functions are idle.
      progress('authorizer: its whole cost per request');
      figures.push(...(await measureAuthorizer(dynalite.endpoint)));
      progress('local stack: log-in, reads, database calls');
      figures.push(...(await measureHttp(stack, dynalite.endpoint, tokenCheck)));
    } finally {
      await stack.stop();
    }
  } finally {
    await dynalite.stop();
  }

  progress('cold starts: bundles and load times');
  figures.push(...(await measureColdStarts()));

  progress('website: size and first visits, in Chromium');
  figures.push(...(await measureSite()));

  progress('npm install: a fresh clone with the website and without it (two installs)');
  figures.push(...(await measureInstalls()));

  progress('workshop verify: each chapter, against its checks run alone (several minutes)');
  figures.push(...(await measureVerify((message) => progress(`  ${message}`))));

  progress('workshop watch: from a save to the verdict, and a cold verify, each chapter (several minutes)');
  figures.push(...(await measureWatch((message) => progress(`  ${message}`))));

  progress('the room: 300 attendees reporting for 3 minutes, and its dashboard in Chromium');
  figures.push(...(await measureRoom((message) => progress(`  ${message}`))));
  return { date: new Date().toISOString(), machine: machine(), figures };
}

async function main(): Promise<void> {
  let results: Results;
  if (process.argv.includes('--report')) {
    results = JSON.parse(readFileSync(RESULTS, 'utf8')) as Results;
  } else if (process.argv.includes('--only') && process.argv.includes('watch')) {
    // watch's and the cold verify's figures alone, in place of their last ones.
    const last = JSON.parse(readFileSync(RESULTS, 'utf8')) as Results;
    const chosen = process.argv.flatMap((word, index) => (process.argv[index - 1] === '--chapter' ? [Number(word)] : []));
    const watch = await measureWatch((message) => progress(`  ${message}`), chosen);
    const names = new Set(watch.map((row) => row.name));
    results = { ...last, figures: [...last.figures.filter((row) => !names.has(row.name) && (chosen.length > 0 || !/^(watch-|verify-cold-)/.test(row.name))), ...watch] };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  } else if (process.argv.includes('--only') && process.argv.includes('room')) {
    // The room's figures alone, in place of their last ones; the others stay as they were.
    const last = JSON.parse(readFileSync(RESULTS, 'utf8')) as Results;
    const room = await measureRoom((message) => progress(`  ${message}`), { quick: process.argv.includes('--quick') });
    results = { ...last, figures: [...last.figures.filter((row) => !row.name.startsWith('room-')), ...room] };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  } else {
    const started = performance.now();
    results = await measure();
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    progress(`done in ${Math.round((performance.now() - started) / 1000)} s: ${path.relative(process.cwd(), RESULTS)}`);
  }
  process.stdout.write(`\n${terminalTable(results)}`);
  const missed = results.figures.filter((row) => !meetsTarget(row));
  if (missed.length > 0) {
    process.stdout.write(`\nMissed targets: ${missed.map((row) => `${row.name} (ratio ${row.ratio}, target ≤ ${row.target})`).join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
