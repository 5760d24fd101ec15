/** Chooses which assignment of a config to grade a submission against. */
import { didYouMean } from '../config/did-you-mean.js';
import { matchRepository } from '../config/match-repository.js';
import type { Assignment, CourseConfig } from '../config/schema.js';
import { UsageError } from './parse-cli-args.js';

/**
 * The assignment named by `id`; else the only assignment; else the one whose `repository:` pattern
 * matches the submission directory's name. Anything ambiguous is a usage error that lists the ids.
 */
export function pickAssignment(
  config: CourseConfig,
  id: string | undefined,
  submissionName: string,
): Assignment {
  const ids = config.assignments.map((assignment) => assignment.id);
  if (id !== undefined) {
    const found = config.assignments.find((assignment) => assignment.id === id);
    if (found) return found;
    throw new UsageError(
      `no assignment "${id}" in the config${didYouMean(id, ids)} (assignments: ${ids.join(', ')}).`,
    );
  }
  if (config.assignments.length === 1) return config.assignments[0]!;
  const matching = config.assignments.filter(
    (assignment) =>
      assignment.repository !== undefined &&
      matchRepository(assignment.repository, submissionName) !== undefined,
  );
  if (matching.length === 1) return matching[0]!;
  const why =
    matching.length === 0
      ? `"${submissionName}" matches no assignment's repository pattern`
      : `"${submissionName}" matches several assignments`;
  throw new UsageError(`${why}; name one with --assignment (${ids.join(', ')}).`);
}
