/**
 * Rescoring a class from stored results, without running any check: every completed attempt's
 * results are scored again against the config and manual scores as they are now (the late policy at
 * the commit's first submission), and compared with the score stored for it. Used after a rubric or
 * policy change; the caller shows the diff and stores the new scores only when asked.
 */
import type { Assignment, CourseConfig } from '../config/schema.js';
import { scoreResults } from '../grading/grade-and-score.js';
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore, ManualScore } from '../results/score-types.js';

/** A stored attempt as the ledger gives it. */
export interface StoredAttempt {
  attempt: {
    id: string;
    repository: string;
    sha: string;
    trigger: string;
    createdAt: Date;
    studentLogin: string | null;
  };
  results: Results;
  score: AssignmentScore;
}

/** How one criterion's points moved; `undefined` means the criterion is not in that score. */
export interface CriterionChange {
  id: string;
  title: string;
  before: number | null | undefined;
  after: number | null | undefined;
  /** The new explanation, or why the criterion is gone. */
  why: string;
}

/** One attempt whose score changes. */
export interface RescoreDiff {
  attemptId: string;
  repository: string;
  sha: string;
  student: string | null;
  before: { points: number; maxPoints: number; pendingPoints: number };
  after: AssignmentScore;
  changes: CriterionChange[];
}

/** The whole rescore: what changes, how many stay, and the stored results it was computed from. */
export interface ClassRescore {
  diffs: RescoreDiff[];
  unchanged: number;
  /** Criteria that stored scores name and the config no longer has (their points are dropped). */
  removedCriteria: string[];
  /** The new score of every attempt, for storing. */
  scores: Map<string, { results: Results; score: AssignmentScore }>;
}

/** Rescores every stored attempt of `assignment`; `manual` gives a repository's manual scores. */
export function rescoreClass(
  course: CourseConfig,
  assignment: Assignment,
  rows: readonly StoredAttempt[],
  manual: (repository: string) => Record<string, ManualScore>,
): ClassRescore {
  const firstSubmission = new Map<string, Date>();
  for (const { attempt } of rows) {
    const key = `${attempt.repository.toLowerCase()}@${attempt.sha}`;
    const seen = firstSubmission.get(key);
    if (!seen || attempt.createdAt < seen) firstSubmission.set(key, attempt.createdAt);
  }
  const configured = new Set(assignment.rubric.map((criterion) => criterion.id));
  const removed = new Set<string>();
  const result: ClassRescore = { diffs: [], unchanged: 0, removedCriteria: [], scores: new Map() };
  for (const row of rows) {
    const { attempt } = row;
    // Regrades are not new submissions: the late policy applies at the commit's first one.
    const submittedAt =
      attempt.trigger === 'push' || attempt.trigger === 'pull_request'
        ? attempt.createdAt
        : (firstSubmission.get(`${attempt.repository.toLowerCase()}@${attempt.sha}`) ?? attempt.createdAt);
    const after = scoreResults(course, assignment, row.results.checks, {
      submittedAt,
      manualScores: manual(attempt.repository),
    });
    result.scores.set(attempt.id, { results: row.results, score: after });
    for (const criterion of row.score.criteria) if (!configured.has(criterion.id)) removed.add(criterion.id);
    const changes = criterionChanges(row.score, after);
    if (
      changes.length === 0 &&
      row.score.points === after.points &&
      row.score.pendingPoints === after.pendingPoints
    ) {
      result.unchanged++;
      continue;
    }
    result.diffs.push({
      attemptId: attempt.id,
      repository: attempt.repository,
      sha: attempt.sha,
      student: attempt.studentLogin,
      before: {
        points: row.score.points,
        maxPoints: row.score.maxPoints,
        pendingPoints: row.score.pendingPoints,
      },
      after,
      changes,
    });
  }
  result.removedCriteria = [...removed].sort();
  return result;
}

function criterionChanges(before: AssignmentScore, after: AssignmentScore): CriterionChange[] {
  const old = new Map(before.criteria.map((criterion) => [criterion.id, criterion]));
  const now = new Map(after.criteria.map((criterion) => [criterion.id, criterion]));
  const changes: CriterionChange[] = [];
  for (const criterion of after.criteria) {
    const previous = old.get(criterion.id);
    if (previous && previous.points === criterion.points && previous.maxPoints === criterion.maxPoints)
      continue;
    changes.push({
      id: criterion.id,
      title: criterion.title,
      before: previous ? previous.points : undefined,
      after: criterion.points,
      why: previous ? criterion.explanation : `new criterion: ${criterion.explanation}`,
    });
  }
  for (const criterion of before.criteria) {
    if (now.has(criterion.id)) continue;
    changes.push({
      id: criterion.id,
      title: criterion.title,
      before: criterion.points,
      after: undefined,
      why: `the config no longer has criterion ${criterion.id}: its ${criterion.points ?? 0} points are dropped`,
    });
  }
  return changes;
}
