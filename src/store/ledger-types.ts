/**
 * The grade ledger's contract: attempts, their check results and scores, webhook deliveries and
 * manual scores. One implementation (`sql-ledger.ts`) serves both PGlite and PostgreSQL; callers get
 * one through `openLedger` in `open-ledger.ts`.
 */
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore } from '../results/score-types.js';
import type { SyncStore } from './lms-syncs.js';
import type { OutboxPut, SqlOutbox } from './outbox.js';
import type { SqlPrComments } from './pr-comments.js';
import type { QueueStatus, QueueStatusOptions } from './queue-status.js';
import type { SlotLimits, SqlWriteSlots } from './write-slots.js';

/**
 * Where an attempt is in its life. `queued` → `dispatched` → `running` → `completed` is the happy
 * path; `timed_out`, `superseded`, `infra_error` and `invalid_results` are terminal and do not use
 * up an attempt. See docs/ledger.md for the transitions.
 */
export type AttemptState =
  | 'queued'
  | 'dispatched'
  | 'running'
  | 'completed'
  | 'timed_out'
  | 'superseded'
  | 'infra_error'
  | 'invalid_results';

/** What started an attempt. Only `push` and `pull_request` are deduplicated by (repository, sha, assignment). */
export type AttemptTrigger = 'push' | 'pull_request' | 'rerequested' | 'regrade' | 'retry';

/** States in which an attempt is still waiting for its run or its results. */
export const OPEN_STATES: readonly AttemptState[] = ['queued', 'dispatched', 'running'];

/** One grading attempt of one assignment at one commit. */
export interface Attempt {
  id: string;
  courseId: string;
  assignmentId: string;
  /** `owner/name`. */
  repository: string;
  repositoryId: number;
  /** Numeric GitHub user id of the student, when known. */
  studentId: number | null;
  studentLogin: string | null;
  sha: string;
  trigger: AttemptTrigger;
  pullRequest: number | null;
  deliveryId: string | null;
  state: AttemptState;
  checkRunId: number | null;
  workflowRunId: number | null;
  /** Random token passed to the dispatched workflow so its run can be matched back to this attempt. */
  dispatchNonce: string | null;
  createdAt: Date;
  dispatchedAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  /** Check-run conclusion reported to GitHub (`success`, `failure`, `neutral`, `timed_out`, …). */
  conclusion: string | null;
  error: string | null;
}

/** What `createAttempt` needs; the ledger fills in id, state (`queued`) and timestamps. */
export type NewAttempt = Pick<
  Attempt,
  | 'courseId'
  | 'assignmentId'
  | 'repository'
  | 'repositoryId'
  | 'studentId'
  | 'studentLogin'
  | 'sha'
  | 'trigger'
> &
  Partial<Pick<Attempt, 'pullRequest' | 'deliveryId'>>;

/** Fields of an attempt that may change after it is created. */
export type AttemptPatch = Partial<
  Pick<
    Attempt,
    | 'state'
    | 'checkRunId'
    | 'workflowRunId'
    | 'dispatchNonce'
    | 'dispatchedAt'
    | 'startedAt'
    | 'completedAt'
    | 'conclusion'
    | 'error'
  >
>;

/** An instructor's points for one criterion, or a clear (`points: null`: pending again). */
export interface NewManualScore {
  repository: string;
  assignmentId: string;
  criterionId: string;
  points: number | null;
  note?: string;
  /** Login of the instructor who entered the points. */
  by: string;
  at?: Date;
  /** The attempt the instructor was looking at (the PR's latest graded attempt). */
  attemptId?: string;
  /** Where the change came from (default `cli`). */
  source?: 'comment' | 'cli';
  /** The command comment's URL. */
  sourceUrl?: string;
  /** Idempotency key: a second change with the same key is not recorded (see manual-scores.ts). */
  sourceKey?: string;
}

/** One row of the manual-score audit trail. */
export interface ScoreEvent {
  seq: number;
  repository: string;
  assignmentId: string;
  criterionId: string;
  /** Null when the score was cleared. */
  points: number | null;
  note?: string;
  by: string;
  at: Date;
  attemptId: string | null;
  source: 'comment' | 'cli' | 'migrated';
  sourceUrl: string | null;
}

/** Which audit rows to list; repository matches case-insensitively. */
export interface ScoreEventFilter {
  repository?: string;
  assignmentId?: string;
}

/** Manual scores of one repository and assignment, by criterion id. */
export type ManualScores = Record<string, { points: number; note?: string; by: string }>;

/**
 * A delivery recorded this long ago and not finished is taken to have died with its process: GitHub
 * waits 10 s for an answer, and a push's grading is started within seconds of it
 * (`MLGRADE_STALE_DELIVERY_SECONDS` changes it for the app's sweep; fault tests shorten it).
 */
export const STALE_DELIVERY_MS = 5 * 60_000;

