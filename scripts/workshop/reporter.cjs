// @ts-check
/**
 * The mocha reporter of `workshop verify`: one line per check as it runs (a spinner on a check
 * that takes a while, in a terminal). It writes every result, with the check's reason and
 * section, to the JSON file named by WORKSHOP_RESULTS: verify.mjs's summary() prints the reasons
 * from it after the run, and `workshop hint`, `status` and the chapters' chain read it too.
 *
 * CommonJS on purpose: mocha loads reporters with require().
 */
const { writeFileSync } = require('node:fs');
const { inspect, stripVTControlCharacters } = require('node:util');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SLOW_MS = 700;
/** A terminal reads this output, directly or through verify (which says so with WORKSHOP_TTY). */
const terminal = process.stdout.isTTY || process.env['WORKSHOP_TTY'] === '1';
const colour = (/** @type {number} */ code) => (/** @type {string} */ text) => (terminal && !process.env['NO_COLOR'] ? `\u001b[${code}m${text}\u001b[0m` : text);
const [green, red, dim, bold] = [colour(32), colour(31), colour(2), colour(1)];

/**
 * @typedef {object} CheckResult
 * @property {string} title
 * @property {'passed' | 'failed' | 'skipped'} state
 * @property {number} durationMs
 * @property {string} [reason]       why it failed, or why it was skipped
 * @property {string} [explained]    the heading of the chapter's page that explains it
 * @property {string[]} [hints]
 */

/** @param {any} test */
function metaOf(test) {
  return test?.workshop ?? {};
}

/** A value of a failed comparison, on one line and not too long to read. @param {unknown} value */
function shown(value) {
  const text = inspect(value, { breakLength: Infinity, depth: 3, maxArrayLength: 10, maxStringLength: 200 });
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** @param {unknown} error */
function reasonOf(error) {
  // An assertion without a message of the check's own ("Expected values to be strictly
  // equal:"): what was expected and what came, on the first line, where hint and status look.
  if (error instanceof Error && error.name === 'AssertionError' && /** @type {any} */ (error).generatedMessage) {
    const { actual, expected } = /** @type {any} */ (error);
    return `expected ${shown(expected)}, got ${shown(actual)}`;
  }
  if (error instanceof Error) {
    // An assertion's own message is the reason; its generated diff adds nothing for a learner.
    // Colour codes of output it quotes (a tool's error message) would show as garbage in the summary.
    return stripVTControlCharacters(error.message.replace(/\n\n\+ actual - expected[\s\S]*$/, '')).trim();
  }
  return String(error);
}

class WorkshopReporter {
  /** @param {Mocha.Runner} runner */
  constructor(runner) {
    /** @type {CheckResult[]} */
    const results = [];
    /** @type {NodeJS.Timeout | undefined} */
    let spinner;
    let started = 0;
    const chapter = process.env['WORKSHOP_CHAPTER_TITLE'];
    if (chapter) console.log(bold(chapter));

    const stopSpinner = () => {
      if (spinner) {
        clearInterval(spinner);
        spinner = undefined;
        process.stdout.write('\r\u001b[2K');
      }
    };

    runner.on(EVENT_TEST_BEGIN, (test) => {
      started = Date.now();
      if (!terminal) return;
      let frame = 0;
      spinner = setInterval(() => {
        if (Date.now() - started < SLOW_MS) return;
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        process.stdout.write(`\r\u001b[2K  ${SPINNER[frame++ % SPINNER.length]} ${test.title} ${dim(`${seconds} s`)}`);
      }, 100);
    });
    runner.on(EVENT_TEST_PASS, (test) => {
      stopSpinner();
      const durationMs = Date.now() - started;
      results.push({ title: test.title, state: 'passed', durationMs, ...metaOf(test) });
      console.log(`  ${green('✔')} ${test.title}${durationMs >= SLOW_MS ? dim(` (${(durationMs / 1000).toFixed(1)} s)`) : ''}`);
    });
    runner.on(EVENT_TEST_FAIL, (test, error) => {
      stopSpinner();
      // A failed hook is not a check; only mocha's own bookkeeping reaches here that way.
      if (test.type === 'hook') return;
      results.push({ title: test.title, state: 'failed', durationMs: Date.now() - started, reason: reasonOf(error), ...metaOf(test) });
      console.log(`  ${red('✖')} ${test.title}`);
    });
    runner.on(EVENT_TEST_PENDING, (test) => {
      stopSpinner();
      const reason = /** @type {any} */ (test).skipReason ?? 'skipped';
      results.push({ title: test.title, state: 'skipped', durationMs: 0, reason, ...metaOf(test) });
      console.log(`  ${dim(`- ${test.title} (skipped: ${reason})`)}`);
    });
    runner.once(EVENT_RUN_END, () => {
      stopSpinner();
      const file = process.env['WORKSHOP_RESULTS'];
      if (file) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    });
  }
}

module.exports = WorkshopReporter;
