/** A lease in the ledger: one holder at a time (the sweep of one replica), lost when it runs out. */
import { describe, expect, it } from 'vitest';
import { backends, useLedgerPair } from './ledger-backends.js';

describe.each(backends().map((make) => [make().name, make] as const))('leases (%s)', (_name, make) => {
  const pair = useLedgerPair(make());
  const ledger = () => pair.ledger();
  /** A second process on the same database (PostgreSQL); PGlite is one process, so the same ledger. */
  const replica = () => pair.replica();

  it('is held by one holder until released or run out; its holder renews it', async () => {
    const at = (s: number) => new Date(Date.parse('2033-01-01T00:00:00Z') + s * 1000);
    expect(await ledger().takeLease('sweep-test', 'a', 60_000, at(0))).toBe(true);
    expect(await replica().takeLease('sweep-test', 'b', 60_000, at(30))).toBe(false);
    expect(await ledger().takeLease('sweep-test', 'a', 60_000, at(30))).toBe(true); // renewed to 90 s
    expect(await replica().takeLease('sweep-test', 'b', 60_000, at(80))).toBe(false);
    expect(await replica().takeLease('sweep-test', 'b', 60_000, at(90))).toBe(true); // a's ran out
    await ledger().releaseLease('sweep-test', 'a'); // not a's any more: nothing changes
    expect(await ledger().takeLease('sweep-test', 'a', 60_000, at(100))).toBe(false);
    await replica().releaseLease('sweep-test', 'b');
    expect(await ledger().takeLease('sweep-test', 'a', 60_000, at(100))).toBe(true);
  });

  it('goes to exactly one of two replicas asking at once', async () => {
    const now = new Date('2034-01-01T00:00:00Z');
    const taken = await Promise.all([
      ledger().takeLease('sweep-race', 'a', 60_000, now),
      replica().takeLease('sweep-race', 'b', 60_000, now),
    ]);
    expect(taken.filter(Boolean)).toHaveLength(1);
  });
});
