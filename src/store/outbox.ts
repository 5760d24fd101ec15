/**
 * The outbox: GitHub writes that must happen, kept in the ledger until they did. A state change and
 * the write that shows it to the student are stored in one transaction (`SqlLedger.finishAttempt`),
 * so a crash, a SIGKILL or a GitHub outage between the two loses nothing: whoever drains the outbox
 * next (this process later, or another replica) sends it.
 *
 * - Claimed with `FOR UPDATE SKIP LOCKED` and a lease: replicas on one PostgreSQL never send the
 *   same row at once, and a row whose claimer died is claimed again when its lease ends.
 * - Coalesced by key: a second write for the same check run or the same pull-request comment,
 *   while the first is still pending, replaces it (one request instead of two). A row replaced
 *   while it was being sent keeps its new payload and is sent again.
 * - A row that keeps failing backs off, then is "given up": visible (counted in /metrics), and put
 *   back to pending by the sweep after a while, never dropped.
 */
import { randomUUID } from 'node:crypto';
import type { SqlClient, SqlQuery } from './sql-client.js';

/** What a row asks GitHub to do. */
export type OutboxKind = 'check_run' | 'comment';

/** Where a row is. */
export type OutboxState = 'pending' | 'done' | 'given_up';

/** Lower numbers are sent first: a student's first sign of life, then results, then the PR comments about them. */
export const OUTBOX_PRIORITY = { announce: 5, checkRun: 10, comment: 20 } as const;

/** A write to store. */
export interface OutboxPut {
  /** Coalescing key: one pending row per key (e.g. `check_run:owner/repo:123`). */
  key: string;
  kind: OutboxKind;
  /** `owner/name`: which installation sends it. */
  repository: string;
  attemptId?: string | null;
  payload: unknown;
  priority: number;
}

/** A stored write. */
export interface OutboxItem {
  id: string;
  key: string;
  kind: OutboxKind;
  repository: string;
  attemptId: string | null;
  payload: unknown;
  priority: number;
  state: OutboxState;
  /** Sends tried so far (a claim counts as a try). */
  tries: number;
  /** Bumped by every coalescing put: a send of an older version does not complete the row. */
  version: number;
  lastError: string | null;
  createdAt: Date;
}

interface OutboxRow {
  id: string;
  key: string;
  kind: OutboxKind;
  repository: string;
  attempt_id: string | null;
  payload: unknown;
  priority: number;
  state: OutboxState;
  tries: number;
  version: number;
  last_error: string | null;
  created_at: Date | string;
}

const INSERT = `
INSERT INTO outbox (id, key, kind, repository, attempt_id, payload, priority, state, tries, version, next_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, 'pending', 0, 1, $8, $8)
ON CONFLICT (key) WHERE state = 'pending' DO UPDATE SET
  payload = excluded.payload,
  priority = LEAST(outbox.priority, excluded.priority),
  attempt_id = COALESCE(excluded.attempt_id, outbox.attempt_id),
  version = outbox.version + 1,
  next_at = LEAST(outbox.next_at, excluded.next_at)`;

/** Stores writes; `db` may be a transaction, so the put commits with the state change it shows. */
export async function putOutbox(db: SqlQuery, items: readonly OutboxPut[], now = new Date()): Promise<void> {
  for (const item of items) {
    await db.query(INSERT, [
      randomUUID(),
      item.key,
      item.kind,
      item.repository,
      item.attemptId ?? null,
      JSON.stringify(item.payload),
      item.priority,
      now,
    ]);
  }
}

/** The outbox's queries over the ledger's connection. */
export class SqlOutbox {
  constructor(private readonly db: SqlClient) {}

  /** Stores writes outside any other change. */
  put(items: readonly OutboxPut[]): Promise<void> {
    return putOutbox(this.db, items);
  }

