/**
 * The sync ledger: one `lms_syncs` row per grade sync (who asked, when, dry run or not, its outcome)
 * and one `lms_sync_grades` row per student and assignment, written as planned before anything is
 * sent and updated with what the LMS answered. A sync that dies midway stays `running` with a stale
 * heartbeat; the next sync finds it (`listUnfinished`) and settles its rows against the LMS.
 * Idempotency of a request comes from the unique `request_key` (INSERT … ON CONFLICT DO NOTHING).
 */
import { randomUUID } from 'node:crypto';
import type { SqlQuery } from './sql-client.js';

export type SyncLms = 'canvas' | 'gradescope';
export type SyncState = 'running' | 'done' | 'failed';
/**
 * `planned`: decided, not yet sent; `sent`: the LMS accepted it, not yet read back; `confirmed`: read
 * back; `unchanged`: the LMS already had it; `skipped`: deliberately not sent (reason says why);
 * `failed`: sending or confirming failed (reason and answer say how).
 */
export type SyncGradeState = 'planned' | 'sent' | 'confirmed' | 'unchanged' | 'skipped' | 'failed';

export const SYNC_GRADE_STATES: readonly SyncGradeState[] = [
  'planned',
  'sent',
  'confirmed',
  'unchanged',
  'skipped',
  'failed',
];

export interface NewSync {
  lms: SyncLms;
  /** The LMS course (several joined with `,` when assignments live in different courses). */
  courseId: string;
  /** mlgrade assignment ids the sync covers. */
  assignmentIds: readonly string[];
  requestedBy: string;
  /** Idempotency key of the request (a delivery id, a comment id): a repeat finds the same sync. */
  requestKey?: string;
  /** Where the request came from (an issue comment), for history. */
  sourceUrl?: string;
  dryRun: boolean;
}

export interface SyncRecord {
  id: string;
  seq: number;
  lms: SyncLms;
  courseId: string;
  assignmentIds: string[];
  requestedBy: string;
  requestKey?: string;
  sourceUrl?: string;
  dryRun: boolean;
  state: SyncState;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt?: Date;
  /** Whatever the sync recorded as its result (the LMS module's outcome object). */
  outcome?: unknown;
  error?: string;
}

/** One student and assignment of a sync. Grades are text: points as the LMS was sent them. */
export interface SyncGradeRow {
  syncId: string;
  assignmentId: string;
  /** The student's GitHub login. */
  student: string;
  /** The LMS user the grade went to (`123`, `sis_user_id:S1`). */
  lmsUser?: string;
  /** The LMS assignment (`course/assignment` for Canvas). */
  lmsAssignment?: string;
  oldGrade?: string;
  newGrade?: string;
  comment?: string;
  state: SyncGradeState;
  reason?: string;
  /** What the LMS answered (a Progress, a submission, an error), for the record. */
  answer?: unknown;
  updatedAt: Date;
}

export type NewSyncGrade = Omit<SyncGradeRow, 'syncId' | 'updatedAt'>;

/** A change to one row; fields left out keep their value. */
export interface SyncGradePatch {
  assignmentId: string;
  student: string;
  state: SyncGradeState;
  reason?: string;
  answer?: unknown;
  oldGrade?: string;
}

export interface SyncFilter {
  lms?: SyncLms;
  courseId?: string;
  /** Newest first; default 50. */
  limit?: number;
}

/** The sync ledger's API (SqlSyncStore implements it over the ledger's SQL). */
export interface SyncStore {
  /** Starts a sync, or returns the one already started with the same `requestKey` (`created: false`). */
  startSync(input: NewSync): Promise<{ sync: SyncRecord; created: boolean }>;
  getSync(id: string): Promise<SyncRecord | undefined>;
  /** Records rows (as planned, skipped, unchanged…); a row already there is left as it is. */
  recordGrades(syncId: string, rows: readonly NewSyncGrade[]): Promise<void>;
  /** Updates rows in one statement and touches the sync's heartbeat. */
  updateGrades(syncId: string, patches: readonly SyncGradePatch[]): Promise<void>;
  /** Marks the sync alive (long waits, e.g. polling the LMS). */
  heartbeat(syncId: string): Promise<void>;
  /** Ends a running sync; false when it had already ended (e.g. settled by a later sync). */
  finishSync(
    syncId: string,
    result: { state: 'done' | 'failed'; outcome?: unknown; error?: string },
  ): Promise<boolean>;
  /** Running syncs, oldest first; the caller decides from `heartbeatAt` whether one died. */
  listUnfinished(filter: { lms: SyncLms; courseId?: string }): Promise<SyncRecord[]>;
  /** Syncs for history, newest first. */
  listSyncs(filter?: SyncFilter): Promise<SyncRecord[]>;
  /** The rows of one sync, in the order they were planned (assignment, student). */
  listGrades(syncId: string): Promise<SyncGradeRow[]>;
}

