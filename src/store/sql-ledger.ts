/**
 * The ledger over SQL. Idempotency comes from unique constraints (INSERT … ON CONFLICT DO NOTHING,
 * then read the row that won), never from read-then-write, so concurrent webhooks cannot double up.
 */
import { randomUUID } from 'node:crypto';
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore } from '../results/score-types.js';
import { type AttemptRow, attemptFromRow, patchAssignments } from './attempt-row.js';
import type {
  Attempt,
  AttemptBudget,
  AttemptPatch,
  AttemptState,
  Ledger,
  ManualScores,
  NewAttempt,
  NewManualScore,
  RecordedSubmission,
  ScoreEvent,
  ScoreEventFilter,
  SubmissionRules,
} from './ledger-types.js';
import { STALE_DELIVERY_MS } from './ledger-types.js';
import { SqlSyncStore, type SyncStore } from './lms-syncs.js';
import {
  listAssignmentManualScores,
  listManualScores,
  listScoreEvents,
  saveManualScore,
} from './manual-scores.js';
import { type OutboxPut, putOutbox, SqlOutbox } from './outbox.js';
import { SqlPrComments } from './pr-comments.js';
import { type QueueStatus, type QueueStatusOptions, readQueueStatus } from './queue-status.js';
import type { SqlClient, SqlQuery } from './sql-client.js';
import { type SlotLimits, SqlWriteSlots } from './write-slots.js';

/** Triggers that grade a commit at most once per assignment (matches the partial unique index). */
const ONCE_PER_COMMIT = new Set(['push', 'pull_request']);
/** Triggers a student starts, which use the attempt budget (an instructor's regrade does not). */
const STUDENT_TRIGGERS = `('push', 'pull_request', 'rerequested')`;

const INSERT_ATTEMPT = `
INSERT INTO attempts (id, course_id, assignment_id, repository, repository_id, student_id, student_login,
  sha, trigger, pull_request, delivery_id, state, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12)
ON CONFLICT (repository, assignment_id, sha) WHERE trigger IN ('push', 'pull_request') DO NOTHING
RETURNING *`;

/** A `Ledger` over a migrated `SqlClient`; `openLedger` builds one. */
export class SqlLedger implements Ledger {
  readonly syncs: SyncStore;
  readonly outbox: SqlOutbox;
  readonly comments: SqlPrComments;

  constructor(private readonly db: SqlClient) {
    this.syncs = new SqlSyncStore(db);
    this.outbox = new SqlOutbox(db);
    this.comments = new SqlPrComments(db);
  }

  async recordDelivery(
    deliveryId: string,
    event: string,
    receivedAt = new Date(),
    done = false,
    submission?: unknown,
    staleMs = STALE_DELIVERY_MS,
  ): Promise<boolean> {
    // A redelivery of a delivery whose handling began long ago and never finished (its process
    // died) takes it over; one still being handled, or done, is a duplicate.
    const rows = await this.db.query(
      `INSERT INTO deliveries (delivery_id, event, received_at, done_at, submission)
       VALUES ($1, $2, $3, $5, $6::text::jsonb)
       ON CONFLICT (delivery_id) DO UPDATE SET received_at = excluded.received_at
         WHERE deliveries.done_at IS NULL AND deliveries.received_at < $4
       RETURNING delivery_id`,
      [
        deliveryId,
        event,
        receivedAt,
        new Date(receivedAt.getTime() - staleMs),
        done ? receivedAt : null,
        submission === undefined ? null : JSON.stringify(submission),
      ],
    );
    return rows.length === 1;
  }

