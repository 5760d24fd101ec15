/**
 * The weighted course total. Two views, because both questions get asked: "how am I doing on what
 * has been graded?" (`percentSoFar`, ungraded assignments left out) and "what is my course grade if
 * nothing else comes in?" (`percentOfCourse`, ungraded assignments count as 0).
 */
import type { Assignment } from '../config/schema.js';
import { roundPoints } from '../results/score-types.js';

/** One assignment's part in the total. */
export interface CourseTotalItem {
  id: string;
  /** Its weight (default 1). */
  weight: number;
  /** Its percent, or null when not graded yet. */
  percent: number | null;
  /** Percentage points it adds to `percentOfCourse`. */
  contribution: number;
}

/** The course total for one student. */
export interface CourseTotal {
  items: CourseTotalItem[];
  /** Weighted mean over graded assignments only; null when none is graded. */
  percentSoFar: number | null;
  /** Weighted mean over all assignments, ungraded ones counting 0. */
  percentOfCourse: number;
  /** Sum of the weights of graded assignments. */
  gradedWeight: number;
  /** Sum of all weights. */
  totalWeight: number;
}

/**
 * Computes the weighted total. `percents` maps assignment ids to their (final) percent; ids that are
 * absent, null or not finite count as not graded, and ids not in `assignments` are ignored. Weights are
 * relative (15/20/25/20/20 and 0.15/0.2/… mean the same); weight 0 leaves an assignment out.
 */
export function courseTotal(
  assignments: readonly Pick<Assignment, 'id' | 'weight'>[],
  percents: Readonly<Record<string, number | null | undefined>>,
): CourseTotal {
  const totalWeight = assignments.reduce((sum, a) => sum + (a.weight ?? 1), 0);
  const items = assignments.map((a): CourseTotalItem => {
    const weight = a.weight ?? 1;
    const raw = Object.hasOwn(percents, a.id) ? percents[a.id] : undefined;
    const percent = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    const contribution = totalWeight > 0 && percent !== null ? (percent * weight) / totalWeight : 0;
    return { id: a.id, weight, percent, contribution: roundPoints(contribution) };
  });
  const graded = items.filter((item) => item.percent !== null && item.weight > 0);
  const gradedWeight = graded.reduce((sum, item) => sum + item.weight, 0);
  const weightedSum = graded.reduce((sum, item) => sum + (item.percent ?? 0) * item.weight, 0);
  return {
    items,
    percentSoFar: gradedWeight > 0 ? roundPoints(weightedSum / gradedWeight) : null,
    percentOfCourse: totalWeight > 0 ? roundPoints(weightedSum / totalWeight) : 0,
    gradedWeight,
    totalWeight,
  };
}
