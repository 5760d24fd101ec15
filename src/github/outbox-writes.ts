/**
 * The GitHub writes mlgrade stores in the outbox (store/outbox.ts) instead of making at once, and
 * how each is sent.
 *
 * An attempt's check run has one outbox key from its announcement (queued) to its completion, so
 * while the announcement waits for the write budget (a deadline-night burst) a completion or a
 * supersession replaces it, and the run is created once, already completed: one write instead of
 * two. A completion carries the PR comment to write after it: the answer names the pull requests
 * the check run is on.
 */
import type { Attempt } from '../store/ledger-types.js';
import type { OutboxItem, OutboxPut } from '../store/outbox.js';
import { OUTBOX_PRIORITY } from '../store/outbox.js';
import {
  type CheckRunReport,
  type CheckRunTarget,
  completeCheckRun,
  createCheckRun,
  findCheckRun,
} from './check-runs.js';
import type { GitHub } from './github-client.js';
import { type CommentMemory, upsertComment } from './pr-comment.js';

/** An attempt's check run to create (queued) or complete, and the comment to upsert afterwards. */
export interface CheckRunWrite {
  /** The run, when known as the write was stored (rows stored before check runs were keyed by attempt). */
  checkRunId?: number;
  /** The attempt whose run it is: the run is the attempt's (ledger), found by `external_id`, or created. */
  attempt?: CheckRunTarget;
  /** The completion; absent, the write announces the attempt with a queued check run. */
  report?: CheckRunReport;
  /** The queued run's link (the queue's status page). */
  detailsUrl?: string;
  comment?: { assignmentId: string; markdown: string; pullRequests: number[] };
}

/** An assignment's comment on one pull request. */
export interface CommentWrite {
  pullRequest: number;
  assignmentId: string;
  markdown: string;
}

/** What sending needs from the ledger: the check run ids of attempts, and the comments kept. */
export interface SendContext {
  checkRuns: {
    idOf(attemptId: string): Promise<number | null | undefined>;
    remember(attemptId: string, checkRunId: number): Promise<void>;
  };
  comments: CommentMemory;
}

/** The outbox key of an attempt's check run: its announcement and completion coalesce. */
function checkRunKey(attempt: Pick<Attempt, 'id' | 'repository'>): string {
  return `check_run:${attempt.repository.toLowerCase()}:attempt:${attempt.id}`;
}

/** The queued check run that tells a student their commit is in line: sent first of all writes. */
export function announceWrite(attempt: Attempt, detailsUrl?: string): OutboxPut {
  const write: CheckRunWrite = { attempt: target(attempt), ...(detailsUrl ? { detailsUrl } : {}) };
  return {
    key: checkRunKey(attempt),
    kind: 'check_run',
    repository: attempt.repository,
    attemptId: attempt.id,
    payload: write,
    priority: OUTBOX_PRIORITY.announce,
  };
}

/** An assignment's PR comment. Keyed by PR and assignment: successive edits become one. */
export function commentWrite(repository: string, attemptId: string | null, write: CommentWrite): OutboxPut {
  return {
    key: `comment:${repository.toLowerCase()}#${write.pullRequest}:${write.assignmentId}`,
    kind: 'comment',
    repository,
    attemptId,
    payload: write,
    priority: OUTBOX_PRIORITY.comment,
  };
}

/**
 * The writes that show an attempt's outcome: its check run's completion (created completed when
 * its announcement has not been sent yet), carrying the comment to upsert afterwards on the
 * attempt's pull request and any the check run is on.
 */
export function attemptOutcomeWrites(
  attempt: Pick<Attempt, 'id' | 'repository' | 'sha' | 'assignmentId' | 'pullRequest'>,
  report: CheckRunReport,
  commentMarkdown?: string,
): OutboxPut[] {
  const pullRequests = attempt.pullRequest === null ? [] : [attempt.pullRequest];
  const write: CheckRunWrite = {
    attempt: target(attempt),
    report,
    ...(commentMarkdown === undefined
      ? {}
      : { comment: { assignmentId: attempt.assignmentId, markdown: commentMarkdown, pullRequests } }),
  };
  return [
    {
      key: checkRunKey(attempt),
      kind: 'check_run',
      repository: attempt.repository,
      attemptId: attempt.id,
      payload: write,
      priority: OUTBOX_PRIORITY.checkRun,
    },
  ];
}

function target(attempt: CheckRunTarget): CheckRunTarget {
  return {
    id: attempt.id,
    repository: attempt.repository,
    sha: attempt.sha,
    assignmentId: attempt.assignmentId,
  };
}

/**
 * Makes one stored write; returns the writes it leads to (a completion's comments). Each is
 * idempotent, so a row sent twice (a crash after the request, before the row was marked done)
 * changes nothing the second time: a check run is created only when the ledger knows none for the
 * attempt and, on a later try, none carries its `external_id`; completing and upserting are updates.
 */
export async function sendWrite(
  github: GitHub,
  item: OutboxItem,
  context: SendContext,
): Promise<OutboxPut[]> {
  if (item.kind === 'comment') {
    const write = item.payload as CommentWrite;
    await upsertComment(
      github,
      item.repository,
      write.pullRequest,
      write.assignmentId,
      write.markdown,
      context.comments,
    );
    return [];
  }
  const write = item.payload as CheckRunWrite;
  let checkRunId = write.checkRunId ?? (write.attempt && (await context.checkRuns.idOf(write.attempt.id)));
  // An earlier try may have created the run and failed before the ledger learned its id.
  if (checkRunId == null && write.attempt && item.tries > 1) {
    checkRunId = await findCheckRun(github, write.attempt);
    if (checkRunId !== undefined) await context.checkRuns.remember(write.attempt.id, checkRunId);
  }
  let pulls: number[] = [];
  if (checkRunId == null) {
    if (!write.attempt) throw new Error(`Outbox row ${item.id} names neither a check run nor an attempt.`);
    const created = await createCheckRun(github, write.attempt, write.report, write.detailsUrl);
    await context.checkRuns.remember(write.attempt.id, created.id);
    pulls = created.pullRequests;
  } else {
    // An announcement of a run that exists already (a resumed attempt): nothing to say.
    if (!write.report) return [];
    pulls = await completeCheckRun(github, item.repository, checkRunId, write.report);
  }
  if (!write.comment) return [];
  const { assignmentId, markdown, pullRequests } = write.comment;
  return [...new Set([...pulls, ...pullRequests])].map((pullRequest) =>
    commentWrite(item.repository, item.attemptId, { pullRequest, assignmentId, markdown }),
  );
}
