// @ts-check
/**
 * `workshop join URL CODE --name NAME`: the attendee joins the instructor's room (their choice:
 * nothing is sent before it). It prints exactly what will be sent; after it, goto, verify, hint
 * and solve report to the room, and `status` shows the chapter the room is on.
 * `workshop join --leave` leaves it: nothing more is sent. The room's side is @session-api/room.
 */
import { NAME } from '@session-api/room/schema';
import { RoomError, joinRoom, leaveRoom, reportToRoom, roomNow, roomUrl, whatIsSent } from '@session-api/room/client';
import { readProgress } from '../progress.mjs';
import { UsageError, clock, colours, command } from '../ui.mjs';

const EXAMPLE = 'join http://192.168.1.20:3002 K7QD2M --name "Ada Lovelace"';
const NAME_PATTERN = new RegExp(NAME.pattern);

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ url: string | undefined, code: string | undefined, name: string | undefined, leave: boolean }} options
 * @returns {Promise<number>}
 */
export async function join(context, { url, code, name, leave }) {
  if (leave) {
    if (url !== undefined || code !== undefined || name !== undefined) throw new UsageError(`join --leave takes nothing else. Type: ${command('join --leave')}`);
    const { membership, told } = await leaveRoom(context.place);
    if (!membership) {
      context.print('You are not in a room: nothing is sent.');
      return 0;
    }
    context.print(`You left the room at ${membership.url}: nothing more is sent${told ? '' : ' (the room did not answer, so it still lists you until the instructor looks)'}.`);
    return 0;
  }
  if (url === undefined || code === undefined) throw new UsageError(`Say the room's address and code, as the instructor shows them, and your name: ${command(EXAMPLE)}`);
  if (name === undefined || !NAME_PATTERN.test(name) || name.length > NAME.maxLength) {
    throw new UsageError(`Give the name the room shows for you (${NAME.maxLength} characters at most), for example: ${command(EXAMPLE)}`);
  }
  try {
    roomUrl(url);
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}, for example: ${command(EXAMPLE)}`);
  }

  const progress = readProgress(context.place);
  const last = progress?.lastVerify && !progress.lastVerify.url ? { checked: progress.lastVerify.chapter, results: progress.lastVerify.results } : undefined;
  for (const line of whatIsSent(progress?.chapter ?? 1, last)) context.print(line);
  context.print('');
  let membership;
  try {
    membership = await joinRoom(context.place, { url, code, name, now: context.now });
  } catch (error) {
    if (error instanceof RoomError) {
      context.print(error.message);
      return 1;
    }
    throw error;
  }
  context.print(colours.bold(`You joined the room at ${membership.url} as "${membership.name}".`));
  if (membership.room) context.print(`The room is on chapter ${membership.room.number}: ${membership.room.title}.`);
  // The dashboard shows the chapter the attendee is on from the start.
  if (progress) await reportToRoom(context, { type: 'goto' });
  context.print(`The site: ${membership.url}/   To leave: ${command('join --leave')}`);
  return 0;
}

/**
 * What `status` shows of the room: nothing before joining one; then the room, the chapter it
 * is on, and the command that catches up when the attendee is behind.
 * @param {import('../context.mjs').Context} context
 * @returns {Promise<string[]>}
 */
export async function roomLines(context) {
  const now = await roomNow(context.place);
  if (!now) return [];
  const lines = [`Room: ${now.membership.url}, as "${now.membership.name}"${now.fresh ? '' : ` (it does not answer now${now.membership.heard ? `; last heard at ${clock(now.membership.heard)}` : ''})`}.`];
  if (!now.known) lines.push(`The room does not know you any more (was it started anew?). Join it again: ${command(`join ${now.membership.url} CODE --name ${JSON.stringify(now.membership.name)}`)}`);
  if (now.waiting > 0) lines.push(`${now.waiting} report${now.waiting === 1 ? '' : 's'} wait${now.waiting === 1 ? 's' : ''} in .workshop/ for the room.`);
  if (now.room) {
    lines.push(`The room is on chapter ${now.room.number}: ${now.room.title}.`);
    if (now.chapter !== undefined && now.chapter < now.room.number) lines.push(`You are on chapter ${now.chapter}, behind it. To catch up (your workspace is saved first): ${command(`goto ${now.room.number}`)}`);
  } else {
    lines.push("The room's chapter is not set yet.");
  }
  return ['', ...lines];
}