  /**
   * Claims up to `limit` due rows for `leaseMs`, highest priority first; each claim counts as a try.
   * Rows claimed by another worker whose lease has not ended are skipped.
   */
  async claim(limit: number, leaseMs: number, now = new Date()): Promise<OutboxItem[]> {
    const rows = await this.db.query<OutboxRow>(
      // A locking CTE runs once; as an `IN (subquery)` the planner may run the LIMIT more than once.
      `WITH picked AS (
         SELECT id FROM outbox
         WHERE state = 'pending' AND next_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
         ORDER BY priority, seq LIMIT $3
         FOR UPDATE SKIP LOCKED)
       UPDATE outbox SET claimed_until = $2, tries = outbox.tries + 1
       FROM picked WHERE outbox.id = picked.id
       RETURNING outbox.*`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map(itemFromRow).sort((a, b) => a.priority - b.priority);
  }

  /**
   * The row was sent. True when it is done; false when it was replaced meanwhile (a newer payload
   * under the same key), in which case its claim is released and it is sent again.
   */
  async done(item: OutboxItem, now = new Date()): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE outbox SET state = 'done', done_at = $3, claimed_until = NULL, last_error = NULL
       WHERE id = $1 AND version = $2 RETURNING id`,
      [item.id, item.version, now],
    );
    if (rows.length === 1) return true;
    await this.db.query('UPDATE outbox SET claimed_until = NULL, tries = 0 WHERE id = $1', [item.id]);
    return false;
  }

  /** The send failed: try again at `retryAt`, or give up (still visible, see {@link reviveGivenUp}). */
  async failed(item: OutboxItem, error: string, retryAt: Date | 'give up'): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET claimed_until = NULL, last_error = $2,
         state = CASE WHEN $3::timestamptz IS NULL AND version = $4 THEN 'given_up' ELSE state END,
         next_at = COALESCE($3::timestamptz, next_at)
       WHERE id = $1`,
      [item.id, error.slice(0, 2_000), retryAt === 'give up' ? null : retryAt, item.version],
    );
  }

  /**
   * Puts rows given up before `before` back to pending with their tries reset, so a long outage
   * ends in the write being made, not lost. A pending row with the same key wins (it is newer).
   */
  async reviveGivenUp(before: Date, now = new Date()): Promise<number> {
    const rows = await this.db.query(
      `UPDATE outbox o SET state = 'pending', tries = 0, next_at = $2
       WHERE o.state = 'given_up' AND o.created_at < $1
         AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.key = o.key AND p.state = 'pending')
       RETURNING id`,
      [before, now],
    );
    return rows.length;
  }

  /** Rows by state (for /metrics and `mlgrade doctor`). */
  async counts(): Promise<Record<OutboxState, number>> {
    const rows = await this.db.query<{ state: OutboxState; count: string | number }>(
      'SELECT state, count(*) AS count FROM outbox GROUP BY state',
    );
    const counts: Record<OutboxState, number> = { pending: 0, done: 0, given_up: 0 };
    for (const row of rows) counts[row.state] = Number(row.count);
    return counts;
  }

  /** Every row of an attempt, oldest first (tests, support). */
  async ofAttempt(attemptId: string): Promise<OutboxItem[]> {
    const rows = await this.db.query<OutboxRow>('SELECT * FROM outbox WHERE attempt_id = $1 ORDER BY seq', [
      attemptId,
    ]);
    return rows.map(itemFromRow);
  }

  /** Forgets rows done before `before` (they only serve support); returns how many. */
  async pruneDone(before: Date): Promise<number> {
    const rows = await this.db.query(
      "DELETE FROM outbox WHERE state = 'done' AND done_at < $1 RETURNING id",
      [before],
    );
    return rows.length;
  }
}

function itemFromRow(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    repository: row.repository,
    attemptId: row.attempt_id,
    payload: row.payload,
    priority: Number(row.priority),
    state: row.state,
    tries: Number(row.tries),
    version: Number(row.version),
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
  };
}
