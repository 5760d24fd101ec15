/**
 * Opens the ledger: PostgreSQL through a `pg` pool when a database URL is given (or `DATABASE_URL` is
 * set), otherwise embedded PGlite in `.mlgrade/ledger`. Either way the migrations run before it returns.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Ledger, OpenLedgerOptions } from './ledger-types.js';
import { migrate } from './migrations.js';
import { pgliteClient, pgPoolClient, type SqlClient } from './sql-client.js';
import { SqlLedger } from './sql-ledger.js';

/** Where PGlite keeps its files when no `dataDir` is given (relative to the working directory). */
export const DEFAULT_LEDGER_DIR = '.mlgrade/ledger';

/** Opens (and migrates) the ledger; close it with `ledger.close()`. */
export async function openLedger(options: OpenLedgerOptions = {}): Promise<Ledger> {
  return new SqlLedger(await openMigratedSqlClient(options));
}

/** The SQL client `openLedger` uses, migrated (for reads the `Ledger` interface does not offer). */
export async function openMigratedSqlClient(options: OpenLedgerOptions = {}): Promise<SqlClient> {
  const client = await openSqlClient(options);
  try {
    await migrate(client);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new Error(`Could not prepare the ledger (${client.engine}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  return client;
}

/** The SQL client `openLedger` would use, unmigrated; for tools and tests. */
export async function openSqlClient(options: OpenLedgerOptions = {}): Promise<SqlClient> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl });
    // An idle connection dropped by the server emits 'error' on the pool; unhandled, it would end the app.
    pool.on('error', (error) =>
      console.warn(`mlgrade ledger: idle PostgreSQL connection failed: ${error.message}`),
    );
    return pgPoolClient(pool);
  }
  const dataDir = options.dataDir ?? DEFAULT_LEDGER_DIR;
  mkdirSync(dataDir, { recursive: true });
  return pgliteClient(await PGlite.create(dataDir));
}
