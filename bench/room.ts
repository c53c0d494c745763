/**
 * The room (`npm run workshop -- room`) holding a large room: 300 simulated attendees, each a
 * laptop of its own (its own connection and its own loopback address, as on the room's network),
 * each sending a verify's report every 2 to 4 seconds, for three minutes (`--quick`: 30 s), while
 * the instructor's dashboard is open in Chromium. The room is the real command, started in a
 * scratch clone (its store in that clone's .workshop/room/, synced to disk before each answer).
 *
 * - `room-report-p50`, `room-report-p99`: an attendee's report, from the request to the answer.
 *   Floor: the same requests, on the same schedule, to a bare Node HTTP server that parses them
 *   and answers (bench/room-floor.ts), run first.
 * - `room-report-p99-budget`: the same p99 against the budget, 100 ms (target ≤ 1).
 * - `room-reports-acknowledged`: the reports the room acknowledged, against those it holds after
 *   the run (each sent again: the room answers that it has it). Target ≤ 1: none lost.
 * - `room-dashboard-draw`: the dashboard of the 300 attendees, from typing its address to the
 *   table drawn, in Chromium (median of 5 visits). Floor: a plain HTML page with the same
 *   300-row table, no script, from the floor's server.
 * - `room-dashboard-draw-budget`: the same against the budget, 1 s (target ≤ 1).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { figure, median, quantile, type Figure } from './figures';

const ATTENDEES = 300;
const INTERVAL_MS = { min: 2000, max: 4000 };
const TITLES = ['POST /session logs in', 'the access token is a JWT', 'the sessions table holds a hash', 'a wrong password gets 401', 'an unknown email takes as long', 'createSession has unit tests'];
const VISITS = 5;

type Simulate = typeof import('@session-api/room/simulate');
type Laptop = ReturnType<Simulate['laptop']>;

/** The loopback address of attendee `index`: 127.0.3.1 to 127.0.4.46 for 300. */
const addressOf = (index: number): string => `127.0.${3 + Math.floor(index / 250)}.${1 + (index % 250)}`;

