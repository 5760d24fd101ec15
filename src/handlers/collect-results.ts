/**
 * Collects one attempt's results from a completed grader run: fetches the results artifact, lets
 * attempt/judge-results.ts decide what it means (the run's conclusion, the signature with the key
 * derived again from the app's secret and the dispatch nonce, validation, the attempt check, scoring,
 * rendering),
 * then stores the verdict with the writes that show it: the check run's completion and the PR comment,
 * which the outbox worker sends (github/outbox-worker.ts).
 */
import { judgeResults, type ResultsFile } from '../attempt/judge-results.js';
import type { CourseConfig } from '../config/schema.js';
import { artifactName, BATCH_ARTIFACT, downloadResults } from '../github/fetch-results-artifact.js';
import type { GitHub } from '../github/github-client.js';
import { graderWorkflow, runNonceOf } from '../github/grader-workflow.js';
import { attemptOutcomeWrites } from '../github/outbox-writes.js';
import { ArtifactError, readBatchResultsZip, type ZipLimits } from '../github/read-results-zip.js';
import { resultsKey } from '../results/results-signature.js';
import { type Attempt, OPEN_STATES } from '../store/ledger-types.js';
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
  // The verdict and the writes that show it are stored together (the outbox sends them): a failed
  // or slow GitHub request, or a crash, can neither lose them nor stop the run's other attempts.
  const completedAt = new Date();
  if (verdict.state !== 'completed') {
    const { state, error, report } = verdict;
    log.warn(`${attempt.repository} attempt ${attempt.id}: ${state}: ${error}`);
    const finished = await deps.ledger.finishAttempt(
      attempt.id,
      OPEN_STATES,
      { state, conclusion: report.conclusion, error, completedAt },
      attemptOutcomeWrites(attempt, report),
    );
    if (!finished) log.info(`${attempt.repository} attempt ${attempt.id}: already finished elsewhere`);
    return;
  }
  const finished = await deps.ledger.finishAttempt(
    attempt.id,
    OPEN_STATES,
    { state: 'completed', conclusion: verdict.report.conclusion, completedAt },
    attemptOutcomeWrites(attempt, verdict.report, verdict.comment),
    { results: verdict.results, score: verdict.score },
  );
  log.info(
    finished
      ? `${attempt.repository} attempt ${attempt.id}: ${attempt.assignmentId} ${verdict.report.conclusion}`
      : `${attempt.repository} attempt ${attempt.id}: already finished elsewhere`,
  );
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
