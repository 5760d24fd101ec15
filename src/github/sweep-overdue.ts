/**
 * Faults are explicit states, never silence: attempts whose run no runner picked up (queued or
 * dispatched for longer than `queuedMs`) or that never finished (running longer than `runningMs`)
 * become `timed_out`, which does not use up an attempt, and their check runs complete as timed out
 * with the Regrade button. Runs without an event, so it finds each repository's installation itself.
 */
import type { Attempt, Ledger } from '../store/ledger-types.js';
import { completeCheckRun, splitRepository } from './check-runs.js';
import { installationClient, type ProbotClient, type RequestWrap } from './github-client.js';

/** How long an attempt may wait for a runner, and run (defaults: 30 minutes, 2 hours). */
export interface OverdueLimits {
  queuedMs: number;
  runningMs: number;
}

/** Limits from `MLGRADE_QUEUED_TIMEOUT_MINUTES` and `MLGRADE_RUNNING_TIMEOUT_MINUTES`. */
export function overdueLimits(env: NodeJS.ProcessEnv = process.env): OverdueLimits {
  const minutes = (value: string | undefined, fallback: number) =>
    (Number(value) > 0 ? Number(value) : fallback) * 60_000;
  return {
    queuedMs: minutes(env.MLGRADE_QUEUED_TIMEOUT_MINUTES, 30),
    runningMs: minutes(env.MLGRADE_RUNNING_TIMEOUT_MINUTES, 120),
  };
}

/** Times out overdue attempts; returns them. `appClient` is Probot's app-authenticated (JWT) client. */
export async function sweepOverdue(
  ledger: Ledger,
  appClient: ProbotClient,
  limits: OverdueLimits,
  options: { now?: Date; wrap?: RequestWrap } = {},
): Promise<Attempt[]> {
  const overdue = await ledger.listOverdue(options.now ?? new Date(), limits);
  for (const attempt of overdue) {
    const waited = attempt.state === 'running' ? 'finish' : 'start';
    await ledger.updateAttempt(attempt.id, {
      state: 'timed_out',
      conclusion: 'timed_out',
      completedAt: new Date(),
      error: `the grading run did not ${waited} in time`,
    });
    if (attempt.checkRunId === null) continue;
    const { data } = await appClient.request(
      'GET /repos/{owner}/{repo}/installation',
      splitRepository(attempt.repository),
    );
    const github = await installationClient(appClient, (data as { id: number }).id, options.wrap);
    await completeCheckRun(github, attempt.repository, attempt.checkRunId, {
      conclusion: 'timed_out',
      title:
        waited === 'start' ? 'No grading runner picked this up in time' : 'Grading did not finish in time',
      summary: `The grading run did not ${waited} in time, so this does not count as an attempt. Use **Regrade** to try again; if it keeps happening, the course staff should check the grading runners.`,
    });
  }
  return overdue;
}
