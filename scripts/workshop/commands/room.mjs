// @ts-check
/**
 * `workshop room`: the instructor starts the room on their laptop, a web app on the room's
 * network (no internet needed) that shows every attendee who joined, live, and serves the
 * workshop's site. The room itself is the @session-api/room package; this command only reads the
 * command line, opens it, and prints how to join it.
 *
 *   room                     port 3002, on every address of this laptop
 *   room --port N            another port
 *   room --host 127.0.0.1    only this laptop (for a try on your own)
 *   room --stuck-minutes N   how long the same failing check makes an attendee stuck (10)
 *   room --new               a new room: new code and key (the old one is kept aside)
 *
 * The room keeps what happened in .workshop/room/: started again, it is the same room (same
 * code, same key, every attendee still in), even after a crash.
 */
import { existsSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreLocked } from '@session-api/room/store';
import { openRoom } from '@session-api/room/server';
import { roomChapter } from '@session-api/room/state';
import { UsageError, colours, command } from '../ui.mjs';

/**
 * A whole number in a range, from the command line.
 * @param {string | undefined} text @param {string} option @param {number} low @param {number} high @param {number} fallback
 */
function wholeNumber(text, option, low, high, fallback) {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= low && value <= high)) throw new UsageError(`${option} takes a whole number from ${low} to ${high} (got "${text}"), for example: ${command(`room ${option} ${fallback}`)}`);
  return value;
}

/** The addresses of this laptop on its networks (IPv4, not the loopback). */
function networkAddresses() {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)
    .map((entry) => /** @type {os.NetworkInterfaceInfo} */ (entry).address);
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ port: string | undefined, host: string | undefined, stuckMinutes: string | undefined, fresh: boolean }} options
 * @param {{ untilStopped?: Promise<unknown> }} [test] what ends the room (Ctrl-C by default)
 * @returns {Promise<number>}
 */
export async function room(context, options, test = {}) {
  const port = wholeNumber(options.port, '--port', 1, 65535, 3002);
  const stuckMinutes = wholeNumber(options.stuckMinutes, '--stuck-minutes', 1, 240, 10);
  const folder = path.join(context.place.stateDir, 'room');
  if (options.fresh && existsSync(folder)) {
    const aside = `${folder}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(folder, aside);
    context.print(`The previous room is kept in ${path.relative(context.root, aside)}.`);
  }

  let opened;
  try {
    opened = await openRoom({ chapters: context.chapters.map(roomChapter), folder, siteDir: path.join(context.root, 'website', 'build'), port, stuckMinutes, ...(options.host ? { host: options.host } : {}) });
  } catch (error) {
    if (error instanceof StoreLocked) throw new UsageError(`A room is already running from ${path.relative(context.root, folder)} (in another terminal?). Use that one, or stop it first.`);
    if (/** @type {any} */ (error)?.code === 'EADDRINUSE') throw new UsageError(`Port ${port} is taken: something else listens there. Choose another: ${command(`room --port ${port + 1}`)}`);
    throw error;
  }

  const here = options.host && options.host !== '0.0.0.0' ? [options.host] : networkAddresses();
  const origin = `http://${here[0] ?? 'localhost'}:${opened.port}`;
  const local = `http://${options.host && options.host !== '0.0.0.0' ? options.host : 'localhost'}:${opened.port}`;
  context.print(colours.bold(`The room is open on port ${opened.port}${opened.replayed > 0 ? ` (reopened: ${opened.replayed} records read back, every attendee still in)` : ''}.`));
  context.print('');
  context.print(`  Attendees join with:  ${command(`join ${origin} ${opened.code} --name "Your name"`)}`);
  context.print(`  Room code:            ${opened.code}`);
  context.print(`  The workshop's site:  ${origin}/`);
  for (const other of here.slice(1)) context.print(`  (also at http://${other}:${opened.port})`);
  context.print(`  Dashboard:            ${local}/room/dashboard#key=${opened.key}`);
  context.print(`  Presenter view:       ${local}/room/presenter#key=${opened.key}`);
  context.print(`  Instructor key:       ${opened.key}  (keep it off the projector)`);
  context.print('');
  if (!opened.site) context.print(colours.yellow('The site is not built, so the room cannot serve it: build it with `npm run docs:build`, then start the room again.'));
  context.print(`Ctrl-C closes the room. What happened stays in ${path.relative(context.root, folder)}/: ${command('room')} opens the same room again; ${command('room --new')} a new one.`);

  await (test.untilStopped ??
    new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }));
  await opened.close();
  context.print('The room is closed.');
  return 0;
}
