// @ts-check
/**
 * How the learner's commands talk: the one form every message uses to name a command, the
 * colours, the yes/no question asked before anything is overwritten, and the error that means
 * "you typed something that cannot work: here is what to type instead".
 */
import readline from 'node:readline/promises';
import pc from 'picocolors';

/** picocolors: colour in a terminal, plain text when piped or with NO_COLOR set. */
export const colours = pc;

/**
 * A mistake the learner can fix: the message is one line that says what is wrong and what to
 * type. The command exits with 2 and has changed nothing.
 */
export class UsageError extends Error {}

/**
 * A learner's command, as the README shows it (and as every message names it).
 * @param {string} args e.g. "goto 3"
 */
export function command(args) {
  return `npm run workshop -- ${args}`;
}

/**
 * @typedef {(question: string) => Promise<boolean>} Ask  asks a yes/no question, true for yes
 */

/**
 * The question asker of an interactive terminal, or undefined when there is nobody to ask
 * (input piped, a script, CI): then a command that would overwrite files needs --yes.
 * @param {NodeJS.ReadStream} input
 * @param {NodeJS.WriteStream} output
 * @returns {Ask | undefined}
 */
export function terminalAsk(input = process.stdin, output = process.stdout) {
  if (!input.isTTY) return undefined;
  return async (question) => {
    const rl = readline.createInterface({ input, output });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}

/**
 * Asks before something is overwritten; refuses, with what to type, when nobody can be asked.
 * @param {{ ask: Ask | undefined, yes: boolean }} how
 * @param {string} question e.g. "Replace the files of workspace/ with the start of chapter 3?"
 * @param {string} retry the command that goes ahead without asking, e.g. "goto 3 --yes"
 * @returns {Promise<boolean>} whether to go ahead
 */
export async function confirmOverwrite({ ask, yes }, question, retry) {
  if (yes) return true;
  if (!ask) throw new UsageError(`${question} Nothing was changed: not in a terminal, so nobody could be asked. To go ahead, type: ${command(retry)}`);
  return ask(question);
}

/**
 * A duration for people: "45 s", "12 min", "1 h 05".
 * @param {number} seconds
 */
export function duration(seconds) {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * A time of day for people, in the learner's time zone: "14:05".
 * @param {string} iso
 */
export function clock(iso) {
  const date = new Date(iso);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}
