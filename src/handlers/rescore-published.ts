/**
 * After a manual score changes: score the repository's latest graded attempt again from its stored
 * results, store the new score, and update its check run and the pull request's comment in place.
 */
import { scoreAttempt } from '../attempt/judge-results.js';
import type { CourseConfig } from '../config/schema.js';
import { updateCheckRunOutput } from '../github/check-runs.js';
import type { GitHub } from '../github/github-client.js';
import { upsertComments } from '../github/pr-comment.js';
import type { AppDeps, Log } from './app-deps.js';

/**
 * Rescores and republishes the attempt a command applies to (the PR's, else the newest); false when
 * there is no graded attempt yet (the score then counts when one is graded).
 */
export async function rescorePublished(
  deps: AppDeps,
  github: GitHub,
  input: { repository: string; assignmentId: string; course: CourseConfig; pullRequest?: number },
  log: Log,
): Promise<boolean> {
  const latest = await deps.ledger.latestResults(input.repository, input.assignmentId, input.pullRequest);
  if (!latest) return false;
  const scored = await scoreAttempt({
    attempt: latest.attempt,
    course: input.course,
    results: latest.results,
    history: deps.ledger,
  });
  if ('missingAssignment' in scored) {
    log.warn(`${input.repository}: ${scored.missingAssignment}`);
    return false;
  }
  await deps.ledger.saveResults(latest.attempt.id, scored.results, scored.score);
  const { attempt } = latest;
  if (attempt.checkRunId !== null)
    await updateCheckRunOutput(github, attempt.repository, attempt.checkRunId, scored.report);
  const pulls = [
    ...(attempt.pullRequest === null ? [] : [attempt.pullRequest]),
    ...(input.pullRequest === undefined ? [] : [input.pullRequest]),
  ];
  for (const { number, outcome } of await upsertComments(
    github,
    attempt.repository,
    pulls,
    attempt.assignmentId,
    scored.comment,
    deps.ledger.comments,
  ))
    log.info(
      `${attempt.repository}#${number}: ${attempt.assignmentId} comment ${outcome} after a manual score`,
    );
  return true;
}
