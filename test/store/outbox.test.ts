import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/store/ledger-types.js';
import type { OutboxPut } from '../../src/store/outbox.js';
import { backends, newAttempt } from './ledger-backends.js';

/** A write with a unique key unless one is given. */
function write(overrides: Partial<OutboxPut> = {}): OutboxPut {
  return {
    key: `check_run:o/r:${Math.random()}`,
    kind: 'check_run',
    repository: 'o/r',
    payload: { n: 1 },
    priority: 10,
    ...overrides,
  };
}

describe.each(backends().map((make) => [make().name, make] as const))('outbox (%s)', (_name, make) => {
  const backend = make();
  let ledger: Ledger;
  // Each test works on its own clock, far from the others', so rows of one test are never due in another.
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const later = (ms: number) => new Date(clock + ms);
  beforeAll(async () => {
    ledger = await backend.open();
  });
  afterAll(async () => {
    await ledger?.close();
  });
  /** Claims everything due now, as a worker would, then marks it done (a clean slate for the next test). */
  async function drainAll(at: Date) {
    for (const item of await ledger.outbox.claim(1_000, 60_000, at)) await ledger.outbox.done(item, at);
  }

  it('claims by priority, then by the order stored; a claimed row is not claimed again during its lease', async () => {
    clock += 1e9;
    await drainAll(later(0));
    const comment = write({ kind: 'comment', priority: 20 });
    const first = write();
    const second = write();
    await ledger.outbox.put([comment, first, second]);
    const claimed = await ledger.outbox.claim(2, 60_000, later(1));
    expect(claimed.map((item) => item.key)).toEqual([first.key, second.key]);
    expect(claimed.every((item) => item.tries === 1)).toBe(true);
    const rest = await ledger.outbox.claim(10, 60_000, later(2));
    expect(rest.map((item) => item.key)).toEqual([comment.key]);
    expect(await ledger.outbox.claim(10, 60_000, later(3))).toEqual([]);
    // The first claimer died: when its lease ends (the comment's lease ends a millisecond later),
    // its rows are claimed again.
    const again = await ledger.outbox.claim(10, 60_000, later(60_001));
    expect(again.map((item) => item.key).sort()).toEqual([first.key, second.key].sort());
    expect(again.every((item) => item.tries === 2)).toBe(true);
    await drainAll(later(200_000));
  });

  it('coalesces a second write for the same key into the pending row; a send of the older version does not complete it', async () => {
    clock += 1e9;
    const key = `comment:o/r#1:m4:${Math.random()}`;
    await ledger.outbox.put([write({ key, payload: { body: 'first' } })]);
    const [sending] = await ledger.outbox.claim(10, 60_000, later(1));
    expect(sending?.payload).toEqual({ body: 'first' });
    await ledger.outbox.put([write({ key, payload: { body: 'second' } })]);
    expect(await ledger.outbox.done(sending!, later(2))).toBe(false);
    const [resend] = await ledger.outbox.claim(10, 60_000, later(3));
    expect(resend).toMatchObject({ id: sending!.id, key, payload: { body: 'second' } });
    expect(await ledger.outbox.done(resend!, later(4))).toBe(true);
    // Done: a later write of the same key is a new row.
    await ledger.outbox.put([write({ key, payload: { body: 'third' } })]);
    const [third] = await ledger.outbox.claim(10, 60_000, later(5));
    expect(third?.id).not.toBe(sending!.id);
    expect(await ledger.outbox.done(third!, later(6))).toBe(true);
  });

  it('never gives one row to two claimers at once (replicas on one database)', async () => {
    clock += 1e9;
    // PostgreSQL: a second pool, as a second replica would have. PGlite is one process: the same ledger.
    const other = backend.name === 'postgres' ? await backend.open() : ledger;
    try {
      const rows = Array.from({ length: 20 }, () => write());
      await ledger.outbox.put(rows);
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          (index % 2 ? other : ledger).outbox.claim(3, 60_000, later(1)),
        ),
      );
      const ids = claims.flat().map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(20);
      for (const item of claims.flat()) await ledger.outbox.done(item, later(2));
    } finally {
      if (other !== ledger) await other.close();
    }
  });

  it('prunes rows done before a cutoff, never pending ones', async () => {
    clock += 1e9;
    await ledger.outbox.pruneDone(later(0)); // the rows earlier tests finished
    const sent = write();
    const waiting = write();
    await ledger.outbox.put([sent]);
    const [item] = await ledger.outbox.claim(10, 60_000, later(1));
    await ledger.outbox.done(item!, later(2));
    await ledger.outbox.put([waiting]);
    expect(await ledger.outbox.pruneDone(later(2))).toBe(0); // done exactly at the cutoff: kept
    expect(await ledger.outbox.pruneDone(later(3))).toBe(1);
    const [left] = await ledger.outbox.claim(10, 60_000, later(4));
    expect(left?.key).toBe(waiting.key);
    await ledger.outbox.done(left!, later(5));
  });

  it('backs off a failed write, gives it up visibly, and revives it later with its tries reset', async () => {
    clock += 1e9;
    const before = await ledger.outbox.counts();
    const failing = write();
    await ledger.outbox.put([failing]);
    const [item] = await ledger.outbox.claim(10, 60_000, later(1));
    await ledger.outbox.failed(item!, 'HTTP 502', later(30_000));
    expect(await ledger.outbox.claim(10, 60_000, later(29_999))).toEqual([]);
    const [retry] = await ledger.outbox.claim(10, 60_000, later(30_000));
    expect(retry).toMatchObject({ id: item!.id, tries: 2, lastError: 'HTTP 502' });
    await ledger.outbox.failed(retry!, 'HTTP 502 again', 'give up');
    expect(await ledger.outbox.counts()).toEqual({ ...before, given_up: before.given_up + 1 });
    expect(await ledger.outbox.claim(10, 60_000, later(10e6))).toEqual([]);
    expect(await ledger.outbox.reviveGivenUp(later(1), later(10e6))).toBe(1);
    const [revived] = await ledger.outbox.claim(10, 60_000, later(10e6 + 1));
    expect(revived).toMatchObject({ id: item!.id, tries: 1, state: 'pending' });
    await drainAll(later(10e6 + 2));
  });

  it('stores an attempt’s new state, results and writes together, and nothing when the attempt moved on', async () => {
    clock += 1e9;
    const { attempt } = await ledger.createAttempt(newAttempt());
    await ledger.updateAttempt(attempt.id, { state: 'running' });
    const report = write({ key: `check_run:${attempt.repository}:1`, attemptId: attempt.id });
    const finished = await ledger.finishAttempt(attempt.id, ['running'], { state: 'timed_out' }, [report]);
    expect(finished?.state).toBe('timed_out');
    expect((await ledger.outbox.ofAttempt(attempt.id)).map((item) => item.key)).toEqual([report.key]);
    // A late report for the same attempt: the compare-and-set fails and stores no second write.
    const late = write({ key: `comment:${attempt.repository}#3:m4`, attemptId: attempt.id });
    expect(
      await ledger.finishAttempt(attempt.id, ['running'], { state: 'completed' }, [late]),
    ).toBeUndefined();
    expect((await ledger.getAttempt(attempt.id))?.state).toBe('timed_out');
    expect((await ledger.outbox.ofAttempt(attempt.id)).map((item) => item.key)).toEqual([report.key]);
    await drainAll(later(1));
  });
});