  async takeLease(name: string, holder: string, forMs: number, now = new Date()): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE leases.until <= $4 OR leases.holder = excluded.holder
       RETURNING name`,
      [name, holder, new Date(now.getTime() + forMs), now],
    );
    return rows.length === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async listUnfinishedSubmissions(
    receivedBefore: Date,
    limit = 100,
  ): Promise<{ deliveryId: string; event: string; submission: unknown }[]> {
    const rows = await this.db.query<{ delivery_id: string; event: string; submission: unknown }>(
      `SELECT delivery_id, event, submission FROM deliveries
       WHERE done_at IS NULL AND submission IS NOT NULL AND received_at < $1
       ORDER BY received_at LIMIT $2`,
      [receivedBefore, limit],
    );
    return rows.map((row) => ({ deliveryId: row.delivery_id, event: row.event, submission: row.submission }));
  }

  async finishDelivery(deliveryId: string, handled: boolean): Promise<void> {
    await this.db.query(
      handled
        ? 'UPDATE deliveries SET done_at = $2 WHERE delivery_id = $1 AND done_at IS NULL'
        : 'DELETE FROM deliveries WHERE delivery_id = $1 AND done_at IS NULL',
      handled ? [deliveryId, new Date()] : [deliveryId],
    );
  }

  async pruneDeliveries(before: Date): Promise<number> {
    const rows = await this.db.query('DELETE FROM deliveries WHERE received_at < $1 RETURNING delivery_id', [
      before,
    ]);
    return rows.length;
  }

  createAttempt(input: NewAttempt): Promise<{ attempt: Attempt; created: boolean }> {
    return insertAttempt(this.db, input);
  }

  recordSubmission(input: NewAttempt, rules: SubmissionRules): Promise<RecordedSubmission> {
    return this.db.transaction(async (tx) => {
      // One submission of a repository and assignment at a time, across replicas: two pushes at once
      // must not both fit in the budget's last place, nor each supersede the other.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `${input.repository.toLowerCase()}\n${input.assignmentId}`,
      ]);
      if (rules.refuse) {
        const budget = await budgetIn(tx, input.repository, input.assignmentId, input.sha);
        if (rules.refuse(budget)) return { refused: budget };
      }
      const { attempt, created } = await insertAttempt(tx, input);
      if (!created) return { attempt, created, superseded: [] };
      const superseded = await supersedeIn(tx, attempt, rules.closing);
      await putOutbox(tx, rules.announce(attempt));
      return { attempt, created, superseded };
    });
  }

  queueStatus(repository: string, options?: QueueStatusOptions): Promise<QueueStatus | undefined> {
    return readQueueStatus(this.db, repository, options);
  }

  writeBudget(limits: SlotLimits): SqlWriteSlots {
    return new SqlWriteSlots(this.db, limits);
  }

  getAttempt(id: string): Promise<Attempt | undefined> {
    return this.one('SELECT * FROM attempts WHERE id = $1', [id]);
  }

  async updateAttempt(id: string, patch: AttemptPatch): Promise<Attempt> {
    const attempt = await this.transitionAttempt(id, undefined, patch);
    if (!attempt) throw new Error(`No attempt with id ${id} in the ledger.`);
    return attempt;
  }

  async transitionAttempt(
    id: string,
    from: readonly AttemptState[] | undefined,
    patch: AttemptPatch,
  ): Promise<Attempt | undefined> {
    const { sql, params } = patchAssignments(patch, 3);
    // With an empty patch, `id = id` keeps the statement valid and still returns the row.
    return this.one(
      `UPDATE attempts SET ${sql || 'id = id'} WHERE id = $1 AND ($2::text[] IS NULL OR state = ANY($2::text[])) RETURNING *`,
      [id, from ? [...from] : null, ...params],
    );
  }

  finishAttempt(
    id: string,
    from: readonly AttemptState[],
    patch: AttemptPatch,
    writes: readonly OutboxPut[],
    saved?: { results: Results; score: AssignmentScore },
  ): Promise<Attempt | undefined> {
    const { sql, params } = patchAssignments(patch, 3);
    return this.db.transaction(async (tx) => {
      // Compare-and-set first: an attempt that moved on meanwhile (collected by a replica, timed out
      // by the sweep) gets neither results nor writes from this caller.
      const [row] = await tx.query<AttemptRow>(
        `UPDATE attempts SET ${sql || 'id = id'} WHERE id = $1 AND state = ANY($2::text[]) RETURNING *`,
        [id, [...from], ...params],
      );
      if (!row) return undefined;
      if (saved) await saveResultsIn(tx, id, saved.results, saved.score);
      await putOutbox(tx, writes);
      return attemptFromRow(row);
    });
  }

  supersedeQueued(
    repository: string,
    assignmentId: string,
    keepId: string,
    closing: (superseded: Attempt) => readonly OutboxPut[] = () => [],
  ): Promise<Attempt[]> {
    return this.db.transaction((tx) => supersedeIn(tx, { id: keepId, repository, assignmentId }, closing));
  }

  findByNonce(nonce: string): Promise<Attempt | undefined> {
    return this.one('SELECT * FROM attempts WHERE dispatch_nonce = $1', [nonce]);
  }

  findByWorkflowRun(workflowRunId: number): Promise<Attempt[]> {
    return this.many('SELECT * FROM attempts WHERE workflow_run_id = $1 ORDER BY seq', [workflowRunId]);
  }

  findByCheckRun(checkRunId: number): Promise<Attempt | undefined> {
    return this.one('SELECT * FROM attempts WHERE check_run_id = $1 ORDER BY seq DESC LIMIT 1', [checkRunId]);
  }

  listOverdue(now: Date, limits: { queuedMs: number; runningMs: number }): Promise<Attempt[]> {
    // A dispatched attempt gets its full window from dispatch; a running one from when it started.
    return this.many(
      `SELECT * FROM attempts WHERE
         (state = 'queued' AND created_at <= $1)
         OR (state = 'dispatched' AND COALESCE(dispatched_at, created_at) <= $1)
         OR (state = 'running' AND COALESCE(started_at, dispatched_at, created_at) <= $2)
       ORDER BY seq`,
      [new Date(now.getTime() - limits.queuedMs), new Date(now.getTime() - limits.runningMs)],
    );
  }

  listAwaitingResults(dispatchedBefore: Date, limit = 200): Promise<Attempt[]> {
    return this.many(
      `SELECT * FROM attempts WHERE state IN ('dispatched', 'running')
         AND (workflow_run_id IS NOT NULL OR dispatch_nonce IS NOT NULL)
         AND COALESCE(dispatched_at, created_at) <= $1
       ORDER BY seq LIMIT $2`,
      [dispatchedBefore, limit],
    );
  }

  listPending(limit = 100): Promise<Attempt[]> {
    return this.many(`SELECT * FROM attempts WHERE state = 'queued' ORDER BY seq LIMIT $1`, [limit]);
  }

  saveResults(attemptId: string, results: Results, score: AssignmentScore): Promise<void> {
    return saveResultsIn(this.db, attemptId, results, score);
  }

  async getResults(attemptId: string): Promise<{ results: Results; score: AssignmentScore } | undefined> {
    const [row] = await this.db.query<{ results: Results; score: AssignmentScore }>(
      'SELECT results, score FROM attempt_results WHERE attempt_id = $1',
      [attemptId],
    );
    return row && { results: row.results, score: row.score };
  }

  attemptBudget(repository: string, assignmentId: string, sha: string): Promise<AttemptBudget> {
    return budgetIn(this.db, repository, assignmentId, sha);
  }

  async listScores(
    repository: string,
    assignmentId: string,
  ): Promise<{ attempt: Attempt; score: AssignmentScore }[]> {
    const rows = await this.db.query<AttemptRow & { score: AssignmentScore }>(
      `SELECT a.*, r.score FROM attempts a JOIN attempt_results r ON r.attempt_id = a.id
       WHERE a.repository = $1 AND a.assignment_id = $2 AND a.state = 'completed' ORDER BY a.seq`,
      [repository, assignmentId],
    );
    return rows.map((row) => ({ attempt: attemptFromRow(row), score: row.score }));
  }

  saveManualScore(input: NewManualScore): Promise<boolean> {
    return saveManualScore(this.db, input);
  }

  listAssignmentManualScores(assignmentId: string): Promise<Map<string, ManualScores>> {
    return listAssignmentManualScores(this.db, assignmentId);
  }

  listScoreEvents(filter?: ScoreEventFilter): Promise<ScoreEvent[]> {
    return listScoreEvents(this.db, filter);
  }

  async listAssignmentResults(
    assignmentId: string,
  ): Promise<{ attempt: Attempt; results: Results; score: AssignmentScore }[]> {
    const rows = await this.db.query<AttemptRow & { results: Results; score: AssignmentScore }>(
      `SELECT a.*, r.results, r.score FROM attempts a JOIN attempt_results r ON r.attempt_id = a.id
       WHERE a.assignment_id = $1 AND a.state = 'completed' ORDER BY a.seq`,
      [assignmentId],
    );
    return rows.map((row) => ({ attempt: attemptFromRow(row), results: row.results, score: row.score }));
  }

  async latestResults(
    repository: string,
    assignmentId: string,
    pullRequest?: number,
  ): Promise<{ attempt: Attempt; results: Results; score: AssignmentScore } | undefined> {
    // The pull request's own attempts first; else the repository's newest (a push before the PR opened).
    const [row] = await this.db.query<AttemptRow & { results: Results; score: AssignmentScore }>(
      `SELECT a.*, r.results, r.score FROM attempts a JOIN attempt_results r ON r.attempt_id = a.id
       WHERE lower(a.repository) = lower($1) AND a.assignment_id = $2 AND a.state = 'completed'
       ORDER BY (a.pull_request IS NOT DISTINCT FROM $3) DESC, a.seq DESC LIMIT 1`,
      [repository, assignmentId, pullRequest ?? null],
    );
    return row && { attempt: attemptFromRow(row), results: row.results, score: row.score };
  }

  listManualScores(repository: string, assignmentId: string): Promise<ManualScores> {
    return listManualScores(this.db, repository, assignmentId);
  }

  async schemaVersion(): Promise<number> {
    const [row] = await this.db.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    return Number(row?.version ?? 0);
  }

  async countAttemptsByState(): Promise<Partial<Record<AttemptState, number>>> {
    const rows = await this.db.query<{ state: AttemptState; count: string | number }>(
      'SELECT state, count(*) AS count FROM attempts GROUP BY state',
    );
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private async one(sql: string, params: unknown[]): Promise<Attempt | undefined> {
    const [row] = await this.db.query<AttemptRow>(sql, params);
    return row && attemptFromRow(row);
  }

  private async many(sql: string, params: unknown[]): Promise<Attempt[]> {
    return (await this.db.query<AttemptRow>(sql, params)).map(attemptFromRow);
  }
}

/** Inserts an attempt, or finds the one its commit already has (push and pull request: once per commit). */
async function insertAttempt(
  db: SqlQuery,
  input: NewAttempt,
): Promise<{ attempt: Attempt; created: boolean }> {
  const [inserted] = await db.query<AttemptRow>(INSERT_ATTEMPT, [
    randomUUID(),
    input.courseId,
    input.assignmentId,
    input.repository,
    input.repositoryId,
    input.studentId,
    input.studentLogin,
    input.sha,
    input.trigger,
    input.pullRequest ?? null,
    input.deliveryId ?? null,
    new Date(),
  ]);
  if (inserted) return { attempt: attemptFromRow(inserted), created: true };
  if (!ONCE_PER_COMMIT.has(input.trigger)) throw new Error(`Could not create a ${input.trigger} attempt.`);
  const [existing] = await db.query<AttemptRow>(
    `SELECT * FROM attempts WHERE repository = $1 AND assignment_id = $2 AND sha = $3
       AND trigger IN ('push', 'pull_request')`,
    [input.repository, input.assignmentId, input.sha],
  );
  if (!existing) throw new Error(`Attempt for ${input.repository}@${input.sha} conflicted but is gone.`);
  return { attempt: attemptFromRow(existing), created: false };
}

/**
 * Supersedes the queued attempts of `keep`'s repository and assignment recorded before it, storing
 * the writes that close each; `db` is a transaction.
 */
async function supersedeIn<Kept extends Pick<Attempt, 'id' | 'repository' | 'assignmentId'>>(
  db: SqlQuery,
  keep: Kept,
  closing: (superseded: Attempt, by: Kept) => readonly OutboxPut[],
): Promise<Attempt[]> {
  // Only attempts recorded before the one kept: when two pushes are handled at once, the older
  // one's handler must not supersede the newer attempt (seq is recording order).
  const rows = await db.query<AttemptRow>(
    `UPDATE attempts SET state = 'superseded', completed_at = $4
     WHERE repository = $1 AND assignment_id = $2
       AND seq < (SELECT seq FROM attempts WHERE id = $3)
       AND state IN ('queued', 'dispatched') AND started_at IS NULL
     RETURNING *`,
    [keep.repository, keep.assignmentId, keep.id, new Date()],
  );
  const superseded = rows.map(attemptFromRow);
  for (const attempt of superseded) await putOutbox(db, closing(attempt, keep));
  return superseded;
}

/** Where the attempt budget stands (see {@link Ledger.attemptBudget}); `db` may be a transaction. */
async function budgetIn(db: SqlQuery, repository: string, assignmentId: string, sha: string) {
  // "Running" is the complement of what supersedeQueued takes: open, and picked up by a runner.
  const [row] = await db.query<{ graded: number; running: number; commit: number }>(
    `SELECT
       count(*) FILTER (WHERE trigger IN ${STUDENT_TRIGGERS} AND state = 'completed')::integer AS graded,
       count(*) FILTER (WHERE trigger IN ${STUDENT_TRIGGERS} AND (state = 'running'
         OR (state IN ('queued', 'dispatched') AND started_at IS NOT NULL)))::integer AS running,
       count(*) FILTER (WHERE sha = $3 AND trigger IN ('push', 'pull_request'))::integer AS commit
     FROM attempts WHERE repository = $1 AND assignment_id = $2`,
    [repository, assignmentId, sha],
  );
  return {
    graded: Number(row?.graded ?? 0),
    running: Number(row?.running ?? 0),
    commitAttempted: Number(row?.commit ?? 0) > 0,
  };
}

/** Stores (or replaces) an attempt's results and score; `db` may be a transaction. */
async function saveResultsIn(db: SqlQuery, attemptId: string, results: Results, score: AssignmentScore) {
  // `::text::jsonb`: both drivers then pass the JSON text through untouched.
  await db.query(
    `INSERT INTO attempt_results (attempt_id, results, score, saved_at) VALUES ($1, $2::text::jsonb, $3::text::jsonb, $4)
     ON CONFLICT (attempt_id) DO UPDATE SET results = excluded.results, score = excluded.score, saved_at = excluded.saved_at`,
    [attemptId, JSON.stringify(results), JSON.stringify(score), new Date()],
  );
}
