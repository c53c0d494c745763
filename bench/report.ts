/**
 * Shows results.json: as a table in the terminal, and as the "Latest results" part of
 * README.md, rewritten between two marker comments each time the benchmark runs, so that the
 * documentation always shows the numbers of the last run and never a hand-copied older one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { meetsTarget, type Figure, type Results } from './figures';

const START = '<!-- bench:results:start (written by npm run bench: do not edit by hand) -->';
const END = '<!-- bench:results:end -->';

const show = (value: number | null): string => (value === null ? '–' : String(value));
const verdict = (row: Figure): string => (row.target === null ? '' : meetsTarget(row) ? `≤ ${row.target} ✔` : `≤ ${row.target} ✘ missed`);

export function terminalTable(results: Results): string {
  const rows = [['figure', 'value', 'unit', 'floor', 'ratio', 'target'], ...results.figures.map((row) => [row.name, show(row.value), row.unit, show(row.floor), show(row.ratio), verdict(row)])];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [`${results.date} on ${results.machine}`, '', ...rows.map(line), ''].join('\n');
}

export function markdownTable(results: Results): string {
  return [
    `Measured ${results.date.slice(0, 16).replace('T', ' ')} UTC on ${results.machine}.`,
    '',
    '| Figure | Value | Unit | Floor | Ratio | Target |',
    '| --- | ---: | --- | ---: | ---: | --- |',
    ...results.figures.map((row) => `| \`${row.name}\` | ${show(row.value)} | ${row.unit} | ${show(row.floor)} | ${show(row.ratio)} | ${verdict(row)} |`),
  ].join('\n');
}

/** Replaces the part of README.md between the markers with the table of these results. */
export function updateReadme(readmePath: string, results: Results): void {
  const readme = readFileSync(readmePath, 'utf8');
  const [start, end] = [readme.indexOf(START), readme.indexOf(END)];
  if (start < 0 || end < start) throw new Error(`${readmePath} has lost its result markers: ${START} … ${END}`);
  writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n${markdownTable(results)}\n${readme.slice(end)}`);
}
