/**
 * The class report as plain data: what `computeClassReport` returns and every renderer (terminal
 * table, CSV, JSON; a dashboard later) shows. Definitions of each figure are in docs/report.md.
 */

/** Groups of students smaller than this are never shown as a figure. */
export const MIN_GROUP_SIZE = 5;

/** A cohort figure withheld because it would describe fewer than {@link MIN_GROUP_SIZE} students. */
export interface Suppressed {
  suppressed: 'fewer than 5';
}

/** A cohort figure: a number, withheld (fewer than 5 students), or null when there is no data (0 students). */
export type Figure = number | Suppressed | null;

export const SUPPRESSED: Suppressed = Object.freeze({ suppressed: 'fewer than 5' });

/** True when `figure` was withheld. */
export function isSuppressed(figure: Figure): figure is Suppressed {
  return typeof figure === 'object' && figure !== null && 'suppressed' in figure;
}

/** One bin of the score histogram, in percent of the assignment's maximum points. */
export interface HistogramBin {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge (the last bin includes 100). */
  to: number;
  students: Figure;
}

/** One rubric criterion across the class's counting scores. */
export interface CriterionSummary {
  id: string;
  title: string;
  maxPoints: number;
  /** Students whose counting score has this criterion scored. */
  scored: Figure;
  meanPoints: Figure;
  /** Mean of maxPoints − points over the scored ones. */
  meanLost: Figure;
  /** Sum of maxPoints − points over the scored ones: what the criterion costs the class. */
  totalLost: Figure;
  /** Students whose counting score has this criterion pending an instructor (manual). */
  pendingManual: Figure;
}

/** Everything the report says about one assignment. */
export interface AssignmentSummary {
  id: string;
  title: string;
  /** Due instant (ISO 8601, UTC), or null without a due date. */
  due: string | null;
  maxPoints: number;
  /** Students with at least one attempt of any kind. */
  submitted: Figure;
  /** Students with a graded attempt (their counting score exists). */
  graded: Figure;
  /** Students whose counting attempt has no failing or erroring check. */
  passing: Figure;
  /** Students whose counting score has no pending criterion. */
  complete: Figure;
  /** Graded attempts the student started (push, pull request, re-run), per student with at least one. */
  attempts: { students: Figure; mean: Figure; median: Figure; max: Figure };
  late: {
    /** Students whose counting attempt came in after due date and grace. */
    late: Figure;
    /** Of those, scored 0 for being later than `reject_after_days`. */
    rejected: Figure;
    meanDaysLate: Figure;
    /** Points the late policy took off the counting scores (earned − final), summed and averaged over late ones. */
    totalPenaltyPoints: Figure;
    meanPenaltyPoints: Figure;
  };
  /** Counting scores in percent of maxPoints (late policy applied, pending criteria counted as 0). */
  scores: {
    count: Figure;
    mean: Figure;
    median: Figure;
    q1: Figure;
    q3: Figure;
    histogram: HistogramBin[];
  };
  criteria: CriterionSummary[];
  /** Id of the criterion with the largest totalLost (shown only when that figure is shown). */
  costliestCriterion: string | null;
  /** Manual criteria waiting for an instructor over the counting scores: criteria and students. */
  pendingManual: { criteria: Figure; students: Figure };
  /** Names of the figures of this assignment that were withheld. */
  suppressed: string[];
}

/** Why a student is on the early-warning list. */
export type WarningKind = 'below-threshold' | 'no-attempt' | 'failing-streak';

/** One row of the early-warning list. */
export interface EarlyWarning {
  /** The student's login, or anonymous id with `--anonymous`. */
  student: string;
  assignment: string;
  kind: WarningKind;
  reason: string;
}

/** The whole report. */
export interface ClassReport {
  course: { id: string; title: string };
  /** The instant the report is computed for (`--now`), ISO 8601. */
  now: string;
  anonymous: boolean;
  /** Students with any attempt in the course's assignments. */
  students: Figure;
  /** The rule, in words. */
  privacy: string;
  settings: { threshold: number; inactiveDays: number };
  assignments: AssignmentSummary[];
  earlyWarning: EarlyWarning[];
  /** Sentences about the data as a whole (an empty course, every figure withheld). */
  notes: string[];
}
