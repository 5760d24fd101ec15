/**
 * Deleting one student's data from the ledger on request (`mlgrade forget`): in one course, the
 * attempts recorded for the student's login or made in the student's repositories, their results,
 * the manual scores and manual-score history of those repositories, the grades LMS syncs recorded for
 * the student, and GitHub writes still queued for those attempts. The student's repositories are the
 * ones their attempts name and the ones whose name an assignment's `repository:` pattern matches
 * with their login. Counting and deleting use the same conditions.
 */
import { matchRepository } from '../config/match-repository.js';
import type { SqlClient, SqlQuery } from './sql-client.js';

/** Who to forget, in which course. */
export interface ForgetTarget {
  courseId: string;
  login: string;
  /** The course's assignments and their repository patterns. */
  assignments: readonly { id: string; repository?: string | undefined }[];
}

/** Rows per table, counted or deleted. */
export interface ForgetCounts {
  attempts: number;
  results: number;
  manualScores: number;
  scoreEvents: number;
  lmsGrades: number;
  queuedWrites: number;
  /** The ids of the comments mlgrade keeps on the student's pull requests (the comments stay on GitHub). */
  prComments: number;
}

/** What a forget touches: the student's repositories (lower-cased) and attempt ids. */
interface Scope {
  repositories: string[];
  attemptIds: string[];
  assignmentIds: string[];
}

/** Counts what {@link forgetStudent} would delete, and names the repositories. */
export async function countStudentRows(
  db: SqlQuery,
  target: ForgetTarget,
): Promise<{ repositories: string[]; counts: ForgetCounts }> {
  const scope = await findScope(db, target);
  const counts = await run(db, target, scope, 'count');
  return { repositories: scope.repositories, counts };
}

/** Deletes the student's rows in one transaction; returns how many rows of each kind went. */
export async function forgetStudent(
  db: SqlClient,
  target: ForgetTarget,
): Promise<{ repositories: string[]; counts: ForgetCounts }> {
  return db.transaction(async (tx) => {
    const scope = await findScope(tx, target);
    const counts = await run(tx, target, scope, 'delete');
    return { repositories: scope.repositories, counts };
  });
}

async function findScope(db: SqlQuery, target: ForgetTarget): Promise<Scope> {
  const assignmentIds = target.assignments.map((a) => a.id);
  const login = target.login.toLowerCase();
  const candidates = await db.query<{
    repository: string;
    assignment_id: string;
    student_login: string | null;
  }>(
    `SELECT DISTINCT repository, assignment_id, student_login FROM attempts
       WHERE course_id = $1 AND assignment_id = ANY($2::text[])
     UNION SELECT DISTINCT repository, assignment_id, NULL FROM manual_score_events WHERE assignment_id = ANY($2::text[])
     UNION SELECT DISTINCT repository, assignment_id, NULL FROM manual_scores WHERE assignment_id = ANY($2::text[])`,
    [target.courseId, assignmentIds],
  );
  const repositories = new Set<string>();
  for (const row of candidates) {
    const pattern = target.assignments.find((a) => a.id === row.assignment_id)?.repository;
    const name = row.repository.split('/')[1] ?? row.repository;
    const byPattern = pattern ? matchRepository(pattern, name)?.toLowerCase() === login : false;
    if (byPattern || row.student_login?.toLowerCase() === login)
      repositories.add(row.repository.toLowerCase());
  }
  const repositoryList = [...repositories].sort();
  const attempts = await db.query<{ id: string }>(
    `SELECT id FROM attempts WHERE course_id = $1 AND assignment_id = ANY($2::text[])
       AND (lower(student_login) = $3 OR lower(repository) = ANY($4::text[]))`,
    [target.courseId, assignmentIds, login, repositoryList],
  );
  return { repositories: repositoryList, attemptIds: attempts.map((row) => row.id), assignmentIds };
}

async function run(db: SqlQuery, target: ForgetTarget, scope: Scope, mode: 'count' | 'delete') {
  const byAttempt = [scope.attemptIds];
  const byRepository = [scope.repositories, scope.assignmentIds];
  const statements: [keyof ForgetCounts, string, string, unknown[]][] = [
    // GitHub writes not yet made (or kept after they were) carry the student's results.
    ['queuedWrites', 'outbox', 'attempt_id = ANY($1::text[])', byAttempt],
    [
      'prComments',
      'pr_comments',
      'repository = ANY($1::text[]) AND assignment_id = ANY($2::text[])',
      byRepository,
    ],
    ['results', 'attempt_results', 'attempt_id = ANY($1::text[])', byAttempt],
    [
      'scoreEvents',
      'manual_score_events',
      '(lower(repository) = ANY($1::text[]) AND assignment_id = ANY($2::text[])) OR attempt_id = ANY($3::text[])',
      [...byRepository, scope.attemptIds],
    ],
    [
      'manualScores',
      'manual_scores',
      'lower(repository) = ANY($1::text[]) AND assignment_id = ANY($2::text[])',
      byRepository,
    ],
    [
      'lmsGrades',
      'lms_sync_grades',
      // lms_syncs.course_id is the LMS's course, not mlgrade's: the course's assignment ids select.
      'lower(student) = $1 AND assignment_id = ANY($2::text[])',
      [target.login.toLowerCase(), scope.assignmentIds],
    ],
    ['attempts', 'attempts', 'id = ANY($1::text[])', byAttempt],
  ];
  const counts: ForgetCounts = {
    attempts: 0,
    results: 0,
    manualScores: 0,
    scoreEvents: 0,
    lmsGrades: 0,
    queuedWrites: 0,
    prComments: 0,
  };
  for (const [key, table, where, params] of statements) {
    if (mode === 'count') {
      const [row] = await db.query<{ n: number | string }>(
        `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
        params,
      );
      counts[key] = Number(row?.n ?? 0);
    } else {
      counts[key] = (await db.query(`DELETE FROM ${table} WHERE ${where} RETURNING 1`, params)).length;
    }
  }
  return counts;
}