interface SyncRow {
  id: string;
  seq: number | string;
  lms: SyncLms;
  course_id: string;
  assignment_ids: string[];
  requested_by: string;
  request_key: string | null;
  source_url: string | null;
  dry_run: boolean;
  state: SyncState;
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  outcome: unknown;
  error: string | null;
}

interface GradeRow {
  sync_id: string;
  assignment_id: string;
  student: string;
  lms_user: string | null;
  lms_assignment: string | null;
  old_grade: string | null;
  new_grade: string | null;
  comment: string | null;
  state: SyncGradeState;
  reason: string | null;
  answer: unknown;
  updated_at: Date;
}

const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

function syncFromRow(row: SyncRow): SyncRecord {
  return {
    id: row.id,
    seq: Number(row.seq),
    lms: row.lms,
    courseId: row.course_id,
    assignmentIds: row.assignment_ids,
    requestedBy: row.requested_by,
    requestKey: opt(row.request_key),
    sourceUrl: opt(row.source_url),
    dryRun: row.dry_run,
    state: row.state,
    startedAt: new Date(row.started_at),
    heartbeatAt: new Date(row.heartbeat_at),
    finishedAt: row.finished_at === null ? undefined : new Date(row.finished_at),
    outcome: opt(row.outcome),
    error: opt(row.error),
  };
}

function gradeFromRow(row: GradeRow): SyncGradeRow {
  return {
    syncId: row.sync_id,
    assignmentId: row.assignment_id,
    student: row.student,
    lmsUser: opt(row.lms_user),
    lmsAssignment: opt(row.lms_assignment),
    oldGrade: opt(row.old_grade),
    newGrade: opt(row.new_grade),
    comment: opt(row.comment),
    state: row.state,
    reason: opt(row.reason),
    answer: opt(row.answer),
    updatedAt: new Date(row.updated_at),
  };
}

const INSERT_SYNC = `
INSERT INTO lms_syncs (id, lms, course_id, assignment_ids, requested_by, request_key, source_url, dry_run,
  state, started_at, heartbeat_at)
VALUES ($1, $2, $3, $4::text::jsonb, $5, $6, $7, $8, 'running', $9, $9)
ON CONFLICT (request_key) DO NOTHING
RETURNING *`;

// Rows travel as one JSON array: one statement (one round trip) however many students.
const INSERT_GRADES = `
INSERT INTO lms_sync_grades (sync_id, assignment_id, student, lms_user, lms_assignment, old_grade, new_grade,
  comment, state, reason, answer, updated_at)
SELECT $1, r.assignment_id, r.student, r.lms_user, r.lms_assignment, r.old_grade, r.new_grade, r.comment,
  r.state, r.reason, r.answer, $3
FROM jsonb_to_recordset($2::text::jsonb) AS r(assignment_id text, student text, lms_user text,
  lms_assignment text, old_grade text, new_grade text, comment text, state text, reason text, answer jsonb)
ON CONFLICT (sync_id, assignment_id, student) DO NOTHING`;

const UPDATE_GRADES = `
UPDATE lms_sync_grades g SET
  state = p.state,
  reason = CASE WHEN p.has_reason THEN p.reason ELSE g.reason END,
  answer = CASE WHEN p.has_answer THEN p.answer ELSE g.answer END,
  old_grade = CASE WHEN p.has_old THEN p.old_grade ELSE g.old_grade END,
  updated_at = $3
FROM jsonb_to_recordset($2::text::jsonb) AS p(assignment_id text, student text, state text, reason text,
  has_reason boolean, answer jsonb, has_answer boolean, old_grade text, has_old boolean)
WHERE g.sync_id = $1 AND g.assignment_id = p.assignment_id AND g.student = p.student`;

