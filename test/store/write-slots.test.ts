/**
 * The GitHub write budget every replica shares, in the ledger. Expected delays are worked out by
 * hand from the limits: 3 writes per 1,000 ms window, 5 per 10,000 ms "hour", 100 ms apart.
 */
import { describe, expect, it } from 'vitest';
import { memoryWriteBudget, type WriteLimits } from '../../src/github/write-budget.js';
import { backends, useLedgerPair } from './ledger-backends.js';

const limits: WriteLimits = { perWindow: 3, windowMs: 1_000, perHour: 5, hourMs: 10_000, gapMs: 100 };

/** [time the write asks, delay the budget answers (0: taken)] */
const SCRIPT: [number, number][] = [
  [0, 0],
  [50, 50], // 100 ms after the write at 0
  [100, 0],
  [200, 0],
  [300, 700], // the window (−700, 300] holds 0, 100, 200: the write at 0 leaves it at 1,000
  [1_000, 0], // the window (0, 1000] holds 100, 200
  [1_100, 0], // the hour now holds 5: 0, 100, 200, 1000, 1100
  [1_200, 8_800], // the hour is full until the write at 0 leaves it at 10,000
  [10_000, 0],
];

describe.each(backends().map((make) => [make().name, make] as const))(
  'shared write budget (%s)',
  (_name, make) => {
    const pair = useLedgerPair(make());
    const ledger = () => pair.ledger();
    /** A second process on the same database (PostgreSQL); PGlite is one process, so the same ledger. */
    const replica = () => pair.replica();

    it('grants and delays as the limits say, whichever replica asks', async () => {
      const base = Date.parse('2031-01-01T00:00:00Z');
      const budgets = [ledger().writeBudget(limits), replica().writeBudget(limits)];
      const answers: [number, number][] = [];
      for (const [n, [at]] of SCRIPT.entries()) answers.push([at, await budgets[n % 2]!.take(base + at)]);
      expect(answers).toEqual(SCRIPT);
    });

    it('gives one slot to one of two replicas asking at the same moment', async () => {
      const at = Date.parse('2032-01-01T00:00:00Z');
      const budgets = [ledger().writeBudget(limits), replica().writeBudget(limits)];
      const delays = await Promise.all(budgets.map((budget) => budget.take(at)));
      expect(delays.sort((a, b) => a - b)).toEqual([0, 100]);
    });
  },
);

describe('the in-memory budget (one process: the CLI)', () => {
  it('answers the same script', async () => {
    const budget = memoryWriteBudget(limits);
    const answers: [number, number][] = [];
    for (const [at] of SCRIPT) answers.push([at, await budget.take(at)]);
    expect(answers).toEqual(SCRIPT);
  });
});
