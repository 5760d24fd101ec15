/**
 * Work that no webhook will start again, picked up from the ledger (at startup and by the sweep):
 *
 * - **Stranded queued attempts.** A queued attempt lives in a process's dispatch queue; when that
 *   process dies, nothing else would dispatch it. Queued attempts older than a few minutes get their
 *   check run (found by `external_id` when the dead process had created it) and are dispatched.
 *   Dispatching is a compare-and-set from `queued`, so an attempt another replica still holds is
 *   dispatched once.
 * - **Runs whose completion was never delivered.** GitHub does not redeliver a failed
 *   `workflow_run` delivery by itself: dispatched attempts whose run should be done are polled (a
 *   read, at most every `pollEveryMs` per run) and a completed run is collected as the event would be.
 */
import { createQueuedCheckRun, splitRepository } from '../github/check-runs.js';
import { graderWorkflow } from '../github/grader-workflow.js';
import type { InstallationClients } from '../github/installation-clients.js';
import type { Attempt } from '../store/ledger-types.js';
import type { AppDeps, Log } from './app-deps.js';
import { collectRun, findRunAttempts } from './workflow-run.js';

/** How long a queued attempt may wait in some process's queue before it counts as stranded. */
export const STRANDED_AFTER_MS = 3 * 60_000;
/** How long after its dispatch a run is first polled, and how often again. */
export const POLL_RUNS_AFTER_MS = 15 * 60_000;

/** Gives stranded queued attempts their check run and dispatches them; returns how many. */
export async function resumeStranded(
  deps: AppDeps,
  clients: InstallationClients,
  log: Log,
  now = new Date(),
): Promise<number> {
  const before = now.getTime() - STRANDED_AFTER_MS;
  const stranded = (await deps.ledger.listPending(500)).filter((a) => a.createdAt.getTime() <= before);
  let resumed = 0;
  for (const attempt of stranded) {
    try {
      const github = await clients.clientFor(attempt.repository);
      let current: Attempt | undefined = attempt;
      if (attempt.checkRunId === null) {
        const checkRunId = await createQueuedCheckRun(github, attempt, { lookFirst: true });
        current = await deps.ledger.transitionAttempt(attempt.id, ['queued'], { checkRunId });
      }
      if (!current) continue;
      deps.dispatcher.enqueue(github, splitRepository(attempt.repository).owner, [current]);
      resumed += 1;
    } catch (error) {
      log.error(`resume ${attempt.repository} attempt ${attempt.id}: ${(error as Error).message}`);
    }
  }
  return resumed;
}

/** Asks GitHub about runs whose completion has not arrived; collects those that finished. */
export function createRunPoller(deps: AppDeps, clients: InstallationClients, log: Log) {
  const polledAt = new Map<number, number>();
  return async function pollRuns(now = new Date()): Promise<number> {
    const awaiting = await deps.ledger.listAwaitingResults(new Date(now.getTime() - POLL_RUNS_AFTER_MS));
    const runs = new Map<number, Attempt>();
    for (const attempt of awaiting)
      if (attempt.workflowRunId !== null) runs.set(attempt.workflowRunId, attempt);
    let collected = 0;
    for (const [runId, attempt] of runs) {
      if (now.getTime() - (polledAt.get(runId) ?? 0) < POLL_RUNS_AFTER_MS) continue;
      polledAt.set(runId, now.getTime());
      try {
        const grader = graderWorkflow(splitRepository(attempt.repository).owner, deps.env);
        const github = await clients.clientFor(`${grader.owner}/${grader.repo}`);
        const { data: run } = await github.rest.actions.getWorkflowRun({
          owner: grader.owner,
          repo: grader.repo,
          run_id: runId,
        });
        if (run.status !== 'completed') continue;
        const finished = {
          owner: grader.owner,
          repo: grader.repo,
          id: runId,
          conclusion: run.conclusion,
          title: run.display_title ?? run.name,
        };
        const found = await findRunAttempts(deps, finished);
        if (!found) continue;
        log.warn(`run ${runId} finished without a workflow_run delivery reaching mlgrade; collecting it now`);
        await collectRun(deps, github, finished, found, log);
        collected += 1;
      } catch (error) {
        log.error(`poll of run ${runId}: ${(error as Error).message}`);
      }
    }
    for (const runId of polledAt.keys()) if (!runs.has(runId)) polledAt.delete(runId);
    return collected;
  };
}
