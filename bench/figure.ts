/** The shape every benchmark reports, so `npm run bench` can print them in one table. */
export interface BenchFigure {
  /** What was measured, e.g. "predictions 1M x 100: mlgrade wall time". */
  name: string;
  value: number;
  unit: string;
  /** Optional comparison: value / reference, with what the reference is and the target. */
  ratio?: { value: number; against: string; target?: string; met?: boolean };
}

/** Median of a list of numbers (benchmarks report medians of repeated runs). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