/** A `SyncStore` over the migrated ledger database. */
export class SqlSyncStore implements SyncStore {
  constructor(
    private readonly db: SqlQuery,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async startSync(input: NewSync): Promise<{ sync: SyncRecord; created: boolean }> {
    const [inserted] = await this.db.query<SyncRow>(INSERT_SYNC, [
      randomUUID(),
      input.lms,
      input.courseId,
      JSON.stringify(input.assignmentIds),
      input.requestedBy,
      input.requestKey ?? null,
      input.sourceUrl ?? null,
      input.dryRun,
      this.now(),
    ]);
    if (inserted) return { sync: syncFromRow(inserted), created: true };
    const [existing] = await this.db.query<SyncRow>('SELECT * FROM lms_syncs WHERE request_key = $1', [
      input.requestKey ?? null,
    ]);
    if (!existing) throw new Error(`Sync request ${input.requestKey} conflicted but is gone.`);
    return { sync: syncFromRow(existing), created: false };
  }

  async getSync(id: string): Promise<SyncRecord | undefined> {
    const [row] = await this.db.query<SyncRow>('SELECT * FROM lms_syncs WHERE id = $1', [id]);
    return row && syncFromRow(row);
  }

  async recordGrades(syncId: string, rows: readonly NewSyncGrade[]): Promise<void> {
    if (rows.length === 0) return;
    const json = rows.map((row) => ({
      assignment_id: row.assignmentId,
      student: row.student,
      lms_user: row.lmsUser ?? null,
      lms_assignment: row.lmsAssignment ?? null,
      old_grade: row.oldGrade ?? null,
      new_grade: row.newGrade ?? null,
      comment: row.comment ?? null,
      state: row.state,
      reason: row.reason ?? null,
      answer: row.answer ?? null,
    }));
    const now = this.now();
    await this.db.query(INSERT_GRADES, [syncId, JSON.stringify(json), now]);
    await this.touch(syncId, now);
  }

  async updateGrades(syncId: string, patches: readonly SyncGradePatch[]): Promise<void> {
    if (patches.length === 0) return;
    const json = patches.map((patch) => ({
      assignment_id: patch.assignmentId,
      student: patch.student,
      state: patch.state,
      reason: patch.reason ?? null,
      has_reason: 'reason' in patch,
      answer: patch.answer ?? null,
      has_answer: 'answer' in patch,
      old_grade: patch.oldGrade ?? null,
      has_old: 'oldGrade' in patch,
    }));
    const now = this.now();
    await this.db.query(UPDATE_GRADES, [syncId, JSON.stringify(json), now]);
    await this.touch(syncId, now);
  }

  async heartbeat(syncId: string): Promise<void> {
    await this.touch(syncId, this.now());
  }

  async finishSync(
    syncId: string,
    result: { state: 'done' | 'failed'; outcome?: unknown; error?: string },
  ): Promise<boolean> {
    const now = this.now();
    const rows = await this.db.query(
      `UPDATE lms_syncs SET state = $2, outcome = $3::text::jsonb, error = $4, finished_at = $5, heartbeat_at = $5
       WHERE id = $1 AND state = 'running' RETURNING id`,
      [
        syncId,
        result.state,
        result.outcome === undefined ? null : JSON.stringify(result.outcome),
        result.error ?? null,
        now,
      ],
    );
    return rows.length === 1;
  }

  async listUnfinished(filter: { lms: SyncLms; courseId?: string }): Promise<SyncRecord[]> {
    const rows = await this.db.query<SyncRow>(
      `SELECT * FROM lms_syncs WHERE state = 'running' AND lms = $1 AND ($2::text IS NULL OR course_id = $2)
       ORDER BY seq`,
      [filter.lms, filter.courseId ?? null],
    );
    return rows.map(syncFromRow);
  }

  async listSyncs(filter: SyncFilter = {}): Promise<SyncRecord[]> {
    const rows = await this.db.query<SyncRow>(
      `SELECT * FROM lms_syncs WHERE ($1::text IS NULL OR lms = $1) AND ($2::text IS NULL OR course_id = $2)
       ORDER BY seq DESC LIMIT $3`,
      [filter.lms ?? null, filter.courseId ?? null, filter.limit ?? 50],
    );
    return rows.map(syncFromRow);
  }

  async listGrades(syncId: string): Promise<SyncGradeRow[]> {
    const rows = await this.db.query<GradeRow>(
      'SELECT * FROM lms_sync_grades WHERE sync_id = $1 ORDER BY assignment_id, student',
      [syncId],
    );
    return rows.map(gradeFromRow);
  }

  private async touch(syncId: string, now: Date): Promise<void> {
    await this.db.query(`UPDATE lms_syncs SET heartbeat_at = $2 WHERE id = $1 AND state = 'running'`, [
      syncId,
      now,
    ]);
  }
}
