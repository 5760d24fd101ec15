/** Instructors' points for manual criteria; the latest entry for a criterion replaces earlier ones. */
import type { ManualScores, NewManualScore } from './ledger-types.js';
import type { SqlQuery } from './sql-client.js';

/** Stores (or replaces) the points for one criterion of one repository's assignment. */
export async function saveManualScore(db: SqlQuery, input: NewManualScore): Promise<void> {
  await db.query(
    `INSERT INTO manual_scores (repository, assignment_id, criterion_id, points, note, entered_by, entered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (repository, assignment_id, criterion_id) DO UPDATE SET
       points = excluded.points, note = excluded.note, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
    [
      input.repository,
      input.assignmentId,
      input.criterionId,
      input.points,
      input.note ?? null,
      input.by,
      input.at ?? new Date(),
    ],
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
