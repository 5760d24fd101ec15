/**
 * Scores one submission of one assignment: every rubric criterion (score-criterion.ts), the totals,
 * then the late policy (late-penalty.ts). Pure: same config, results and options, same score.
 */
import type { Assignment } from '../config/schema.js';
import type { CheckResult } from '../results/results-schema.js';
import {
  type AssignmentScore,
  type ManualScore,
  roundPoints,
  SCORE_SCHEMA_VERSION,
} from '../results/score-types.js';
import { parseDue } from './due-date.js';
import { assessLate } from './late-penalty.js';
import { scoreCriterion } from './score-criterion.js';

/** What scoring needs besides the assignment and the check results. */
export interface ScoreOptions {
  /** When the submission was made (push or commit time); without it no late penalty is applied. */
  submittedAt?: Date;
  /** Instructor scores by criterion id; they also override automatic criteria (regrades, reviews). */
  manualScores?: Record<string, ManualScore>;
  /** IANA zone for `due` when the assignment sets no `timezone` (default UTC). */
  courseTimezone?: string;
}

/**
 * Scores `checkResults` against `assignment.rubric` and applies the late policy. Manual scores for
 * criteria the rubric does not have are ignored. Throws on config errors (a criterion without exactly
 * one scoring mode, an invalid `due` or time zone), which `mlgrade validate` reports first.
 */
export function scoreAssignment(
  assignment: Assignment,
  checkResults: readonly CheckResult[],
  options: ScoreOptions = {},
): AssignmentScore {
  const manual = options.manualScores ?? {};
  const criteria = assignment.rubric.map((criterion) =>
    scoreCriterion(
      criterion,
      checkResults,
      Object.hasOwn(manual, criterion.id) ? manual[criterion.id] : undefined,
    ),
  );
  const maxPoints = roundPoints(sum(criteria.map((c) => c.maxPoints)));
  const earnedPoints = roundPoints(sum(criteria.map((c) => c.points ?? 0)));
  const pendingPoints = roundPoints(
    sum(criteria.filter((c) => c.status === 'pending').map((c) => c.maxPoints)),
  );

  const timeZone = assignment.timezone ?? options.courseTimezone ?? 'UTC';
  const due = assignment.due === undefined ? undefined : parseDue(assignment.due, timeZone);
  const late = assessLate({ policy: assignment.late, due, submittedAt: options.submittedAt, maxPoints });
  const points = late.status === 'rejected' ? 0 : roundPoints(Math.max(0, earnedPoints - late.deduction));

  return {
    scoreVersion: SCORE_SCHEMA_VERSION,
    assignment: assignment.id,
    criteria,
    earnedPoints,
    points,
    maxPoints,
    percent: maxPoints > 0 ? roundPoints((points / maxPoints) * 100) : 0,
    pendingPoints,
    complete: pendingPoints === 0 && criteria.every((c) => c.status === 'scored'),
    late,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
