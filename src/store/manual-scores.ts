/**
 * Instructors' points for manual criteria. Every change is a row of `manual_score_events`, never
 * updated in place (the audit trail `mlgrade scores history` shows); `manual_scores` holds the current
 * value of each criterion and is changed in the same transaction, so the two never disagree.
 */
import type { ManualScores, NewManualScore, ScoreEvent, ScoreEventFilter } from './ledger-types.js';
import type { SqlClient, SqlQuery } from './sql-client.js';

/**
 * Records one change (points, or a clear when `points` is null) and applies it. Returns false, and
 * changes nothing, when an event with the same `sourceKey` was recorded before (a redelivered webhook,
 * an edit that left this command's line as it was).
 */
export async function saveManualScore(db: SqlClient, input: NewManualScore): Promise<boolean> {
  const at = input.at ?? new Date();
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO manual_score_events (repository, assignment_id, criterion_id, points, note, entered_by,
         entered_at, attempt_id, source, source_url, source_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (source_key) DO NOTHING RETURNING seq`,
      [
        input.repository,
        input.assignmentId,
        input.criterionId,
        input.points,
        input.note ?? null,
        input.by,
        at,
        input.attemptId ?? null,
        input.source ?? 'cli',
        input.sourceUrl ?? null,
        input.sourceKey ?? null,
      ],
    );
    if (inserted.length === 0) return false;
    await applyCurrent(tx, input, at);
    return true;
  });
}

async function applyCurrent(tx: SqlQuery, input: NewManualScore, at: Date): Promise<void> {
  const key = [input.repository, input.assignmentId, input.criterionId];
  if (input.points === null) {
    await tx.query(
      'DELETE FROM manual_scores WHERE repository = $1 AND assignment_id = $2 AND criterion_id = $3',
      key,
    );
    return;
  }
  await tx.query(
    `INSERT INTO manual_scores (repository, assignment_id, criterion_id, points, note, entered_by, entered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (repository, assignment_id, criterion_id) DO UPDATE SET
       points = excluded.points, note = excluded.note, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
    [...key, input.points, input.note ?? null, input.by, at],
  );
}

/** Manual scores of one repository's assignment, by criterion id. */
export async function listManualScores(
  db: SqlQuery,
  repository: string,
  assignmentId: string,
): Promise<ManualScores> {
  const rows = await db.query<{
    criterion_id: string;
    points: number;
    note: string | null;
    entered_by: string;
  }>(
    'SELECT criterion_id, points, note, entered_by FROM manual_scores WHERE repository = $1 AND assignment_id = $2',
    [repository, assignmentId],
  );
  const scores: ManualScores = {};
  for (const row of rows) {
    scores[row.criterion_id] = {
      points: Number(row.points),
      ...(row.note === null ? {} : { note: row.note }),
      by: row.entered_by,
    };
  }
  return scores;
}

/** Manual scores of every repository of an assignment, keyed by the lower-cased repository. */
export async function listAssignmentManualScores(
  db: SqlQuery,
  assignmentId: string,
): Promise<Map<string, ManualScores>> {
  const rows = await db.query<{
    repository: string;
    criterion_id: string;
    points: number;
    note: string | null;
    entered_by: string;
  }>(
    'SELECT repository, criterion_id, points, note, entered_by FROM manual_scores WHERE assignment_id = $1',
    [assignmentId],
  );
  const byRepository = new Map<string, ManualScores>();
  for (const row of rows) {
    const key = row.repository.toLowerCase();
    const scores = byRepository.get(key) ?? {};
    scores[row.criterion_id] = {
      points: Number(row.points),
      ...(row.note === null ? {} : { note: row.note }),
      by: row.entered_by,
    };
    byRepository.set(key, scores);
  }
  return byRepository;
}

interface EventRow {
  seq: string | number;
  repository: string;
  assignment_id: string;
  criterion_id: string;
  points: number | null;
  note: string | null;
  entered_by: string;
  entered_at: Date | string;
  attempt_id: string | null;
  source: ScoreEvent['source'];
  source_url: string | null;
}

/** The audit trail, oldest first, optionally of one repository and assignment. */
export async function listScoreEvents(db: SqlQuery, filter: ScoreEventFilter = {}): Promise<ScoreEvent[]> {
  const rows = await db.query<EventRow>(
    `SELECT * FROM manual_score_events
     WHERE ($1::text IS NULL OR lower(repository) = lower($1)) AND ($2::text IS NULL OR assignment_id = $2)
     ORDER BY seq`,
    [filter.repository ?? null, filter.assignmentId ?? null],
  );
  return rows.map((row) => ({
    seq: Number(row.seq),
    repository: row.repository,
    assignmentId: row.assignment_id,
    criterionId: row.criterion_id,
    points: row.points === null ? null : Number(row.points),
    ...(row.note === null ? {} : { note: row.note }),
    by: row.entered_by,
    at: new Date(row.entered_at),
    attemptId: row.attempt_id,
    source: row.source,
    sourceUrl: row.source_url,
  }));
}
