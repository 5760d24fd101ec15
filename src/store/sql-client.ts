/**
 * The tiny query interface the ledger needs, over PGlite (embedded) or a `pg` pool (PostgreSQL). Both
 * speak the same dialect and use `$1` placeholders, so the ledger has one set of SQL.
 */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/** Runs statements on one connection (or a pool). */
export interface SqlQuery {
  /** Runs one statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A connection (or pool) that can also run a transaction and be closed. */
export interface SqlClient extends SqlQuery {
  /** Which engine answers; for messages and docs only, the SQL does not depend on it. */
  readonly engine: 'pglite' | 'postgres';
  /** Runs `fn` inside BEGIN … COMMIT on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Wraps a PGlite instance. PGlite is one connection, so its own `transaction` serialises callers. */
export function pgliteClient(db: PGlite): SqlClient {
  return {
    engine: 'pglite',
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await db.query<Row>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    transaction<T>(fn: (tx: SqlQuery) => Promise<T>) {
      return db.transaction((tx) =>
        fn({
          query: async <Row>(sql: string, params: unknown[] = []) => (await tx.query<Row>(sql, params)).rows,
          exec: async (sql: string) => {
            await tx.exec(sql);
          },
        }),
      );
    },
    close: () => db.close(),
  };
}

/** Wraps a `pg` pool; a transaction checks out one client for its duration. */
export function pgPoolClient(pool: pg.Pool): SqlClient {
  return {
    engine: 'postgres',
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as Row[];
    },
    async exec(sql: string) {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: SqlQuery) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <Row>(sql: string, params: unknown[] = []) =>
            (await client.query(sql, params)).rows as Row[],
          exec: async (sql: string) => {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
