/**
 * Shows results.json as a table in the terminal. The documentation does not copy the figures:
 * the website's Performance page is built from results.json itself
 * (website/plugins/repository-facts.mjs), so it always shows the last run and never a
 * hand-copied older one.
 */
import { meetsTarget, type Figure, type Results } from './figures';

const show = (value: number | null): string => (value === null ? '–' : String(value));
const verdict = (row: Figure): string => (row.target === null ? '' : meetsTarget(row) ? `≤ ${row.target} ✔` : `≤ ${row.target} ✘ missed`);

export function terminalTable(results: Results): string {
  const rows = [['figure', 'value', 'unit', 'floor', 'ratio', 'target'], ...results.figures.map((row) => [row.name, show(row.value), row.unit, show(row.floor), show(row.ratio), verdict(row)])];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [`${results.date} on ${results.machine}`, '', ...rows.map(line), ''].join('\n');
}
