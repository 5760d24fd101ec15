import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { openSqlClient } from '../../src/store/open-ledger.js';
import { backends } from './ledger-backends.js';

describe.each(backends().map((make) => [make().name, make] as const))(
  'ledger migrations (%s)',
  (_name, make) => {
    it('applies each migration once, also when two openers race', async () => {
      const backend = make();
      if (backend.name === 'postgres') {
        // Two app processes starting at once: the advisory lock makes the second wait, then do nothing.
        const ledgers = await Promise.all([backend.open(), backend.open()]);
        await Promise.all(ledgers.map((ledger) => ledger.close()));
      } else {
        // One PGlite directory belongs to one process; racing migrations share its single connection.
        const client = await openSqlClient(await backend.options());
        const applied = await Promise.all([migrate(client), migrate(client)]);
        await client.close();
        expect(applied.flat()).toEqual([1, 2, 3, 4, 5]);
      }
      const again = await backend.open();
      await again.close();
    });

    it('records versions and refuses a schema newer than this build', async () => {
      const backend = make();
      await (await backend.open()).close();
      const client = await openSqlClient(await backend.options());
      try {
        const rows = await client.query<{ version: number }>(
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        expect(rows.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5]);
        expect(await migrate(client)).toEqual([]);
        await client.query(`INSERT INTO schema_migrations VALUES (99, 'from the future', now())`);
        await expect(migrate(client)).rejects.toThrow(/version 99, newer than this build knows \(5\)/);
      } finally {
        await client.close();
      }
    });

    it('carries manual scores made before the audit trail into it as migrated rows', async () => {
      const backend = make();
      const client = await openSqlClient(await backend.options());
      try {
        expect(await migrate(client, MIGRATIONS.slice(0, 1))).toEqual([1]);
        await client.query(
          `INSERT INTO manual_scores VALUES ('o/m4-ada', 'm4', 'report', 4.5, 'good', 'prof', '2026-11-01T10:00:00Z')`,
        );
        expect(await migrate(client)).toEqual([2, 3, 4, 5]);
        const rows = await client.query<Record<string, unknown>>(
          'SELECT repository, criterion_id, points, note, entered_by, source, source_key FROM manual_score_events',
        );
        expect(rows).toEqual([
          {
            repository: 'o/m4-ada',
            criterion_id: 'report',
            points: 4.5,
            note: 'good',
            entered_by: 'prof',
            source: 'migrated',
            source_key: null,
          },
        ]);
      } finally {
        await client.close();
      }
    });
  },
);
