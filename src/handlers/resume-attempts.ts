/**
 * Work that no webhook will start again, picked up from the ledger (at startup and by the sweep):
 *
 * - **Stranded queued attempts.** A queued attempt lives in a process's dispatch queue; when that
 *   process dies, nothing else would dispatch it. Queued attempts older than a few minutes are
 *   dispatched (their check runs' announcements are in the outbox already, stored with them).
 *   Dispatching is a compare-and-set from `queued`, so an attempt another replica still holds is
 *   dispatched once.
 * - **Dispatches that never happened.** An attempt marked dispatched whose run GitHub does not list
 *   well after the dispatch (the process died before the request) is queued again.
 * - **Runs whose completion was never delivered.** GitHub does not redeliver a failed
 *   `workflow_run` delivery by itself: dispatched attempts whose run should be done are polled (a
 *   read, at most once per polling period per run) and a completed run is collected as the event would be.
 */
import { splitRepository } from '../github/check-runs.js';
import { findRunByNonce } from '../github/dispatch-workflow.js';
import { graderWorkflow, runNonceOf } from '../github/grader-workflow.js';
import { tuning } from '../github/tuning.js';
import type { Attempt } from '../store/ledger-types.js';
import type { AppDeps, Log } from './app-deps.js';
import { collectRun, findRunAttempts } from './workflow-run.js';

/**
 * How long a queued attempt may wait in some process's queue before it counts as stranded (default
 * 3 minutes, `MLGRADE_STRANDED_AFTER_SECONDS`), and how long after its dispatch a run is first polled
 * and how often again (default 15 minutes, `MLGRADE_POLL_RUNS_AFTER_SECONDS`). Fault tests shorten both.
 */
export function resumeTimings(env: NodeJS.ProcessEnv = process.env): { strandedMs: number; pollMs: number } {
  return {
    strandedMs: tuning(env, 'MLGRADE_STRANDED_AFTER_SECONDS') * 1000,
    pollMs: tuning(env, 'MLGRADE_POLL_RUNS_AFTER_SECONDS') * 1000,
  };
}

/** Dispatches stranded queued attempts; returns how many. */
export async function resumeStranded(deps: AppDeps, log: Log, now = new Date()): Promise<number> {
  const before = now.getTime() - resumeTimings(deps.env).strandedMs;
  const stranded = (await deps.ledger.listPending(500)).filter((a) => a.createdAt.getTime() <= before);
  let resumed = 0;
  for (const attempt of stranded) {
    try {
      const github = await deps.clients.clientFor(attempt.repository);
      deps.dispatcher.enqueue(github, splitRepository(attempt.repository).owner, [attempt]);
      resumed += 1;
    } catch (error) {
      log.error(`resume ${attempt.repository} attempt ${attempt.id}: ${(error as Error).message}`);
    }
  }
  return resumed;
}

/** Asks GitHub about runs whose completion has not arrived; collects those that finished. */
export function createRunPoller(deps: AppDeps, log: Log) {
  const polledAt = new Map<number | string, number>();
  const { pollMs } = resumeTimings(deps.env);
  return async function pollRuns(now = new Date()): Promise<number> {
    const awaiting = await deps.ledger.listAwaitingResults(new Date(now.getTime() - pollMs));
    // Runs by id; attempts whose run id was never stored (the process died during the dispatch
    // request) by their dispatch's nonce, looked up in the grader's run list.
    const runs = new Map<number | string, Attempt>();
    for (const attempt of awaiting) {
      const key = attempt.workflowRunId ?? (attempt.dispatchNonce && runNonceOf(attempt.dispatchNonce));
      if (key) runs.set(key, attempt);
    }
    let collected = 0;
    for (const [key, attempt] of runs) {
      if (now.getTime() - (polledAt.get(key) ?? 0) < pollMs) continue;
      polledAt.set(key, now.getTime());
      try {
        const grader = graderWorkflow(splitRepository(attempt.repository).owner, deps.env);
        const github = await deps.clients.clientFor(`${grader.owner}/${grader.repo}`);
        const runId =
          typeof key === 'number' ? key : await findRunByNonce(github, grader, key, { lookupTries: 1 });
        if (runId === null) {
          if (typeof key === 'string') await requeueUndispatched(deps, awaiting, key, now, pollMs, log);
          continue;
        }
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
        log.error(`poll of run ${key}: ${(error as Error).message}`);
      }
    }
    for (const runId of polledAt.keys()) if (!runs.has(runId)) polledAt.delete(runId);
    return collected;
  };
}

/**
 * Attempts marked dispatched under `nonce` with no run to show for it well after the dispatch: the
 * process died between marking them and GitHub accepting the request. They go back to queued (a
 * compare-and-set, only while no run was recorded or started), and the next sweep dispatches them.
 */
async function requeueUndispatched(
  deps: AppDeps,
  awaiting: Attempt[],
  nonce: string,
  now: Date,
  pollMs: number,
  log: Log,
): Promise<void> {
  for (const attempt of awaiting) {
    if (!attempt.dispatchNonce?.startsWith(`${nonce}.`) || attempt.workflowRunId !== null) continue;
    if (attempt.startedAt !== null || now.getTime() - (attempt.dispatchedAt?.getTime() ?? 0) < 2 * pollMs)
      continue;
    const requeued = await deps.ledger.transitionAttempt(attempt.id, ['dispatched'], {
      state: 'queued',
      dispatchNonce: null,
      dispatchedAt: null,
    });
    if (requeued)
      log.warn(
        `${attempt.repository} attempt ${attempt.id}: its dispatch never reached GitHub; queued again`,
      );
  }
}
