/** Descriptive statistics the class report uses; every result rounded to 2 decimals. */

/** Rounds to 2 decimals (the precision points are kept at). */
export function round2(x: number): number {
  return Math.round((x + Number.EPSILON * Math.sign(x)) * 100) / 100;
}

/** Arithmetic mean; undefined for no values. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return round2(values.reduce((total, value) => total + value, 0) / values.length);
}

/**
 * The p-quantile (0 ≤ p ≤ 1) with linear interpolation between closest ranks (Hyndman and Fan type 7,
 * the default of R, NumPy and spreadsheet QUARTILE.INC): position h = (n − 1)·p in the sorted values,
 * value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). Undefined for no values.
 */
export function quantile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  return round2(sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!));
}

/** The median: the 0.5-quantile (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number | undefined {
  return quantile(values, 0.5);
}

/** Largest value; undefined for no values. */
export function maximum(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.max(...values);
}

/** One histogram bin: `from` inclusive, `to` exclusive except for the last bin, which includes 100. */
export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** Counts percentages (0–100) into `bins` equal bins; 100 falls in the last bin. */
export function histogram(percents: readonly number[], bins = 10): Bin[] {
  const width = 100 / bins;
  const result: Bin[] = Array.from({ length: bins }, (_, i) => ({
    from: round2(i * width),
    to: round2((i + 1) * width),
    count: 0,
  }));
  for (const percent of percents) {
    const index = Math.min(bins - 1, Math.max(0, Math.floor(percent / width)));
    result[index]!.count++;
  }
  return result;
}
