// @ts-check
/**
 * `workshop`: the learner's command (`npm run workshop -- <command>`, or `npx workshop <command>`).
 * This file only reads the command line and hands over to one module per command
 * (commands/*.mjs), loaded only when it runs, so that every command starts fast; `help` lists them.
 *
 * Every mistake on the command line, and every state a command cannot work in (no workspace, a
 * damaged progress file, a port taken, ...), ends with one line that says what is wrong and what
 * to type, exit code 2, and nothing changed. Checks that fail exit with 1.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadChapters, repositoryRoot } from './chapters.mjs';
import { UsageError, command, terminalAsk } from './ui.mjs';
import { placeOf } from './workspace.mjs';


/**
 * @typedef {import('./context.mjs').Context} Context
 * @typedef {{ type: 'string' | 'boolean' }} Option
 * @typedef {object} Command
 * @property {string} usage
 * @property {string} about
 * @property {Record<string, Option>} options
 * @property {number} positionals      how many words it takes after its name (at most)
 * @property {(context: Context, values: Record<string, string | boolean | undefined>, words: string[]) => Promise<number>} run
 */

const str = (/** @type {unknown} */ value) => (typeof value === 'string' ? value : undefined);

/** @type {Record<string, Command>} */
const COMMANDS = {
  status: {
    usage: 'status [--json]',
    about: 'where you are: the chapters verified, the time each took, what to type next',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    run: async (context, values) => (await import('./commands/status.mjs')).status(context, { json: values['json'] === true }),
  },
  goto: {
    usage: 'goto N [--yes] [--keep]',
    about: 'set workspace/ to the start of chapter N, its steps left to write (saved first); --keep only changes the chapter',
    options: { yes: { type: 'boolean' }, keep: { type: 'boolean' } },
    positionals: 1,
    run: async (context, values, words) => (await import('./commands/goto.mjs')).goto(context, { chapter: words[0], yes: values['yes'] === true, keep: values['keep'] === true }),
  },
  verify: {
    usage: 'verify [--chapter N] [--url URL]',
    about: "run the chapter's checks on workspace/; --url: against your deployed API",
    options: { chapter: { type: 'string' }, url: { type: 'string' }, target: { type: 'string' } },
    positionals: 0,
    run: async (context, values) => (await import('./commands/verify.mjs')).verify(context, { chapter: str(values['chapter']), url: str(values['url']), target: str(values['target']) }),
  },
  watch: {
    usage: 'watch',
    about: "check the chapter again on every save in workspace/, against a local stack that stays up (Ctrl-C stops)",
    options: {},
    positionals: 0,
    run: async (context) => (await import('./commands/watch.mjs')).watch(context),
  },
  hint: {
    usage: 'hint [STEP]',
    about: 'a hint for what verify found first (or for one step); again for the next level',
    options: {},
    positionals: 1,
    run: async (context, _values, words) => (await import('./commands/hint.mjs')).hint(context, { step: words[0] }),
  },
  diff: {
    usage: 'diff [--chapter N]',
    about: "your steps against the chapter's solution; --chapter N: what learners write in chapter N",
    options: { chapter: { type: 'string' } },
    positionals: 0,
    run: async (context, values) => (await import('./commands/diff.mjs')).diff(context, { chapter: str(values['chapter']) }),
  },
  solve: {
    usage: 'solve [STEP | PATH] [--yes]',
    about: "put the chapter's solution (all, one step, or one file or folder) into workspace/ (saved first)",
    options: { yes: { type: 'boolean' } },
    positionals: 1,
    run: async (context, values, words) => (await import('./commands/solve.mjs')).solve(context, { path: words[0], yes: values['yes'] === true }),
  },
  restore: {
    usage: 'restore [N] [--yes]',
    about: 'list the saved copies of workspace/, or bring copy N back',
    options: { yes: { type: 'boolean' } },
    positionals: 1,
    run: async (context, values, words) => (await import('./commands/restore.mjs')).restore(context, { which: words[0], yes: values['yes'] === true }),
  },
  serve: {
    usage: 'serve [--port N]',
    about: 'run workspace/ on the local stack, at http://localhost:3000/local (Ctrl-C stops it)',
    options: { port: { type: 'string' } },
    positionals: 0,
    run: async (context, values) => (await import('./commands/serve.mjs')).serve(context, { port: str(values['port']) }),
  },
  doctor: {
    usage: 'doctor [--port N]',
    about: 'check this computer: Node.js, npm, dependencies, port 3000, disk space, write access',
    options: { port: { type: 'string' } },
    positionals: 0,
    run: async (context, values) => (await import('./commands/doctor.mjs')).doctor(context, { port: str(values['port']) }),
  },
  'pack-offline': {
    usage: 'pack-offline [--out DIR] [--this-platform]',
    about: 'for instructors: a kit (repository + npm cache) that installs with no network',
    options: { out: { type: 'string' }, 'this-platform': { type: 'boolean' } },
    positionals: 0,
    run: async (context, values) => (await import('./commands/pack-offline.mjs')).packOffline(context, { out: str(values['out']), thisPlatform: values['this-platform'] === true }),
  },
  room: {
    usage: 'room [--port N] [--host ADDRESS] [--stuck-minutes N] [--new]',
    about: "for instructors: the room, on this laptop's network: every attendee's chapter and failing check, live",
    options: { port: { type: 'string' }, host: { type: 'string' }, 'stuck-minutes': { type: 'string' }, new: { type: 'boolean' } },
    positionals: 0,
    run: async (context, values) => (await import('./commands/room.mjs')).room(context, { port: str(values['port']), host: str(values['host']), stuckMinutes: str(values['stuck-minutes']), fresh: values['new'] === true }),
  },
  join: {
    usage: 'join URL CODE --name NAME | join --leave',
    about: "join the instructor's room (it prints what is sent), or leave it",
    options: { name: { type: 'string' }, leave: { type: 'boolean' } },
    positionals: 2,
    run: async (context, values, words) => (await import('./commands/join.mjs')).join(context, { url: words[0], code: words[1], name: str(values['name']), leave: values['leave'] === true }),
  },
};

