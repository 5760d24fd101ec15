/** Which assignments must be graded with nothing else running beside them. */
import type { Assignment } from '../config/schema.js';

/**
 * True for an assignment with a service load test (its latencies are the point), or whose rubric
 * reads a timing metric (latency, throughput, ready time, percentiles) that concurrent gradings in
 * the same process or machine would distort, costing the student points.
 */
export function timingSensitive(assignment: Assignment): boolean {
  if (assignment.checks.some((check) => check.kind === 'service')) return true;
  return assignment.rubric.some((criterion) =>
    /latency|throughput|_ms\b|seconds|p\d\d/i.test(criterion.metric ?? ''),
  );
}
