import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrations.js';
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
        expect(applied.flat()).toEqual([1, 2, 3]);
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
        expect(rows.map((r) => Number(r.version))).toEqual([1, 2, 3]);
        expect(await migrate(client)).toEqual([]);
        await client.query(`INSERT INTO schema_migrations VALUES (99, 'from the future', now())`);
        await expect(migrate(client)).rejects.toThrow(/version 99, newer than this build knows \(3\)/);
      } finally {
        await client.close();
      }
    });
  },
);
