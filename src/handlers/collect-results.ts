/**
 * Collects one attempt's results from a completed grader run: fetches the results artifact, lets
 * attempt/judge-results.ts decide what it means (the run's conclusion, the signature with the key
 * derived again from the app's secret and the dispatch nonce, validation, the attempt check, scoring,
 * rendering),
 * then stores the verdict, completes the check run and upserts the PR comment.
 */
import { judgeResults, type ResultsFile } from '../attempt/judge-results.js';
import type { CourseConfig } from '../config/schema.js';
import { completeCheckRun } from '../github/check-runs.js';
import { artifactName, BATCH_ARTIFACT, downloadResults } from '../github/fetch-results-artifact.js';
import type { GitHub } from '../github/github-client.js';
import { graderWorkflow, runNonceOf } from '../github/grader-workflow.js';
import { upsertComments } from '../github/pr-comment.js';
import { ArtifactError, readBatchResultsZip, type ZipLimits } from '../github/read-results-zip.js';
import { resultsKey } from '../results/results-signature.js';
import type { Attempt } from '../store/ledger-types.js';
import type { AppDeps, Log } from './app-deps.js';

/** The run as the collector sees it. */
export interface CompletedRun {
  owner: string;
  repo: string;
  id: number;
  conclusion: string | null;
  artifacts: Map<string, { id: number; size: number; expired: boolean }>;
  /**
   * The batch artifact's zip and its limits, downloaded once for all the run's attempts; present
   * when the run uploaded {@link BATCH_ARTIFACT} (the batch workflow).
   */
  batch?: { zip: () => Promise<Uint8Array>; limits: ZipLimits } | undefined;
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
  const file = await fetchResultsFile(github, run, attempt);
  const { resultsSecret } = graderWorkflow(run.owner, deps.env);
  const key = attempt.dispatchNonce
    ? resultsKey(resultsSecret, runNonceOf(attempt.dispatchNonce))
    : undefined;
  const verdict = await judgeResults({ attempt, course, run, file, resultsKey: key, history: deps.ledger });
  if (verdict.state !== 'completed') {
    const { state, error, report } = verdict;
    log.warn(`${attempt.repository} attempt ${attempt.id}: ${state}: ${error}`);
    const completedAt = new Date();
    await deps.ledger.updateAttempt(attempt.id, { state, conclusion: report.conclusion, error, completedAt });
    if (attempt.checkRunId !== null)
      await completeCheckRun(github, attempt.repository, attempt.checkRunId, report);
    return;
  }
  await deps.ledger.saveResults(attempt.id, verdict.results, verdict.score);
  const pulls =
    attempt.checkRunId === null
      ? []
      : await completeCheckRun(github, attempt.repository, attempt.checkRunId, verdict.report);
  await deps.ledger.updateAttempt(attempt.id, {
    state: 'completed',
    conclusion: verdict.report.conclusion,
    completedAt: new Date(),
  });
  const numbers = [...pulls, ...(attempt.pullRequest === null ? [] : [attempt.pullRequest])];
  for (const { number, outcome } of await upsertComments(
    github,
    attempt.repository,
    numbers,
    attempt.assignmentId,
    verdict.comment,
  ))
    log.info(`${attempt.repository}#${number}: ${attempt.assignmentId} comment ${outcome}`);
}

/** The attempt's results file from the run's artifacts, or why there is none. */
async function fetchResultsFile(github: GitHub, run: CompletedRun, attempt: Attempt): Promise<ResultsFile> {
  const name = artifactName(attempt.id);
  const artifact = run.artifacts.get(name);
  if (!artifact && !run.batch) return { missing: name };
  // The grader workflow uploads only after the grading step succeeded: a failed run's artifact is not downloaded.
  if (run.conclusion !== 'success') return { notRead: artifact ? name : BATCH_ARTIFACT };
  try {
    if (artifact) return await downloadResults(github, run.owner, run.repo, artifact);
    const batch = run.batch!;
    const zip = await batch.zip();
    const found = readBatchResultsZip(zip, attempt.id, batch.limits);
    return found ?? { notInBatch: BATCH_ARTIFACT };
  } catch (error) {
    // A rejected zip is the runner's doing: the results are invalid.
    if (error instanceof ArtifactError) return { unreadable: error.message };
    throw error;
  }
}
