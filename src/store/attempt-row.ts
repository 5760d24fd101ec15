/**
 * Mapping between the `attempts` table and `Attempt`. bigint columns come back as strings from `pg`
 * and as numbers from PGlite; GitHub ids stay below 2^53, so both become numbers here.
 */
import type { Attempt, AttemptPatch, AttemptState, AttemptTrigger } from './ledger-types.js';

/** A row of `attempts` as either driver returns it. */
export interface AttemptRow {
  id: string;
  course_id: string;
  assignment_id: string;
  repository: string;
  repository_id: number | string;
  student_id: number | string | null;
  student_login: string | null;
  sha: string;
  trigger: string;
  pull_request: number | null;
  delivery_id: string | null;
  state: string;
  check_run_id: number | string | null;
  workflow_run_id: number | string | null;
  dispatch_nonce: string | null;
  created_at: Date;
  dispatched_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  conclusion: string | null;
  error: string | null;
}

const toNumber = (value: number | string | null): number | null => (value === null ? null : Number(value));

/** Converts a row into an `Attempt`. */
export function attemptFromRow(row: AttemptRow): Attempt {
  return {
    id: row.id,
    courseId: row.course_id,
    assignmentId: row.assignment_id,
    repository: row.repository,
    repositoryId: Number(row.repository_id),
    studentId: toNumber(row.student_id),
    studentLogin: row.student_login,
    sha: row.sha,
    trigger: row.trigger as AttemptTrigger,
    pullRequest: row.pull_request,
    deliveryId: row.delivery_id,
    state: row.state as AttemptState,
    checkRunId: toNumber(row.check_run_id),
    workflowRunId: toNumber(row.workflow_run_id),
    dispatchNonce: row.dispatch_nonce,
    createdAt: row.created_at,
    dispatchedAt: row.dispatched_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    conclusion: row.conclusion,
    error: row.error,
  };
}

/** Column of each patchable field; the keys double as the allow-list of what `updateAttempt` may set. */
const PATCH_COLUMNS: Record<keyof AttemptPatch, string> = {
  state: 'state',
  checkRunId: 'check_run_id',
  workflowRunId: 'workflow_run_id',
  dispatchNonce: 'dispatch_nonce',
  dispatchedAt: 'dispatched_at',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  conclusion: 'conclusion',
  error: 'error',
};

/**
 * Builds `col = $n, …` for the fields present in `patch` (undefined means "leave as is"; null clears),
 * numbering placeholders from `firstParam`.
 */
export function patchAssignments(
  patch: AttemptPatch,
  firstParam: number,
): { sql: string; params: unknown[] } {
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [key, column] of Object.entries(PATCH_COLUMNS)) {
    const value = patch[key as keyof AttemptPatch];
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${firstParam + params.length - 1}`);
  }
  return { sql: sets.join(', '), params };
}
