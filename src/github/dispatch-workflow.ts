/**
 * One `workflow_dispatch` of the grader workflow for a batch of attempts. GitHub answers with the
 * run id when asked (`return_run_details: true`); where it does not (older GitHub Enterprise
 * Server), the run is found by the nonce in its `run-name`, and failing that the collector matches
 * the nonce when the run completes. The run gets the dispatch's results key (an HMAC of the app's
 * secret and the nonce) to sign its results with; the collector derives it again.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { resultsKey } from '../results/results-signature.js';
import { explainGitHubError, type GitHub, statusOf } from './github-client.js';
import { type DispatchedAttempt, type GraderWorkflow, nonceFromRunName } from './grader-workflow.js';

/** What a dispatch produced. */
export interface DispatchOutcome {
  nonce: string;
  /** The run's id when GitHub returned it or the listing found it. */
  workflowRunId: number | null;
}

/** Dispatches the grader workflow with the attempts as its matrix. */
export async function dispatchWorkflow(
  github: GitHub,
  grader: GraderWorkflow,
  attempts: readonly DispatchedAttempt[],
  options: { lookupTries?: number; lookupDelayMs?: number; nonce?: string } = {},
): Promise<DispatchOutcome> {
  // The caller may have stored the nonce before dispatching (dispatcher.ts); else a fresh one.
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  const dispatch = (runDetails: boolean) =>
    github.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner: grader.owner,
      repo: grader.repo,
      workflow_id: grader.workflow,
      ref: grader.ref,
      inputs: {
        nonce,
        attempts: JSON.stringify(attempts),
        runs_on: grader.runsOn,
        results_key: resultsKey(grader.resultsSecret, nonce),
      },
      ...(runDetails ? { return_run_details: true } : {}),
    });
  let response: { status: number; data: unknown };
  try {
    try {
      response = await dispatch(true);
    } catch (error) {
      // A GitHub Enterprise Server older than `return_run_details` refuses the unknown key (422/400)
      // and starts no run: dispatch again without it, and find the run by its nonce.
      if (!refusesRunDetails(error)) throw error;
      response = await dispatch(false);
    }
  } catch (error) {
    throw explainGitHubError(
      error,
      `Dispatching ${grader.workflow}@${grader.ref}`,
      `${grader.owner}/${grader.repo} (the grader repository; it must hold .github/workflows/${grader.workflow}, and the app needs "Actions: write" there)`,
    );
  }
  const runId = (response.data as { workflow_run_id?: unknown } | undefined)?.workflow_run_id;
  if (typeof runId === 'number') return { nonce, workflowRunId: runId };
  return { nonce, workflowRunId: await findRunByNonce(github, grader, nonce, options) };
}

/** The id of the grader run whose run-name carries `nonce`, among its 30 newest dispatched runs; null when none. */
export async function findRunByNonce(
  github: GitHub,
  grader: GraderWorkflow,
  nonce: string,
  { lookupTries = 3, lookupDelayMs = 2000 }: { lookupTries?: number; lookupDelayMs?: number } = {},
): Promise<number | null> {
  for (let attempt = 0; attempt < lookupTries; attempt++) {
    // A dispatched run takes a moment to be listed.
    if (attempt > 0) await sleep(lookupDelayMs);
    const { data } = await github.rest.actions.listWorkflowRuns({
      owner: grader.owner,
      repo: grader.repo,
      workflow_id: grader.workflow,
      event: 'workflow_dispatch',
      per_page: 30,
    });
    const run = data.workflow_runs.find(
      (candidate) => nonceFromRunName(candidate.display_title ?? candidate.name) === nonce,
    );
    if (run) return run.id;
  }
  return null;
}

/** A 400/422 whose message names `return_run_details`: the server does not know the key. */
function refusesRunDetails(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== 422 && status !== 400) return false;
  const data = (error as { response?: { data?: unknown } }).response?.data;
  return /return_run_details/.test(`${(error as Error).message ?? ''} ${JSON.stringify(data ?? '')}`);
}
