/**
 * What a sync or an export sends for one student and assignment: the grade that counts now (the
 * attempt policy applied, manual scores included), computed from the ledger by the caller.
 */

/** A criterion still waiting for an instructor or a measurement. */
export interface PendingCriterion {
  id: string;
  title: string;
  maxPoints: number;
}

/** The grade of one student in one assignment. */
export interface StudentGrade {
  assignmentId: string;
  /** GitHub login of the student (the roster key). */
  login: string;
  /** `owner/name` of the submission repository. */
  repository: string;
  /** Final points (late policy applied). */
  points: number;
  maxPoints: number;
  /** False while some criterion is pending. */
  complete: boolean;
  pending: readonly PendingCriterion[];
  /** The attempt whose score counts, and its commit. */
  attemptId: string;
  sha: string;
  /** Where the student sees the report (the check run's page), when known. */
  reportUrl?: string;
}
