/**
 * Dispatches queued attempts in batches: attempts enqueued while a dispatch is in flight (or within
 * `MLGRADE_DISPATCH_WAIT_SECONDS`, default 2, of the first) go out together as one run whose matrix has one job per attempt. Before
 * dispatching, each attempt is re-read so that one superseded meanwhile is left out.
 */
import { randomBytes } from 'node:crypto';
import type { Attempt, Ledger } from '../store/ledger-types.js';
import { dispatchWorkflow } from './dispatch-workflow.js';
import type { GitHub } from './github-client.js';
import { attemptNonce, graderWorkflow } from './grader-workflow.js';
import type { OutboxWorker } from './outbox-worker.js';
import { attemptOutcomeWrites } from './outbox-writes.js';
import { tuning } from './tuning.js';

/** The most attempts one run carries (GitHub's matrix limit is 256 jobs). */
export const MAX_BATCH = 50;

/** Hands attempts to the grader workflow. */
export interface Dispatcher {
  /** Queues attempts of one course owner for dispatch; returns at once. */
  enqueue(github: GitHub, owner: string, attempts: readonly Attempt[]): void;
  /** Resolves when everything enqueued so far has been dispatched (tests, shutdown). */
  idle(): Promise<void>;
  /** Attempts enqueued and not yet taken into a batch (read-only; for the app's /metrics). */
  pendingCount(): number;
}

interface Logger {
  info: (message: string) => void;
  error: (message: string) => void;
}

/** A dispatcher that batches per owner; `env` configures the grader workflow (grader-workflow.ts). */
export function createDispatcher(
  ledger: Ledger,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
  publisher: Pick<OutboxWorker, 'kick'> = { kick: () => {} },
): Dispatcher {
  const pending = new Map<string, { github: GitHub; ids: string[] }>();
  let running: Promise<void> = Promise.resolve();
  const waitMs = tuning(env, 'MLGRADE_DISPATCH_WAIT_SECONDS') * 1000;

  const drain = async () => {
    if (pending.size === 0) return;
    // A dispatch is a GitHub write: pushes arriving within a moment of each other share one run.
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    for (const [owner, entry] of [...pending]) {
      pending.delete(owner);
      for (let at = 0; at < entry.ids.length; at += MAX_BATCH) {
        await dispatchBatch(ledger, log, entry.github, owner, entry.ids.slice(at, at + MAX_BATCH), env);
        publisher.kick();
      }
    }
  };
  return {
    enqueue(github, owner, attempts) {
      const entry = pending.get(owner) ?? { github, ids: [] };
      entry.github = github;
      // Enqueued twice (a resume by the sweep while a burst waits here): dispatched once.
      for (const { id } of attempts) if (!entry.ids.includes(id)) entry.ids.push(id);
      pending.set(owner, entry);
      // Chained: a batch dispatches after the previous one, collecting what arrived meanwhile.
      running = running.then(drain).catch((error) => log.error(`dispatcher: ${(error as Error).message}`));
    },
    idle: () => running,
    pendingCount: () => [...pending.values()].reduce((sum, entry) => sum + entry.ids.length, 0),
  };
}

async function dispatchBatch(
  ledger: Ledger,
  log: Logger,
  github: GitHub,
  owner: string,
  ids: string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  // The nonce is stored on each attempt, and the attempt marked dispatched, before the request: a
  // process that dies after GitHub accepted the dispatch leaves attempts the run can still be
  // matched to by its run-name when it completes. Indexes are contiguous (`<nonce>.0`, `.1`, …),
  // as the collector looks them up in order; an attempt superseded meanwhile is left out.
  const nonce = randomBytes(16).toString('hex');
  const dispatchedAt = new Date();
  const attempts: Attempt[] = [];
  for (const id of new Set(ids)) {
    const marked = await ledger.transitionAttempt(id, ['queued'], {
      state: 'dispatched',
      dispatchNonce: attemptNonce(nonce, attempts.length),
      dispatchedAt,
    });
    if (marked) attempts.push(marked);
  }
  if (attempts.length === 0) return;
  const matrix = attempts.map((a) => ({
    attempt: a.id,
    repository: a.repository,
    repository_name: a.repository.split('/')[1] ?? a.repository,
    sha: a.sha,
    assignment: a.assignmentId,
  }));
  try {
    const grader = graderWorkflow(owner, env);
    const { workflowRunId } = await dispatchWorkflow(github, grader, matrix, { nonce });
    if (workflowRunId !== null)
      for (const attempt of attempts) await ledger.updateAttempt(attempt.id, { workflowRunId });
    log.info(
      `dispatched ${attempts.length} attempt(s) to ${grader.owner}/${grader.repo} run ${workflowRunId ?? '(by nonce)'}`,
    );
  } catch (error) {
    await failAttempts(ledger, attempts, (error as Error).message);
    log.error(`dispatch failed for ${owner}: ${(error as Error).message}`);
  }
}

/** An infrastructure error: neutral, does not use up an attempt, says what to fix. */
async function failAttempts(ledger: Ledger, attempts: Attempt[], message: string) {
  for (const attempt of attempts) {
    const report = {
      conclusion: 'neutral' as const,
      title: 'Could not start grading',
      summary: `The grading run could not be started, so this does not count as an attempt.\n\n${message}`,
    };
    await ledger.finishAttempt(
      attempt.id,
      ['queued', 'dispatched'],
      { state: 'infra_error', error: message, conclusion: 'neutral', completedAt: new Date() },
      attemptOutcomeWrites(attempt, report),
    );
  }
}
