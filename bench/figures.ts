/**
 * One measured figure of the benchmark: the value, the floor it is compared with (the least the
 * same work could cost, or the reference the Performance page names), their ratio, and a target ratio
 * where the project promises one. ratio = cost ÷ floor's cost, so for a rate (requests per
 * second) it is floor ÷ value: a ratio of 1 means "as cheap as the floor", whatever the unit.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  floor: number | null;
  ratio: number | null;
  target: number | null;
}

export interface Results {
  date: string;
  machine: string;
  figures: Figure[];
}

/** Units where more is better: their ratio is floor ÷ value. */
const RATES = new Set(['req/s']);

/** Rounds to 3 significant digits: more would be noise, not precision. */
export function round(value: number): number {
  return Number(value.toPrecision(3));
}

export function figure(name: string, value: number, unit: string, floor: number | null, target: number | null = null): Figure {
  const ratio = floor === null || floor === 0 || value === 0 ? null : RATES.has(unit) ? floor / value : value / floor;
  return { name, value: round(value), unit, floor: floor === null ? null : round(floor), ratio: ratio === null ? null : round(ratio), target };
}

/** The q-quantile (0.5 = median) of some samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

/** Whether a figure meets its target (true when it has none). */
export function meetsTarget(result: Figure): boolean {
  return result.target === null || (result.ratio !== null && result.ratio <= result.target);
}
