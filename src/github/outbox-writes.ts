/**
 * The GitHub writes mlgrade stores in the outbox (store/outbox.ts) instead of making at once, and
 * how each is sent. A check run's completion carries the PR comment to write after it: the
 * completion's answer names the pull requests the check run is on.
 */
import type { Attempt } from '../store/ledger-types.js';
import type { OutboxItem, OutboxPut } from '../store/outbox.js';
import { OUTBOX_PRIORITY } from '../store/outbox.js';
import { type CheckRunReport, completeCheckRun } from './check-runs.js';
import type { GitHub } from './github-client.js';
import { upsertComment } from './pr-comment.js';

/** A check run to complete, and the comment to upsert on its pull requests afterwards. */
export interface CheckRunWrite {
  checkRunId: number;
  report: CheckRunReport;
  comment?: { assignmentId: string; markdown: string; pullRequests: number[] };
}

/** An assignment's comment on one pull request. */
export interface CommentWrite {
  pullRequest: number;
  assignmentId: string;
  markdown: string;
}

/**
 * The completion of a check run. Keyed by the check run: a later completion of the same run while
 * this one waits (a rescore, a republish) replaces it.
 */
export function checkRunWrite(repository: string, attemptId: string | null, write: CheckRunWrite): OutboxPut {
  return {
    key: `check_run:${repository.toLowerCase()}:${write.checkRunId}`,
    kind: 'check_run',
    repository,
    attemptId,
    payload: write,
    priority: OUTBOX_PRIORITY.checkRun,
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
 * The writes that show an attempt's outcome: its check run's completion, carrying the comment to
 * upsert afterwards on the attempt's pull request and any the check run is on. An attempt without
 * a check run gets the comment on its own pull request only (nothing when it has none).
 */
export function attemptOutcomeWrites(
  attempt: Pick<Attempt, 'id' | 'repository' | 'assignmentId' | 'checkRunId' | 'pullRequest'>,
  report: CheckRunReport,
  commentMarkdown?: string,
): OutboxPut[] {
  const pullRequests = attempt.pullRequest === null ? [] : [attempt.pullRequest];
  const comment =
    commentMarkdown === undefined
      ? undefined
      : { assignmentId: attempt.assignmentId, markdown: commentMarkdown, pullRequests };
  if (attempt.checkRunId !== null)
    return [
      checkRunWrite(attempt.repository, attempt.id, {
        checkRunId: attempt.checkRunId,
        report,
        ...(comment ? { comment } : {}),
      }),
    ];
  if (!comment) return [];
  const { assignmentId, markdown } = comment;
  return pullRequests.map((pullRequest) =>
    commentWrite(attempt.repository, attempt.id, { pullRequest, assignmentId, markdown }),
  );
}

/**
 * Makes one stored write; returns the writes it leads to (a completion's comments). Completing a
 * check run and upserting a comment are idempotent, so a row sent twice (a crash after the request,
 * before the row was marked done) changes nothing the second time.
 */
export async function sendWrite(github: GitHub, item: OutboxItem): Promise<OutboxPut[]> {
  if (item.kind === 'comment') {
    const write = item.payload as CommentWrite;
    await upsertComment(github, item.repository, write.pullRequest, write.assignmentId, write.markdown);
    return [];
  }
  const write = item.payload as CheckRunWrite;
  const pulls = await completeCheckRun(github, item.repository, write.checkRunId, write.report);
  if (!write.comment) return [];
  const { assignmentId, markdown, pullRequests } = write.comment;
  return [...new Set([...pulls, ...pullRequests])].map((pullRequest) =>
    commentWrite(item.repository, item.attemptId, { pullRequest, assignmentId, markdown }),
  );
}