/** What {@link Ledger.recordSubmission} applies. */
export interface SubmissionRules {
  /** True when the budget as it stands leaves no room for this attempt (omit: never refused). */
  refuse?: (budget: AttemptBudget) => boolean;
  /** The writes that announce a new attempt (its queued check run). */
  announce: (attempt: Attempt) => readonly OutboxPut[];
  /** The writes that close an attempt superseded by `by`. */
  closing: (superseded: Attempt, by: Attempt) => readonly OutboxPut[];
}

/** What {@link Ledger.recordSubmission} did. */
export type RecordedSubmission =
  | { refused: AttemptBudget }
  | { attempt: Attempt; created: boolean; superseded: Attempt[] };

/** What the ledger knows about an attempt budget (see {@link Ledger.attemptBudget}). */
export interface AttemptBudget {
  /** Student-started attempts that completed (infra_error, timed_out, superseded, invalid_results do not). */
  graded: number;
  /** Student-started attempts a runner has picked up and not finished: a newer push cannot supersede them. */
  running: number;
  /** True when the commit already has a push or pull-request attempt: its other event adds none. */
  commitAttempted: boolean;
}

/** The grade ledger. All methods are safe to call from several processes sharing one PostgreSQL. */
export interface Ledger {
  /**
   * True the first time a delivery id is seen, and for a redelivery of one whose handling never
   * finished (not finished within 5 minutes: its process died); false for a duplicate. `done`
   * records it finished at once (a "said it already" key rather than a webhook).
   */
  recordDelivery(
    deliveryId: string,
    event: string,
    receivedAt?: Date,
    done?: boolean,
    /** What to grade, stored so that the sweep can finish a delivery whose process died. */
    submission?: unknown,
    /** How long unfinished before a delivery counts as dead (default {@link STALE_DELIVERY_MS}). */
    staleMs?: number,
  ): Promise<boolean>;
  /**
   * Takes (or renews) the lease `name` for `holder` for `forMs`: true when it is the holder's now,
   * false while another holder's lease runs. Replicas use it for work one of them at a time must do
   * (the sweep); a holder that dies loses the lease when it runs out.
   */
  takeLease(name: string, holder: string, forMs: number, now?: Date): Promise<boolean>;
  /** Gives the lease up early (the work is done), when `holder` holds it. */
  releaseLease(name: string, holder: string): Promise<void>;
  /**
   * Deliveries recorded with a submission before `receivedBefore` and never finished (their process
   * died), oldest first: the sweep takes each over with `recordDelivery` and handles it.
   */
  listUnfinishedSubmissions(
    receivedBefore: Date,
    limit?: number,
  ): Promise<{ deliveryId: string; event: string; submission: unknown }[]>;
  /**
   * Ends a delivery's handling: handled, it is done and redeliveries are duplicates; not handled
   * (the handler failed), it is forgotten, so a redelivery is handled again.
   */
  finishDelivery(deliveryId: string, handled: boolean): Promise<void>;
  /** Forgets deliveries received before `before` (GitHub redelivers for days, not forever); returns how many. */
  pruneDeliveries(before: Date): Promise<number>;
  /**
   * Idempotent on (repository, sha, assignmentId) for push/pull_request triggers: returns the existing
   * attempt with created=false. 'rerequested' | 'regrade' | 'retry' always create a new attempt.
   */
  createAttempt(input: NewAttempt): Promise<{ attempt: Attempt; created: boolean }>;
  /**
   * A submission's attempt, in one transaction under a lock on its repository and assignment (so
   * replicas handling two pushes at once cannot both take the budget's last place or supersede each
   * other): refused when `rules.refuse` says so of the budget; else created (or found, when its
   * commit already has one) and, when new, stored with the writes that announce it, superseding the
   * queued attempts recorded before it with the writes that close them.
   */
  recordSubmission(input: NewAttempt, rules: SubmissionRules): Promise<RecordedSubmission>;
  getAttempt(id: string): Promise<Attempt | undefined>;
  /** Applies the patch and returns the updated attempt; throws when the id is unknown. */
  updateAttempt(id: string, patch: AttemptPatch): Promise<Attempt>;
  /**
   * Compare-and-set: applies the patch only while the attempt is in one of `from` (any state when
   * undefined); returns the updated attempt, or undefined when it is unknown or has moved on. Lets a
   * late report and the timeout sweep race without one overwriting the other's terminal state.
   */
  transitionAttempt(
    id: string,
    from: readonly AttemptState[] | undefined,
    patch: AttemptPatch,
  ): Promise<Attempt | undefined>;
  /**
   * Compare-and-set to a new state together with what must be written to GitHub about it (and the
   * results, when given), in one transaction: either all of it is stored or none. Undefined when the
   * attempt is not in one of `from` (then nothing is stored).
   */
  finishAttempt(
    id: string,
    from: readonly AttemptState[],
    patch: AttemptPatch,
    writes: readonly OutboxPut[],
    saved?: { results: Results; score: AssignmentScore },
  ): Promise<Attempt | undefined>;
  /**
   * Marks queued/dispatched-but-not-started attempts of the same repository+assignment recorded
   * before keepId as superseded, storing the writes `closing` gives for each in the same transaction;
   * returns them.
   */
  supersedeQueued(
    repository: string,
    assignmentId: string,
    keepId: string,
    closing?: (superseded: Attempt) => readonly OutboxPut[],
  ): Promise<Attempt[]>;
  findByNonce(nonce: string): Promise<Attempt | undefined>;
  /** A batched run answers several attempts. */
  findByWorkflowRun(workflowRunId: number): Promise<Attempt[]>;
  findByCheckRun(checkRunId: number): Promise<Attempt | undefined>;
  /** Attempts still queued/dispatched after queuedMs, or running after runningMs, as of now. */
  listOverdue(now: Date, limits: { queuedMs: number; runningMs: number }): Promise<Attempt[]>;
  /**
   * Dispatched or running attempts with a known grader run or dispatch nonce, dispatched before
   * `dispatchedBefore`, oldest first: the sweep asks GitHub whether their run finished (a
   * `workflow_run` delivery can be lost; a process can die before storing the run's id).
   */
  listAwaitingResults(dispatchedBefore: Date, limit?: number): Promise<Attempt[]>;
  /** Queued attempts, oldest first (for batching). */
  listPending(limit?: number): Promise<Attempt[]>;
  /** Stores (or replaces) the results and score of an attempt. */
  saveResults(attemptId: string, results: Results, score: AssignmentScore): Promise<void>;
  getResults(attemptId: string): Promise<{ results: Results; score: AssignmentScore } | undefined>;
  /**
   * Where the attempt budget of a repository and assignment stands for a new attempt at `sha`. Only
   * student-started attempts (push, pull request, re-run) use it; an instructor's regrade does not.
   */
  attemptBudget(repository: string, assignmentId: string, sha: string): Promise<AttemptBudget>;
  /** Scored attempts of a repository and assignment, oldest first. */
  listScores(
    repository: string,
    assignmentId: string,
  ): Promise<{ attempt: Attempt; score: AssignmentScore }[]>;
  /**
   * Records an instructor's points for one criterion (or clears them) as an audit row and makes them
   * current; false when `sourceKey` was seen before and nothing changed.
   */
  saveManualScore(input: NewManualScore): Promise<boolean>;
  listManualScores(repository: string, assignmentId: string): Promise<ManualScores>;
  /** Manual scores of every repository of an assignment, keyed by the lower-cased repository (one query). */
  listAssignmentManualScores(assignmentId: string): Promise<Map<string, ManualScores>>;
  /** The manual-score audit trail, oldest first. */
  listScoreEvents(filter?: ScoreEventFilter): Promise<ScoreEvent[]>;
  /** Completed attempts of an assignment with their results and scores, every repository, oldest first. */
  listAssignmentResults(
    assignmentId: string,
  ): Promise<{ attempt: Attempt; results: Results; score: AssignmentScore }[]>;
  /** The newest completed attempt of a repository's assignment with its results (for rescoring), if any. */
  latestResults(
    repository: string,
    assignmentId: string,
    pullRequest?: number,
  ): Promise<{ attempt: Attempt; results: Results; score: AssignmentScore } | undefined>;
  /** LMS syncs and the grades each sent (lms-syncs.ts). */
  readonly syncs: SyncStore;
  /** GitHub writes not yet made (outbox.ts); drained by github/outbox-worker.ts. */
  readonly outbox: SqlOutbox;
  /** The pull-request comments mlgrade keeps (pr-comments.ts). */
  readonly comments: SqlPrComments;
  /** Where a repository's attempts stand in its owner's grading queue (queue-status.ts); undefined without attempts. */
  queueStatus(repository: string, options?: QueueStatusOptions): Promise<QueueStatus | undefined>;
  /** The GitHub write budget every process on this ledger shares (write-slots.ts). */
  writeBudget(limits: SlotLimits): SqlWriteSlots;
  /** The newest migration recorded in the database: one real query, so it also proves the database answers (readiness). */
  schemaVersion(): Promise<number>;
  /** Attempts counted by state (one COUNT … GROUP BY; for metrics). States with none are absent. */
  countAttemptsByState(): Promise<Partial<Record<AttemptState, number>>>;
  close(): Promise<void>;
}

/** Options of `openLedger`: PostgreSQL when a database URL is given (or `DATABASE_URL` is set), else PGlite. */
export interface OpenLedgerOptions {
  /** `postgres://…`; defaults to `process.env.DATABASE_URL`. */
  databaseUrl?: string;
  /** PGlite data directory; defaults to `.mlgrade/ledger`. */
  dataDir?: string;
}
