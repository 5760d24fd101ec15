/** The report's statistics on values small enough to work out by hand. */
import { describe, expect, it } from 'vitest';
import { histogram, maximum, mean, median, quantile } from '../../src/analytics/statistics.js';

describe('report statistics', () => {
  it('interpolates quantiles between closest ranks', () => {
    // Sorted [1, 2, 4, 10]: Q1 at position 3·0.25 = 0.75 → 1 + 0.75·(2−1) = 1.75; median at 1.5 → 2 + 0.5·2 = 3;
    // Q3 at 2.25 → 4 + 0.25·6 = 5.5.
    const values = [10, 1, 4, 2];
    expect(quantile(values, 0.25)).toBe(1.75);
    expect(median(values)).toBe(3);
    expect(quantile(values, 0.75)).toBe(5.5);
    expect(median([7, 3, 5])).toBe(5);
    expect(median([42])).toBe(42);
    expect(median([])).toBeUndefined();
  });

  it('rounds means to 2 decimals and finds the maximum', () => {
    expect(mean([1, 2, 2])).toBe(1.67);
    expect(mean([])).toBeUndefined();
    expect(maximum([3, 9, 1])).toBe(9);
    expect(maximum([])).toBeUndefined();
  });

  it('bins percents with the lower edge inclusive and 100 in the last bin', () => {
    const bins = histogram([0, 9.99, 10, 55, 89.99, 90, 100]);
    expect(bins.map((bin) => [bin.from, bin.to, bin.count])).toEqual([
      [0, 10, 2],
      [10, 20, 1],
      [20, 30, 0],
      [30, 40, 0],
      [40, 50, 0],
      [50, 60, 1],
      [60, 70, 0],
      [70, 80, 0],
      [80, 90, 1],
      [90, 100, 2],
    ]);
  });
});
