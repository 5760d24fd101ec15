/**
 * A submission (a push) is answered as soon as it is recorded, and graded after: GitHub wants an
 * answer within 10 s, and on a deadline night reading the course config, the roster and the ledger
 * for every push would keep hundreds of webhooks waiting. The delivery row carries what to grade
 * (`deliveries.submission`), so a process that dies before grading it loses nothing: the sweep
 * takes the delivery over once it is stale and grades it then ({@link resumeSubmissions}).
 */
import { tuning } from '../github/tuning.js';
import type { AppDeps, Log } from './app-deps.js';
import { inTurn } from './in-turn.js';
import { type Submission, startAttempts } from './start-attempts.js';

/** A handler's answer when its work continues after the webhook is answered (app.ts then does not mark it done). */
export const DEFERRED = Symbol('deferred');

/**
 * Records the delivery with its submission and starts grading it in the background; DEFERRED when
 * it did, undefined for a delivery already handled (or being handled) elsewhere.
 */
export async function acceptSubmission(
  deps: AppDeps,
  deliveryId: string,
  event: string,
  submission: Submission,
  log: Log,
): Promise<typeof DEFERRED | undefined> {
  if (!(await deps.ledger.recordDelivery(deliveryId, event, new Date(), false, submission))) {
    log.info(
      `${submission.owner}/${submission.name}: delivery ${deliveryId} was already handled (redelivery)`,
    );
    return undefined;
  }
  deps.tasks.run(() => inTurn(() => gradeSubmission(deps, deliveryId, submission, log)));
  return DEFERRED;
}

/**
 * Records the submission's attempts and marks the delivery done. A failure (GitHub unreachable for the
 * course config, the ledger down) leaves the delivery unfinished: the webhook was answered, so GitHub
 * will not send it again, and the sweep tries it again once it is stale.
 */
async function gradeSubmission(deps: AppDeps, deliveryId: string, submission: Submission, log: Log) {
  const repository = `${submission.owner}/${submission.name}`;
  deps.clients.remember(submission.owner, submission.installationId);
  try {
    await startAttempts(deps, await deps.clients.clientFor(repository), submission, log);
    await deps.ledger.finishDelivery(deliveryId, true);
  } catch (error) {
    log.error(
      `${repository}@${submission.sha.slice(0, 7)}: not graded yet: ${(error as Error).message}; the sweep tries again`,
    );
  }
}

/**
 * Grades the submissions whose process died after answering their webhook, or whose grading failed:
 * unfinished deliveries older than `MLGRADE_STALE_DELIVERY_SECONDS` (default 300), each taken over
 * with a compare-and-set (one replica takes it). Returns how many were taken. A stored submission
 * that is not one (written by another version, or by hand) is finished with an error naming it, not
 * tried again at every sweep; its row stays in the ledger.
 */
export async function resumeSubmissions(deps: AppDeps, log: Log, now = new Date()): Promise<number> {
  const staleMs = tuning(deps.env, 'MLGRADE_STALE_DELIVERY_SECONDS') * 1000;
  const stale = await deps.ledger.listUnfinishedSubmissions(new Date(now.getTime() - staleMs));
  const graded: Promise<void>[] = [];
  for (const { deliveryId, event, submission } of stale) {
    if (!(await deps.ledger.recordDelivery(deliveryId, event, now, false, undefined, staleMs))) continue;
    const problem = submissionProblem(submission);
    if (problem) {
      log.error(
        `delivery ${deliveryId} (${event}): its stored submission ${problem}; not graded. Redeliver it from the app's advanced settings.`,
      );
      await deps.ledger.finishDelivery(deliveryId, true);
      continue;
    }
    log.info(`delivery ${deliveryId} (${event}) was never finished; grading it now`);
    // In turn with the pushes arriving meanwhile, four at a time, not one after another.
    graded.push(inTurn(() => gradeSubmission(deps, deliveryId, submission as Submission, log)));
  }
  await Promise.all(graded);
  return graded.length;
}

/** What makes a stored submission unusable, or undefined: the fields grading reads first. */
function submissionProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const submission = value as Record<string, unknown>;
  for (const field of ['owner', 'name', 'sha', 'trigger'] as const)
    if (typeof submission[field] !== 'string' || submission[field] === '') return `has no \`${field}\``;
  if (!/^[0-9a-f]{40}$/.test(submission.sha as string)) return 'has a `sha` that is not a commit sha';
  if (typeof submission.repositoryId !== 'number') return 'has no `repositoryId`';
  return undefined;
}