/** The bare server of the floor, in a child process, and its port. */
async function startFloor(): Promise<{ url: string; stop: () => void }> {
  const register = require.resolve('@session-api/quality/register-typescript', { paths: [path.resolve(__dirname, '..')] });
  const child = spawn(process.execPath, ['--require', register, path.join(__dirname, 'room-floor.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the floor's server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

interface Load {
  latencies: number[];
  acknowledged: import('@session-api/room/schema').Report[][];
  errors: number;
}

/**
 * Every attendee sends a verify's report every 2 to 4 s (the first at a random moment of the
 * first interval, so they do not all start together) until `seconds` have passed.
 */
async function load(simulate: Simulate, laptops: Laptop[], seconds: number, seed: number): Promise<Load> {
  let state = seed;
  const random = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const result: Load = { latencies: [], acknowledged: laptops.map(() => []), errors: 0 };
  const end = performance.now() + seconds * 1000;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await Promise.all(
    laptops.map(async (machine, index) => {
      await pause(random() * INTERVAL_MS.max);
      while (performance.now() < end) {
        const report = simulate.verifyReport({ chapter: 3, titles: TITLES, passed: Math.floor(random() * (TITLES.length + 1)) });
        const started = performance.now();
        try {
          const answer = await machine.send([report]);
          result.latencies.push(performance.now() - started);
          if (answer.status === 200) result.acknowledged[index]?.push(report);
          else result.errors += 1;
        } catch {
          result.errors += 1;
        }
        await pause(INTERVAL_MS.min + random() * (INTERVAL_MS.max - INTERVAL_MS.min));
      }
    }),
  );
  return result;
}

/** How long a page takes from its address to its table drawn (the page sets data-drawn-at). */
async function drawTimes(browser: import('playwright-core').Browser, url: string): Promise<number[]> {
  const times: number[] = [];
  for (let visit = 0; visit < VISITS; visit += 1) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    const drawn = await page.waitForSelector('body[data-drawn-at]');
    times.push(Number(await drawn.getAttribute('data-drawn-at')));
    await page.close();
  }
  return times;
}

export async function measureRoom(progress: (message: string) => void, { quick = false } = {}): Promise<Figure[]> {
  const seconds = quick ? 30 : 180;
  const simulate = await import('@session-api/room/simulate');
  const { spawnRoom } = await import('@session-api/room/testing');
  const { scratchRepository } = await import('@session-api/workshop/scratch-repository');
  const { freePort } = await import('@session-api/local-stack/ports.mjs');
  const site = await import('@session-api/website/lib/site.mjs');
  const { chromium } = await import('playwright-core');

  const floorServer = await startFloor();
  const repo = scratchRepository('bench room');
  const browser = await chromium.launch({ executablePath: site.chromiumPath(), headless: true, args: site.CHROMIUM_ARGS });
  let room: Awaited<ReturnType<typeof spawnRoom>> | undefined;
  try {
    progress(`floor: ${ATTENDEES} attendees reporting to a bare Node server for ${seconds} s`);
    const floorLaptops = Array.from({ length: ATTENDEES }, (_, index) => simulate.laptop(floorServer.url, { address: addressOf(index) }));
    const floor = await load(simulate, floorLaptops, seconds, 17);
    for (const machine of floorLaptops) machine.close();

    room = await spawnRoom(repo.root, ['--port', String(await freePort())]);
    const laptops = Array.from({ length: ATTENDEES }, (_, index) => simulate.laptop(room?.url ?? '', { address: addressOf(index) }));
    for (const [index, machine] of laptops.entries()) await machine.join(room.code, `Attendee ${index + 1}`);
    // The instructor watches the room meanwhile: the dashboard is redrawn with every change.
    const watching = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await watching.goto(`${room.url}/room/dashboard#key=${room.key}`);
    progress(`the room: ${ATTENDEES} attendees reporting for ${seconds} s, the dashboard open`);
    const measured = await load(simulate, laptops, seconds, 17);
    await watching.close();

    // Every acknowledged report, sent again by its attendee: the room says it has it already.
    let kept = 0;
    let acknowledged = 0;
    for (const [index, reports] of measured.acknowledged.entries()) {
      acknowledged += reports.length;
      for (let start = 0; start < reports.length; start += 20) {
        const answer = await laptops[index]?.send(reports.slice(start, start + 20));
        if (answer?.status === 200) kept += Number((answer.json as { again?: number }).again);
      }
    }
    for (const machine of laptops) machine.close();
    if (measured.errors > 0 || floor.errors > 0) throw new Error(`${measured.errors} reports to the room and ${floor.errors} to the floor failed`);

    progress('the dashboard of 300 attendees in Chromium, against a plain table');
    const dashboard = await drawTimes(browser, `${room.url}/room/dashboard#key=${room.key}`);
    const table = await drawTimes(browser, floorServer.url);
    const p99 = quantile(measured.latencies, 0.99);
    progress(`${measured.latencies.length} reports, p99 ${p99.toFixed(1)} ms (floor ${quantile(floor.latencies, 0.99).toFixed(1)} ms); ${acknowledged - kept} of ${acknowledged} acknowledged reports lost`);
    return [
      figure('room-report-p50', median(measured.latencies), 'ms p50', median(floor.latencies)),
      figure('room-report-p99', p99, 'ms p99', quantile(floor.latencies, 0.99)),
      figure('room-report-p99-budget', p99, 'ms p99', 100, 1),
      figure('room-reports-acknowledged', acknowledged, 'reports', kept, 1),
      figure('room-dashboard-draw', median(dashboard), 'ms', median(table)),
      figure('room-dashboard-draw-budget', median(dashboard), 'ms', 1000, 1),
    ];
  } finally {
    await room?.stop();
    await browser.close();
    floorServer.stop();
    repo.remove();
  }
}
