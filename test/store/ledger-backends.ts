/**
 * The backends every ledger test runs against: PGlite in a temporary directory, and PostgreSQL when
 * MLGRADE_TEST_DATABASE_URL is set (a fresh schema per test file, dropped afterwards). On CI a missing
 * PostgreSQL is a failure, not a skip.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { Ledger, NewAttempt, OpenLedgerOptions } from '../../src/store/ledger-types.js';
import { openLedger } from '../../src/store/open-ledger.js';

/** One database to run the ledger against; `open` may be called again to simulate a restart. */
export interface Backend {
  name: 'pglite' | 'postgres';
  /** Options that open this backend's database (created on first call). */
  options(): Promise<OpenLedgerOptions>;
  open(): Promise<Ledger>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const TEST_URL = process.env.MLGRADE_TEST_DATABASE_URL;

/** A fresh PGlite directory; every `open` of the returned backend opens that same directory. */
export function pgliteBackend(): Backend {
  let dir: Promise<string> | undefined;
  const options = async (): Promise<OpenLedgerOptions> => {
    if (!dir) {
      dir = mkdtemp(path.join(os.tmpdir(), 'mlgrade-ledger-'));
      const created = dir;
      cleanups.push(async () => rm(await created, { recursive: true, force: true }));
    }
    // An empty URL keeps a DATABASE_URL in the environment from switching this backend to PostgreSQL.
    return { dataDir: await dir, databaseUrl: '' };
  };
  return { name: 'pglite', options, open: async () => openLedger(await options()) };
}

/** A fresh schema in the test PostgreSQL; every `open` uses that same schema. */
export function postgresBackend(): Backend {
  let url: Promise<string> | undefined;
  const options = async (): Promise<OpenLedgerOptions> => {
    if (!TEST_URL) {
      throw new Error(
        'CI is set but MLGRADE_TEST_DATABASE_URL is not: start PostgreSQL with `export MLGRADE_TEST_DATABASE_URL="$(bash .ci/start-postgres.sh)"` and run the store tests again.',
      );
    }
    url ??= createSchema(TEST_URL);
    return { databaseUrl: await url };
  };
  return { name: 'postgres', options, open: async () => openLedger(await options()) };
}

async function createSchema(baseUrl: string): Promise<string> {
  const schema = `t_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: baseUrl });
    await dropper.connect();
    await dropper.query(`DROP SCHEMA ${schema} CASCADE`);
    await dropper.end();
  });
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** The backends to run: PGlite always; PostgreSQL when configured, or on CI (where it then fails). */
export function backends(): (() => Backend)[] {
  return TEST_URL || process.env.CI ? [pgliteBackend, postgresBackend] : [pgliteBackend];
}

/** A push attempt in a repository of its own (so tests sharing one database do not see each other). */
export function newAttempt(overrides: Partial<NewAttempt> = {}): NewAttempt {
  return {
    courseId: 'cs329s',
    assignmentId: 'm4',
    repository: `cs329s/m4-${randomUUID().slice(0, 8)}`,
    repositoryId: 5_000_000_001,
    studentId: 4_000_000_002,
    studentLogin: 'ada',
    sha: 'a'.repeat(40),
    trigger: 'push',
    deliveryId: randomUUID(),
    ...overrides,
  };
}

/**
 * Two ledgers on one backend's database, opened before the suite's tests and closed after: two
 * processes (replicas) on PostgreSQL; PGlite is one process, so there the same ledger twice.
 */
export function useLedgerPair(backend: Backend): { ledger(): Ledger; replica(): Ledger } {
  let ledger: Ledger | undefined;
  let replica: Ledger | undefined;
  beforeAll(async () => {
    ledger = await backend.open();
    replica = backend.name === 'postgres' ? await backend.open() : ledger;
  });
  afterAll(async () => {
    if (replica !== ledger) await replica?.close();
    await ledger?.close();
  });
  return { ledger: () => ledger!, replica: () => replica! };
}
