/**
 * Collects one attempt's results from a completed grader run. Steps:
 *   1. find its artifact (missing → infrastructure error when the run failed, else invalid results);
 *   2. download it within limits, parse and validate it as untrusted input;
 *   3. check it answers this attempt (attempt id, repository, sha, course, assignment);
 *   4. score it against the current config, store it, complete the check run, upsert the PR comment.
 */
import type { CourseConfig } from '../config/schema.js';
import { completeCheckRun } from '../github/check-runs.js';
import { artifactName, downloadResults } from '../github/fetch-results-artifact.js';
import type { GitHub } from '../github/github-client.js';
import { upsertComment } from '../github/pr-comment.js';
import { ArtifactError } from '../github/read-results-zip.js';
import { checkRunReport, reportMarkdown } from '../github/results-report.js';
import { scoreAssignment } from '../grading/score-assignment.js';
import { validateResults } from '../results/validate-results.js';
import type { Attempt } from '../store/ledger-types.js';
import type { AppDeps, Log } from './app-deps.js';

/** The run as the collector sees it. */
export interface CompletedRun {
  owner: string;
  repo: string;
  id: number;
  conclusion: string | null;
  artifacts: Map<string, { id: number; size: number; expired: boolean }>;
}

/** Collects, scores and reports one attempt. */
export async function collectAttempt(
  deps: AppDeps,
  github: GitHub,
  run: CompletedRun,
  attempt: Attempt,
  course: CourseConfig,
  log: Log,
): Promise<void> {
  const artifact = run.artifacts.get(artifactName(attempt.id));
  if (!artifact) {
    const infra = run.conclusion !== 'success';
    const why = `grader run ${run.id} finished (${run.conclusion ?? 'no conclusion'}) without the artifact ${artifactName(attempt.id)}`;
    return fail(deps, github, attempt, infra ? 'infra_error' : 'invalid_results', why, log);
  }
  let results: ReturnType<typeof validateResults>;
  try {
    const text = await downloadResults(github, run.owner, run.repo, artifact);
    results = validateResults(JSON.parse(text));
  } catch (error) {
    if (error instanceof ArtifactError || error instanceof SyntaxError)
      return fail(deps, github, attempt, 'invalid_results', error.message, log);
    throw error;
  }
  if (!results.ok)
    return fail(
      deps,
      github,
      attempt,
      'invalid_results',
      `results do not match the schema:\n${results.errors.join('\n')}`,
      log,
    );
  const mismatch = answersAttempt(results.results, attempt);
  if (mismatch) return fail(deps, github, attempt, 'invalid_results', mismatch, log);

  const assignment = course.assignments.find((candidate) => candidate.id === attempt.assignmentId);
  if (!assignment)
    return fail(
      deps,
      github,
      attempt,
      'infra_error',
      `assignment ${attempt.assignmentId} is no longer in the course config`,
      log,
    );
  const manualScores = await deps.ledger.listManualScores(attempt.repository, attempt.assignmentId);
  const score = scoreAssignment(assignment, results.results.checks, {
    submittedAt: await submittedAt(deps, attempt),
    manualScores,
    ...(course.course.timezone ? { courseTimezone: course.course.timezone } : {}),
  });
  await deps.ledger.saveResults(attempt.id, results.results, score);
  const scored = { course, assignment, results: results.results, score };
  const report = checkRunReport(scored);
  const pulls =
    attempt.checkRunId === null
      ? []
      : await completeCheckRun(github, attempt.repository, attempt.checkRunId, report);
  await deps.ledger.updateAttempt(attempt.id, {
    state: 'completed',
    conclusion: report.conclusion,
    completedAt: new Date(),
  });
  const numbers = new Set([...pulls, ...(attempt.pullRequest === null ? [] : [attempt.pullRequest])]);
  for (const number of numbers) {
    const outcome = await upsertComment(
      github,
      attempt.repository,
      number,
      attempt.assignmentId,
      reportMarkdown(scored),
    );
    log.info(`${attempt.repository}#${number}: ${attempt.assignmentId} comment ${outcome}`);
  }
}

/**
 * When the commit was submitted: the attempt's creation (when the push reached mlgrade; commit dates
 * are the student's to set). A regrade is not a new submission, so it takes the earliest scored
 * attempt of the same commit when there is one.
 */
async function submittedAt(deps: AppDeps, attempt: Attempt): Promise<Date> {
  if (attempt.trigger === 'push' || attempt.trigger === 'pull_request') return attempt.createdAt;
  const earlier = (await deps.ledger.listScores(attempt.repository, attempt.assignmentId))
    .map((scored) => scored.attempt)
    .filter((other) => other.sha === attempt.sha && other.createdAt < attempt.createdAt);
  return earlier[0]?.createdAt ?? attempt.createdAt;
}

/** Why results do not answer the attempt, or undefined when they do. */
function answersAttempt(
  results: { course: string; assignment: string; submission: Record<string, unknown> },
  attempt: Attempt,
) {
  const expected: [string, unknown, unknown][] = [
    ['attempt id', results.submission.attemptId, attempt.id],
    ['repository', results.submission.repository, attempt.repository],
    ['commit', results.submission.sha, attempt.sha],
    ['course', results.course, attempt.courseId],
    ['assignment', results.assignment, attempt.assignmentId],
  ];
  const wrong = expected.filter(
    ([, got, want]) => String(got ?? '').toLowerCase() !== String(want).toLowerCase(),
  );
  if (wrong.length === 0) return undefined;
  return `results answer another attempt: ${wrong.map(([what, got, want]) => `${what} is ${JSON.stringify(got ?? null)}, expected ${JSON.stringify(want)}`).join('; ')}`;
}

/** Infrastructure errors are neutral and free; invalid results fail and are flagged to the instructor. */
async function fail(
  deps: AppDeps,
  github: GitHub,
  attempt: Attempt,
  state: 'infra_error' | 'invalid_results',
  error: string,
  log: Log,
): Promise<void> {
  const conclusion = state === 'infra_error' ? 'neutral' : 'failure';
  log.warn(`${attempt.repository} attempt ${attempt.id}: ${state}: ${error}`);
  await deps.ledger.updateAttempt(attempt.id, { state, conclusion, error, completedAt: new Date() });
  if (attempt.checkRunId === null) return;
  const infra = state === 'infra_error';
  await completeCheckRun(github, attempt.repository, attempt.checkRunId, {
    conclusion,
    title: infra
      ? 'Grading infrastructure error (does not count as an attempt)'
      : 'Grading results were invalid',
    summary: infra
      ? `The grading run did not produce results, so this attempt does not count. Use **Regrade** to try again.\n\n\`\`\`\n${error}\n\`\`\``
      : `The grading run produced results mlgrade cannot trust; the instructor has been flagged.\n\n\`\`\`\n${error}\n\`\`\``,
  });
}
