/**
 * Faults are explicit states, never silence: attempts whose run no runner picked up (queued or
 * dispatched for longer than `queuedMs`) or that never finished (running longer than `runningMs`)
 * become `timed_out`, which does not use up an attempt, and their check runs complete as timed out
 * with the Regrade button (sent by the outbox worker, which finds each repository's installation).
 */
import type { Attempt, Ledger } from '../store/ledger-types.js';
import { attemptOutcomeWrites } from './outbox-writes.js';
import { tuning } from './tuning.js';

/** How long an attempt may wait for a runner, and run (defaults: 30 minutes, 2 hours). */
export interface OverdueLimits {
  queuedMs: number;
  runningMs: number;
}

/** Limits from `MLGRADE_QUEUED_TIMEOUT_MINUTES` and `MLGRADE_RUNNING_TIMEOUT_MINUTES`. */
export function overdueLimits(env: NodeJS.ProcessEnv = process.env): OverdueLimits {
  return {
    queuedMs: tuning(env, 'MLGRADE_QUEUED_TIMEOUT_MINUTES') * 60_000,
    runningMs: tuning(env, 'MLGRADE_RUNNING_TIMEOUT_MINUTES') * 60_000,
  };
}

/**
 * Times out overdue attempts; returns those it finished. Each one's state and its check run's
 * completion are stored together (the outbox worker sends the completion), so a GitHub failure on
 * one attempt cannot stop the sweep or leave a check run queued. An attempt finished meanwhile (its
 * results arrived, another replica's sweep took it) is left alone.
 */
export async function sweepOverdue(
  ledger: Ledger,
  limits: OverdueLimits,
  options: { now?: Date } = {},
): Promise<Attempt[]> {
  const overdue = await ledger.listOverdue(options.now ?? new Date(), limits);
  const finished: Attempt[] = [];
  for (const attempt of overdue) {
    const waited = attempt.state === 'running' ? 'finish' : 'start';
    const report = {
      conclusion: 'timed_out' as const,
      title:
        waited === 'start' ? 'No grading runner picked this up in time' : 'Grading did not finish in time',
      summary: `The grading run did not ${waited} in time, so this does not count as an attempt. Use **Regrade** to try again; if it keeps happening, the course staff should check the grading runners.`,
    };
    const done = await ledger.finishAttempt(
      attempt.id,
      [attempt.state],
      {
        state: 'timed_out',
        conclusion: 'timed_out',
        completedAt: new Date(),
        error: `the grading run did not ${waited} in time`,
      },
      attemptOutcomeWrites(attempt, report),
    );
    if (done) finished.push(done);
  }
  return finished;
}
