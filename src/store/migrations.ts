/**
 * The ledger's schema, as an ordered list of migrations. They live in TypeScript (tsc does not copy
 * .sql files into build/) and use only SQL that PGlite and PostgreSQL both accept. Never edit a
 * migration that has shipped: append a new one.
 */
import type { SqlClient, SqlQuery } from './sql-client.js';

/** One schema change; `version` is its position (1, 2, …). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const ATTEMPT_STATES = `'queued', 'dispatched', 'running', 'completed', 'timed_out', 'superseded', 'infra_error', 'invalid_results'`;
const TRIGGERS = `'push', 'pull_request', 'rerequested', 'regrade', 'retry'`;

/** All migrations, in the order they apply. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'attempts, results, deliveries, manual scores',
    sql: `
CREATE TABLE deliveries (
  delivery_id text PRIMARY KEY,
  event text NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE TABLE attempts (
  id text PRIMARY KEY,
  -- Insertion order: created_at has millisecond resolution and ties would make "oldest first" random.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  course_id text NOT NULL,
  assignment_id text NOT NULL,
  repository text NOT NULL,
  repository_id bigint NOT NULL,
  student_id bigint,
  student_login text,
  sha text NOT NULL,
  trigger text NOT NULL CHECK (trigger IN (${TRIGGERS})),
  pull_request integer,
  delivery_id text,
  state text NOT NULL CHECK (state IN (${ATTEMPT_STATES})),
  check_run_id bigint,
  workflow_run_id bigint,
  dispatch_nonce text UNIQUE,
  created_at timestamptz NOT NULL,
  dispatched_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  conclusion text,
  error text
);
-- A push (or the pull_request event for the same commit) grades a commit once; re-runs use other triggers.
CREATE UNIQUE INDEX attempts_once_per_commit ON attempts (repository, assignment_id, sha)
  WHERE trigger IN ('push', 'pull_request');
CREATE INDEX attempts_by_repository ON attempts (repository, assignment_id, seq);
CREATE INDEX attempts_open ON attempts (state, seq) WHERE state IN ('queued', 'dispatched', 'running');
CREATE INDEX attempts_by_workflow_run ON attempts (workflow_run_id) WHERE workflow_run_id IS NOT NULL;
CREATE INDEX attempts_by_check_run ON attempts (check_run_id) WHERE check_run_id IS NOT NULL;
CREATE TABLE attempt_results (
  attempt_id text PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
  results jsonb NOT NULL,
  score jsonb NOT NULL,
  saved_at timestamptz NOT NULL
);
CREATE TABLE manual_scores (
  repository text NOT NULL,
  assignment_id text NOT NULL,
  criterion_id text NOT NULL,
  points double precision NOT NULL,
  note text,
  entered_by text NOT NULL,
  entered_at timestamptz NOT NULL,
  PRIMARY KEY (repository, assignment_id, criterion_id)
);`,
  },
  {
    version: 2,
    name: 'manual score audit trail',
    sql: `
-- Every manual score change, never updated in place; manual_scores stays the current value of each.
CREATE TABLE manual_score_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  repository text NOT NULL,
  assignment_id text NOT NULL,
  criterion_id text NOT NULL,
  -- NULL: the score was cleared (the criterion is pending again).
  points double precision,
  note text,
  entered_by text NOT NULL,
  entered_at timestamptz NOT NULL,
  attempt_id text,
  source text NOT NULL CHECK (source IN ('comment', 'cli', 'migrated')),
  source_url text,
  -- Idempotency of a command (comment id, line, edit): a redelivered or repeated command adds no row.
  source_key text UNIQUE
);
CREATE INDEX manual_score_events_by_repository ON manual_score_events (repository, assignment_id, seq);
INSERT INTO manual_score_events (repository, assignment_id, criterion_id, points, note, entered_by, entered_at, source)
  SELECT repository, assignment_id, criterion_id, points, note, entered_by, entered_at, 'migrated' FROM manual_scores;`,
  },
  {
    version: 3,
    name: 'LMS syncs',
    sql: `
CREATE TABLE lms_syncs (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  lms text NOT NULL CHECK (lms IN ('canvas', 'gradescope')),
  course_id text NOT NULL,
  assignment_ids jsonb NOT NULL,
  requested_by text NOT NULL,
  -- Idempotency of the request (e.g. the label event's delivery): a redelivery finds the same sync.
  request_key text UNIQUE,
  source_url text,
  dry_run boolean NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  started_at timestamptz NOT NULL,
  -- Touched by every write of the sync: a running sync whose heartbeat is old died (crash, SIGKILL).
  heartbeat_at timestamptz NOT NULL,
  finished_at timestamptz,
  outcome jsonb,
  error text
);
CREATE INDEX lms_syncs_open ON lms_syncs (state, seq) WHERE state = 'running';
-- One row per student and assignment of a sync, written as planned before anything is sent.
CREATE TABLE lms_sync_grades (
  sync_id text NOT NULL REFERENCES lms_syncs (id) ON DELETE CASCADE,
  assignment_id text NOT NULL,
  student text NOT NULL,
  lms_user text,
  lms_assignment text,
  old_grade text,
  new_grade text,
  comment text,
  state text NOT NULL CHECK (state IN ('planned', 'sent', 'confirmed', 'unchanged', 'skipped', 'failed')),
  reason text,
  answer jsonb,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (sync_id, assignment_id, student)
);`,
  },
  {
    version: 4,
    name: 'outbox of GitHub writes; deliveries done',
    sql: `
-- GitHub writes that must happen, stored with the state change they show (see src/store/outbox.ts).
CREATE TABLE outbox (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  -- Coalescing: one pending row per key; a later write for the same object replaces its payload.
  key text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('check_run', 'comment')),
  repository text NOT NULL,
  attempt_id text,
  payload jsonb NOT NULL,
  priority integer NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'done', 'given_up')),
  tries integer NOT NULL,
  version integer NOT NULL,
  next_at timestamptz NOT NULL,
  -- A claim is a lease: a worker that dies leaves the row to be claimed again when it ends.
  claimed_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  done_at timestamptz
);
CREATE UNIQUE INDEX outbox_one_pending_per_key ON outbox (key) WHERE state = 'pending';
CREATE INDEX outbox_due ON outbox (priority, seq) WHERE state = 'pending';
CREATE INDEX outbox_by_attempt ON outbox (attempt_id) WHERE attempt_id IS NOT NULL;
-- A delivery is done once its work is stored; one that never got there (its process died) is
-- handled again when GitHub redelivers it.
ALTER TABLE deliveries ADD COLUMN done_at timestamptz;
UPDATE deliveries SET done_at = received_at;`,
  },
  {
    version: 5,
    name: 'shared write budget, pull-request comments, accepted submissions',
    sql: `
-- A push is answered as soon as it is recorded here with what to grade; a process that dies before
-- grading it leaves the row unfinished, and the sweep takes it over.
ALTER TABLE deliveries ADD COLUMN submission jsonb;
-- Work one process at a time does (the sweep), held for a while by whoever took it last.
CREATE TABLE leases (name text PRIMARY KEY, holder text NOT NULL, until timestamptz NOT NULL);
-- The GitHub writes every replica made in the last hour: one budget for all of them (GitHub counts
-- the app's writes, not a process's). Taken under an advisory lock, see store/write-slots.ts.
CREATE TABLE write_slots (at timestamptz NOT NULL);
CREATE INDEX write_slots_at ON write_slots (at);
-- The comment mlgrade keeps on a pull request per assignment, and the hash of the body last written:
-- one comment per pull request whichever replica writes it, and no request when nothing changed.
CREATE TABLE pr_comments (
  repository text NOT NULL,
  pull_request integer NOT NULL,
  assignment_id text NOT NULL,
  comment_id bigint NOT NULL,
  body_hash text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (repository, pull_request, assignment_id)
);`,
  },
];

/** Any constant works; it only has to be the same in every process that migrates this database. */
const MIGRATION_LOCK_KEY = 7_461_042;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in one transaction. The advisory
 * lock makes a second process starting at the same time wait, then find nothing left to do.
 * Returns the versions it applied.
 */
export async function migrate(client: SqlClient, migrations = MIGRATIONS): Promise<number[]> {
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
    );
    const done = new Set(await appliedVersions(tx));
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new Error(
        `The ledger's schema is at version ${newest}, newer than this build knows (${known}). Upgrade mlgrade or point it at another database.`,
      );
    }
    const applied: number[] = [];
    for (const migration of migrations.filter((m) => !done.has(m.version))) {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date(),
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

async function appliedVersions(tx: SqlQuery): Promise<number[]> {
  const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
  return rows.map((row) => Number(row.version));
}
