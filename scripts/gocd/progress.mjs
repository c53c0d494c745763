// @ts-check
/**
 * The live view of `npm run pipeline`: one line per stage and per job, with its state and how
 * long it has run, like the stage bar of the GoCD UI.
 *
 * In a terminal the block of lines is redrawn twice a second (the clock keeps ticking while a
 * job is silent for minutes). When the output is a file or a pipe (CI, the tests), each change
 * is printed once as a line of its own instead, because redrawing needs a terminal.
 */
import { clearInterval, setInterval } from 'node:timers';

/** @typedef {'waiting' | 'running' | 'passed' | 'failed' | 'skipped' | 'awaiting approval'} State */

/**
 * @typedef {object} Row
 * @property {string} label     `unit-test` or `  mocha` (jobs are indented under their stage)
 * @property {State} state
 * @property {number} [startedAt]
 * @property {number} [endedAt]
 */

const SYMBOLS = /** @type {Record<State, string>} */ ({
  waiting: '·',
  running: '▶',
  passed: '✔',
  failed: '✖',
  skipped: '-',
  'awaiting approval': '⏸',
});

export class Progress {
  /**
   * @param {NodeJS.WriteStream | import('node:stream').Writable} output
   * @param {string[][]} stages  stage name followed by its job names, for each stage
   */
  constructor(output, stages) {
    this.output = output;
    this.live = 'isTTY' in output && output.isTTY === true;
    /** @type {Map<string, Row>} */
    this.rows = new Map();
    for (const [stage = '', ...jobs] of stages) {
      this.rows.set(stage, { label: stage, state: 'waiting' });
      for (const job of jobs) this.rows.set(`${stage}/${job}`, { label: `  ${job}`, state: 'waiting' });
    }
    this.drawnLines = 0;
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
  }

  start() {
    if (!this.live) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), 500);
  }

  /**
   * @param {string} stage
   * @param {string | null} job  null for the stage's own row
   * @param {State} state
   * @param {string} [note]      printed after the row in the line-by-line mode (e.g. a log path)
   */
  set(stage, job, state, note = '') {
    const row = this.rows.get(job === null ? stage : `${stage}/${job}`);
    if (!row) return;
    if (state === 'running') row.startedAt = Date.now();
    if (['passed', 'failed'].includes(state)) row.endedAt = Date.now();
    row.state = state;
    if (this.live) this.draw();
    // Line by line, a start needs no clock: the line of its end says how long it took.
    else this.output.write(`${state === 'running' ? `${SYMBOLS.running} ${row.label}` : formatRow(row)}${note ? `  ${note}` : ''}\n`);
  }

  /**
   * Prints text above the live block (e.g. the tail of a failed job's log).
   * @param {string} text
   */
  print(text) {
    if (!this.live) {
      this.output.write(text);
      return;
    }
    this.erase();
    this.output.write(text);
    this.drawnLines = 0;
    this.draw();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.draw();
  }

  /** @private */
  draw() {
    this.erase();
    const lines = [...this.rows.values()].map(formatRow);
    this.output.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  /** @private Moves the cursor up over the last drawn block and clears it. */
  erase() {
    if (this.drawnLines > 0) this.output.write(`\x1b[${this.drawnLines}A\x1b[0J`);
  }
}

/**
 * @param {Row} row
 * @returns {string} e.g. `✔ unit-test              21.4 s`
 */
function formatRow(row) {
  const seconds = row.startedAt === undefined ? '' : `${(((row.endedAt ?? Date.now()) - row.startedAt) / 1000).toFixed(1)} s`;
  const state = ['waiting', 'passed', 'running'].includes(row.state) ? '' : ` (${row.state})`;
  return `${SYMBOLS[row.state]} ${row.label.padEnd(24)} ${seconds.padStart(8)}${state}`;
}
