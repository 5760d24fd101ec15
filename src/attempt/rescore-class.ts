/**
 * Rescoring a class from stored results, without running any check: every completed attempt's
 * results are scored again against the config and manual scores as they are now (the late policy at
 * the commit's first submission), and compared with the score stored for it. Used after a rubric or
 * policy change; the caller shows the diff and stores the new scores only when asked.
 */
import type { Assignment, CourseConfig } from '../config/schema.js';
import { checkInputs } from '../grading/check-inputs.js';
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

/** An attempt whose stored results no longer answer the config: a check must run again. */
export interface StaleAttempt {
  attemptId: string;
  repository: string;
  sha: string;
  student: string | null;
  /** The checks whose inputs changed (or that are new), each with why. */
  checks: { id: string; why: string }[];
}

/** The whole rescore: what changes, how many stay, and the stored results it was computed from. */
export interface ClassRescore {
  diffs: RescoreDiff[];
  unchanged: number;
  /**
   * Attempts not rescored because a check's inputs (its options, hidden file pins, the sandbox
   * limits) changed since they were graded, or a check was added: their checks must run again.
   */
  stale: StaleAttempt[];
  /** Attempts graded before results recorded check inputs: rescored, but a changed check cannot be told. */
  unverified: number;
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
  const result: ClassRescore = {
    diffs: [],
    unchanged: 0,
    stale: [],
    unverified: 0,
    removedCriteria: [],
    scores: new Map(),
  };
  const current = new Map(assignment.checks.map((spec) => [spec.id, checkInputs(spec, course)]));
  for (const row of rows) {
    const { attempt } = row;
    const { changed, unverifiable } = changedChecks(current, row.results);
    if (changed.length > 0) {
      result.stale.push({
        attemptId: attempt.id,
        repository: attempt.repository,
        sha: attempt.sha,
        student: attempt.studentLogin,
        checks: changed,
      });
      continue;
    }
    if (unverifiable) result.unverified++;
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

/**
 * The checks of the config whose stored outcome no longer applies: new ones, and those whose recorded
 * inputs differ. `unverifiable` when the results predate recorded inputs (nothing to compare with).
 */
function changedChecks(
  current: Map<string, string>,
  results: Results,
): { changed: { id: string; why: string }[]; unverifiable: boolean } {
  const stored = new Map(results.checks.map((check) => [check.id, check]));
  const changed: { id: string; why: string }[] = [];
  for (const [id, inputs] of current) {
    const check = stored.get(id);
    if (!check) changed.push({ id, why: 'the check is new: these results never ran it' });
    else if (check.inputs !== undefined && check.inputs !== inputs)
      changed.push({ id, why: 'its options, hidden files or sandbox limits changed since it ran' });
  }
  return { changed, unverifiable: results.checks.every((check) => check.inputs === undefined) };
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
