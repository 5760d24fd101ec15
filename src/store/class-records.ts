/**
 * What `mlgrade report` reads of a course: every attempt of its assignments with the parts of the
 * stored results that scoring reads (check id, kind, status, summary, metrics; never the logs,
 * findings or tables, which can be large), and the current manual scores. Read in pages of attempts
 * so a big ledger can show progress; plain rows, no analysis.
 */
import type { ManualScores } from './ledger-types.js';
import type { SqlQuery } from './sql-client.js';

/** The fields of a stored check result that scoring and the report read. */
export interface SlimCheck {
  id: string;
  kind: string;
  status: 'pass' | 'fail' | 'error' | 'skipped';
  summary: string;
  metrics: Record<string, number | null>;
}

/** One attempt of a course's assignment as the report reads it. */
export interface ClassAttempt {
  id: string;
  assignmentId: string;
  /** `owner/name`. */
  repository: string;
  studentLogin: string | null;
  sha: string;
  trigger: string;
  state: string;
  createdAt: Date;
  /** Recording order. */
  seq: number;
  /** The stored check results, when the attempt has results; else null. */
  checks: SlimCheck[] | null;
}

/** A course's attempts (recording order) and manual scores. */
export interface ClassRecords {
  attempts: ClassAttempt[];
  /** Current manual scores keyed by `lower(repository)` then assignment id. */
  manualScores: Map<string, Map<string, ManualScores>>;
}

/** Attempts read per query; progress is reported after each page. */
export const CLASS_RECORDS_PAGE = 2000;

interface AttemptRecordRow {
  id: string;
  assignment_id: string;
  repository: string;
  student_login: string | null;
  sha: string;
  trigger: string;
  state: string;
  created_at: Date | string;
  seq: number | string;
  checks: SlimCheck[] | string | null;
}

const SELECT_PAGE = `
SELECT a.id, a.assignment_id, a.repository, a.student_login, a.sha, a.trigger, a.state, a.created_at, a.seq,
  CASE WHEN r.attempt_id IS NULL THEN NULL ELSE (
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
        'id', c->'id', 'kind', c->'kind', 'status', c->'status', 'summary', c->'summary',
        'metrics', COALESCE(c->'metrics', '{}'::jsonb)) ORDER BY n), '[]'::jsonb)
    FROM jsonb_array_elements(r.results->'checks') WITH ORDINALITY AS e(c, n)
  ) END AS checks
FROM attempts a LEFT JOIN attempt_results r ON r.attempt_id = a.id
WHERE a.course_id = $1 AND a.assignment_id = ANY($2::text[]) AND a.seq > $3
ORDER BY a.seq
LIMIT $4`;

/**
 * Reads the attempts of `assignmentIds` in course `courseId` and the manual scores of those
 * assignments. `onProgress(read, total)` is called after each page of attempts.
 */
export async function readClassRecords(
  db: SqlQuery,
  courseId: string,
  assignmentIds: readonly string[],
  onProgress?: (read: number, total: number) => void,
): Promise<ClassRecords> {
  const ids = [...assignmentIds];
  const [countRow] = await db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM attempts WHERE course_id = $1 AND assignment_id = ANY($2::text[])',
    [courseId, ids],
  );
  const total = Number(countRow?.n ?? 0);
  const attempts: ClassAttempt[] = [];
  let after = 0;
  for (;;) {
    const rows = await db.query<AttemptRecordRow>(SELECT_PAGE, [courseId, ids, after, CLASS_RECORDS_PAGE]);
    for (const row of rows) attempts.push(fromRow(row));
    onProgress?.(attempts.length, Math.max(total, attempts.length));
    if (rows.length < CLASS_RECORDS_PAGE) break;
    after = attempts[attempts.length - 1]!.seq;
  }
  return { attempts, manualScores: await readManualScores(db, ids) };
}

function fromRow(row: AttemptRecordRow): ClassAttempt {
  const checks = typeof row.checks === 'string' ? (JSON.parse(row.checks) as SlimCheck[]) : row.checks;
  return {
    id: row.id,
    assignmentId: row.assignment_id,
    repository: row.repository,
    studentLogin: row.student_login,
    sha: row.sha,
    trigger: row.trigger,
    state: row.state,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    seq: Number(row.seq),
    checks:
      checks?.map((check) => ({ ...check, summary: check.summary ?? '', metrics: check.metrics ?? {} })) ??
      null,
  };
}

async function readManualScores(
  db: SqlQuery,
  assignmentIds: string[],
): Promise<Map<string, Map<string, ManualScores>>> {
  const rows = await db.query<{
    repository: string;
    assignment_id: string;
    criterion_id: string;
    points: number | string;
    note: string | null;
    entered_by: string;
  }>(
    `SELECT repository, assignment_id, criterion_id, points, note, entered_by FROM manual_scores
     WHERE assignment_id = ANY($1::text[])`,
    [assignmentIds],
  );
  const byRepository = new Map<string, Map<string, ManualScores>>();
  for (const row of rows) {
    const key = row.repository.toLowerCase();
    const assignments = byRepository.get(key) ?? new Map<string, ManualScores>();
    byRepository.set(key, assignments);
    const scores = assignments.get(row.assignment_id) ?? {};
    assignments.set(row.assignment_id, scores);
    scores[row.criterion_id] = {
      points: Number(row.points),
      ...(row.note === null ? {} : { note: row.note }),
      by: row.entered_by,
    };
  }
  return byRepository;
}
