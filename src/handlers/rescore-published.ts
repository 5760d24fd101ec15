/**
 * After a manual score changes: score the repository's latest graded attempt again from its stored
 * results, store the new score, and update its check run and the pull request's comment in place.
 */
import { scoreAttempt } from '../attempt/judge-results.js';
import type { CourseConfig } from '../config/schema.js';
import { updateCheckRunOutput } from '../github/check-runs.js';
import type { GitHub } from '../github/github-client.js';
import { upsertComment } from '../github/pr-comment.js';
import type { AppDeps, Log } from './app-deps.js';

/** What a rescore changed: the attempt and its new points, or nothing (no graded attempt yet). */
export type RescoreOutcome =
  | { attemptId: string; points: number; maxPoints: number; pendingPoints: number }
  | undefined;

/** Rescores and republishes the attempt a command applies to (the PR's, else the newest). */
export async function rescorePublished(
  deps: AppDeps,
  github: GitHub,
  input: { repository: string; assignmentId: string; course: CourseConfig; pullRequest?: number },
  log: Log,
): Promise<RescoreOutcome> {
  const latest = await deps.ledger.latestResults(input.repository, input.assignmentId, input.pullRequest);
  if (!latest) return undefined;
  const scored = await scoreAttempt({
    attempt: latest.attempt,
    course: input.course,
    results: latest.results,
    history: deps.ledger,
  });
  if ('missingAssignment' in scored) {
    log.warn(`${input.repository}: ${scored.missingAssignment}`);
    return undefined;
  }
  await deps.ledger.saveResults(latest.attempt.id, scored.results, scored.score);
  const { attempt } = latest;
  if (attempt.checkRunId !== null)
    await updateCheckRunOutput(github, attempt.repository, attempt.checkRunId, scored.report);
  const pulls = new Set<number>();
  if (attempt.pullRequest !== null) pulls.add(attempt.pullRequest);
  if (input.pullRequest !== undefined) pulls.add(input.pullRequest);
  for (const number of pulls) {
    const outcome = await upsertComment(
      github,
      attempt.repository,
      number,
      attempt.assignmentId,
      scored.comment,
    );
    log.info(
      `${attempt.repository}#${number}: ${attempt.assignmentId} comment ${outcome} after a manual score`,
    );
  }
  return {
    attemptId: attempt.id,
    points: scored.score.points,
    maxPoints: scored.score.maxPoints,
    pendingPoints: scored.score.pendingPoints,
  };
}
