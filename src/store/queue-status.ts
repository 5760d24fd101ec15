/**
 * Where a repository's attempts stand in the grading queue, read from the `attempts` table for the
 * status page (server/status-page.ts): its open attempts with their place in line, the line's length
 * and the grader's recent pace, and its last few finished attempts. Reads only; no scores.
 *
 * The line is the repository owner's: the dispatcher batches attempts per owner and hands them to
 * the one grader workflow in that owner's account (`<owner>/mlgrade-grader`, github/dispatcher.ts), on
 * that owner's runners, so attempts of every course of the owner wait in one line, in recording
 * order (`seq`). An attempt waits while it is queued or dispatched and no runner has started it;
 * it is being graded once started. The pace is the owner's attempts that a runner finished
 * (`completed`, `invalid_results`) in the last hour; superseded, timed-out and infrastructure-failed
 * attempts left the line without grading, so counting them would promise too much.
 */
import type { SqlQuery } from './sql-client.js';

/** An attempt of the repository that waits for a runner or is being graded. */
export interface OpenAttempt {
  assignmentId: string;
  sha: string;
  state: 'queued' | 'dispatched' | 'running';
  /** True once a runner started it: it is being graded and has no place in line. */
  grading: boolean;
  createdAt: Date;
  /** 1 = next for a runner: the owner's attempts waiting and recorded before it, plus one. Null while grading. */
  place: number | null;
  /** `place` ÷ the attempts graded in the last hour, in whole minutes (rounded up); null while grading or without history. */
  estimateMinutes: number | null;
}

/** One of the repository's finished attempts (never its score). */
export interface FinishedAttempt {
  assignmentId: string;
  sha: string;
  /** How it ended (`completed`, `superseded`, …): never its conclusion, which is close to a grade. */
  state: string;
  finishedAt: Date | null;
}

/** The owner's line as counts only: nothing about the other repositories in it. */
export interface QueueLine {
  /** Attempts of the owner waiting for a runner (queued, or dispatched and not started). */
  waiting: number;
  /** Attempts of the owner a runner is grading. */
  grading: number;
  /** Attempts of the owner a runner finished in the hour before `asOf`. */
  gradedLastHour: number;
}

/** What the status page shows of one repository. */
export interface QueueStatus {
  /** `owner/name` as the ledger stored it (the request's spelling may differ in case). */
  repository: string;
  /** Oldest first. */
  open: OpenAttempt[];
  /** Newest first; at most {@link QueueStatusOptions.recent}. */
  recent: FinishedAttempt[];
  line: QueueLine;
  asOf: Date;
}

/** Options of {@link readQueueStatus}. */
export interface QueueStatusOptions {
  /** The time the pace is measured back from (default now). */
  now?: Date;
  /** How many finished attempts to list (default 5). */
  recent?: number;
}

const HOUR_MS = 60 * 60_000;

/** Waiting: taken by neither a runner nor supersession yet (supersedeIn in sql-ledger.ts takes the same set). */
const WAITING = `state IN ('queued', 'dispatched') AND started_at IS NULL`;
/** States in which a runner graded the attempt. */
const GRADED = `('completed', 'invalid_results')`;
const SAME_OWNER = `lower(split_part(repository, '/', 1)) = lower($1)`;

/** The repository's open attempts, each with its place among the owner's waiting attempts. */
const SELECT_OPEN = `
WITH line AS (
  SELECT id, row_number() OVER (ORDER BY seq) AS place FROM attempts WHERE ${WAITING} AND ${SAME_OWNER}
)
SELECT a.assignment_id, a.sha, a.state, a.created_at, line.place
FROM attempts a LEFT JOIN line ON line.id = a.id
WHERE a.repository = $2 AND a.state IN ('queued', 'dispatched', 'running')
ORDER BY a.seq`;

const SELECT_LINE = `
SELECT
  count(*) FILTER (WHERE ${WAITING})::integer AS waiting,
  count(*) FILTER (WHERE state IN ('queued', 'dispatched', 'running') AND NOT (${WAITING}))::integer AS grading,
  count(*) FILTER (WHERE state IN ${GRADED} AND completed_at > $2 AND completed_at <= $3)::integer AS graded
FROM attempts
WHERE ${SAME_OWNER} AND (state IN ('queued', 'dispatched', 'running') OR completed_at > $2)`;

const SELECT_RECENT = `
SELECT assignment_id, sha, state, completed_at FROM attempts
WHERE repository = $1 AND state NOT IN ('queued', 'dispatched', 'running')
ORDER BY completed_at DESC NULLS LAST, seq DESC
LIMIT $2`;

interface OpenRow {
  assignment_id: string;
  sha: string;
  state: OpenAttempt['state'];
  created_at: Date | string;
  place: number | string | null;
}

interface RecentRow {
  assignment_id: string;
  sha: string;
  state: string;
  completed_at: Date | string | null;
}

/**
 * The queue as `repository` (`owner/name`, matched case-insensitively) sees it, or undefined when the
 * ledger has no attempt of it. A few reads, not one transaction: a page a moment stale is fine.
 */
export async function readQueueStatus(
  db: SqlQuery,
  repository: string,
  options: QueueStatusOptions = {},
): Promise<QueueStatus | undefined> {
  const stored = await storedName(db, repository);
  if (stored === undefined) return undefined;
  const now = options.now ?? new Date();
  const owner = stored.split('/')[0] ?? stored;
  const [lineRow] = await db.query<{ waiting: number; grading: number; graded: number }>(SELECT_LINE, [
    owner,
    new Date(now.getTime() - HOUR_MS),
    now,
  ]);
  const line: QueueLine = {
    waiting: Number(lineRow?.waiting ?? 0),
    grading: Number(lineRow?.grading ?? 0),
    gradedLastHour: Number(lineRow?.graded ?? 0),
  };
  const openRows = await db.query<OpenRow>(SELECT_OPEN, [owner, stored]);
  const recentRows = await db.query<RecentRow>(SELECT_RECENT, [stored, options.recent ?? 5]);
  return {
    repository: stored,
    open: openRows.map((row) => openAttempt(row, line.gradedLastHour)),
    recent: recentRows.map((row) => ({
      assignmentId: row.assignment_id,
      sha: row.sha,
      state: row.state,
      finishedAt: toDate(row.completed_at),
    })),
    line,
    asOf: now,
  };
}

/** Minutes until a runner reaches `place` at `perHour` graded attempts an hour; null without a pace. */
export function estimateMinutes(place: number, perHour: number): number | null {
  if (perHour <= 0) return null;
  return Math.ceil((place / perHour) * 60);
}

/**
 * The repository's name as stored: the exact spelling first (the link from the check run has it, and
 * the index serves it), else any spelling, as GitHub's names are case-insensitive.
 */
async function storedName(db: SqlQuery, repository: string): Promise<string | undefined> {
  const [exact] = await db.query<{ repository: string }>(
    'SELECT repository FROM attempts WHERE repository = $1 LIMIT 1',
    [repository],
  );
  if (exact) return exact.repository;
  const [other] = await db.query<{ repository: string }>(
    'SELECT repository FROM attempts WHERE lower(repository) = lower($1) ORDER BY seq DESC LIMIT 1',
    [repository],
  );
  return other?.repository;
}

function openAttempt(row: OpenRow, perHour: number): OpenAttempt {
  const place = row.place === null ? null : Number(row.place);
  return {
    assignmentId: row.assignment_id,
    sha: row.sha,
    state: row.state,
    grading: place === null,
    createdAt: toDate(row.created_at)!,
    place,
    estimateMinutes: place === null ? null : estimateMinutes(place, perHour),
  };
}

function toDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}
