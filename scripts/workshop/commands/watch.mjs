// @ts-check
/**
 * `workshop watch`: checks the current chapter on every save in workspace/, against a local
 * stack that stays up, and shows the last verdict only (watch.mjs). Ctrl-C stops it and
 * everything it started. In a terminal the screen is redrawn for each verdict; piped, each
 * verdict is printed after a line that says when it came.
 */
import { startWatching } from '../watch.mjs';
import { clock, colours, command } from '../ui.mjs';

/**
 * @param {import('../context.mjs').Context} context
 * @returns {Promise<number>}
 */
export async function watch(context) {
  const terminal = process.stdout.isTTY === true;
  /** @type {ReturnType<typeof startWatching> extends Promise<infer W> ? W | undefined : never} */
  let watching;
  const header = () => {
    const chapter = watching?.chapter();
    return colours.bold(`Chapter ${chapter?.number ?? '…'}: ${chapter?.title ?? ''}, watching workspace/ (save a file to check again; Ctrl-C stops)`);
  };
  watching = await startWatching(context, {
    onRunning: (changed) => {
      const why = changed ? `after a save of ${changed}` : 'for a start';
      context.print(terminal ? colours.dim(`… checking ${why}`) : `[watch] checking ${why}`);
    },
    onVerdict: (verdict) => {
      const when = `${clock(new Date().toISOString())}, ${verdict.seconds.toFixed(1)} s after the save`;
      if (terminal) {
        process.stdout.write('\u001b[2J\u001b[3J\u001b[H');
        context.print(`${header()}\n\n${verdict.text}\n\n${colours.dim(`Checked at ${when}. For one run without watching: ${command('verify')}`)}`);
      } else {
        context.print(`[watch] verdict (${when}):\n${verdict.text}`);
      }
    },
  });
  if (!terminal) context.print(`[watch] ${header()}`);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  context.print(terminal ? '\nStopping the local stack…' : '[watch] stopping');
  await watching.stop();
  return 0;
}