/** The list of commands, for `help`. */
export function helpText() {
  const width = Math.max(...Object.values(COMMANDS).map((entry) => entry.usage.length));
  return [
    `The workshop's commands: ${command('<command>')}`,
    '',
    ...Object.values(COMMANDS).map((entry) => `  ${entry.usage.padEnd(width)}  ${entry.about}`),
    '',
    `New here? ${command('doctor')}, then ${command('goto 1')}.`,
  ].join('\n');
}

/**
 * The command, its options and its words, or a UsageError that says what to type.
 * @param {string[]} argv
 */
export function parseCommandLine(argv) {
  const [name = 'help', ...rest] = argv;
  if (['help', '--help', '-h'].includes(name)) return undefined;
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) throw new UsageError(`Unknown command "${name}". The commands are ${Object.keys(COMMANDS).join(', ')}; ${command('help')} says what each does.`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: entry.options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's first sentence says what is wrong ("Unknown option '--force'"); the usage says the rest.
    const reason = (error instanceof Error ? error.message : String(error)).split(/\.(\s|$)/)[0];
    throw new UsageError(`${reason}. Usage: ${command(entry.usage)}`);
  }
  if (parsed.positionals.length > entry.positionals) {
    throw new UsageError(`${name} takes ${entry.positionals === 0 ? 'no words' : entry.positionals === 1 ? 'one word' : `at most ${entry.positionals} words`} after it (got "${parsed.positionals.join(' ')}"). Usage: ${command(entry.usage)}`);
  }
  return { entry, values: parsed.values, words: parsed.positionals };
}

/**
 * @param {string[]} argv
 * @param {Partial<Context>} [given] what tests replace: where it runs, how it asks and prints
 * @returns {Promise<number>} the exit code
 */
export async function main(argv, given = {}) {
  const print = given.print ?? ((/** @type {string | undefined} */ text = '') => console.log(text));
  try {
    const parsed = parseCommandLine(argv);
    if (!parsed) {
      print(helpText());
      return argv.length === 0 ? 2 : 0;
    }
    const cwd = given.cwd ?? process.cwd();
    // Under `npm run workshop`, npm runs this at the root; INIT_CWD is where the learner typed it.
    const invokedFrom = given.invokedFrom ?? (process.env['npm_lifecycle_event'] === 'workshop' && process.env['INIT_CWD'] ? process.env['INIT_CWD'] : cwd);
    const root = given.root ?? repositoryRoot(cwd);
    /** @type {Context} */
    const context = {
      root,
      chapters: given.chapters ?? loadChapters(root),
      place: given.place ?? placeOf(root),
      cwd: path.resolve(cwd),
      invokedFrom: path.resolve(invokedFrom),
      ask: 'ask' in given ? given.ask : terminalAsk(),
      print,
      now: given.now ?? (() => new Date()),
    };
    return await parsed.entry.run(context, parsed.values, parsed.words);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError ? 2 : 1;
  }
}
