/**
 * The GitHub write budget shared by every process on one ledger. GitHub's secondary limits count the
 * app's content-creating requests, whichever replica makes them: two replicas each pacing itself to
 * 80 a minute would together send 160. So each write takes a slot in `write_slots` first, under one
 * advisory lock: a slot is granted only when the rolling minute and the rolling hour have room and
 * the last write (by anyone) is at least the pacing gap ago; otherwise the caller learns how long to
 * wait. Times are the callers' clocks, so replicas on different hosts need synchronised clocks (NTP).
 */
import type { SqlClient } from './sql-client.js';

/** The limits a slot must fit (github/write-budget.ts's `WriteLimits`). */
export interface SlotLimits {
  perWindow: number;
  windowMs: number;
  perHour: number;
  hourMs: number;
  /** Least time between two writes (pacing); 0 for none. */
  gapMs: number;
}

/** Any constant works; it only has to be the same in every process that shares the ledger. */
const WRITE_BUDGET_LOCK = 7_461_043;

/** The budget in the ledger; `take` has the shape of github/write-budget.ts's `WriteBudget.take`. */
export class SqlWriteSlots {
  constructor(
    private readonly db: SqlClient,
    readonly limits: SlotLimits,
  ) {}

  /** Takes a slot at `nowMs` and returns 0, or returns how long to wait before asking again. */
  take(nowMs: number): Promise<number> {
    const { perWindow, windowMs, perHour, hourMs, gapMs } = this.limits;
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [WRITE_BUDGET_LOCK]);
      await tx.query('DELETE FROM write_slots WHERE at <= $1', [new Date(nowMs - hourMs)]);
      const [row] = await tx.query<{
        in_window: string | number;
        in_hour: string | number;
        window_first: Date | string | null;
        hour_first: Date | string | null;
        last: Date | string | null;
      }>(
        `SELECT count(*) FILTER (WHERE at > $1) AS in_window, count(*) AS in_hour,
           min(at) FILTER (WHERE at > $1) AS window_first, min(at) AS hour_first, max(at) AS last
         FROM write_slots`,
        [new Date(nowMs - windowMs)],
      );
      const time = (value: Date | string | null | undefined) => (value ? new Date(value).getTime() : 0);
      // Slots are granted one at a time under the lock, so a full window holds exactly its limit and
      // its oldest slot is the next to leave it.
      const delay = Math.max(
        Number(row?.in_window ?? 0) >= perWindow ? time(row?.window_first) + windowMs - nowMs : 0,
        Number(row?.in_hour ?? 0) >= perHour ? time(row?.hour_first) + hourMs - nowMs : 0,
        row?.last ? time(row.last) + gapMs - nowMs : 0,
      );
      if (delay > 0) return delay;
      await tx.query('INSERT INTO write_slots (at) VALUES ($1)', [new Date(nowMs)]);
      return 0;
    });
  }
}
