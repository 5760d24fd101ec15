/** The comment kept per pull request and assignment, in the ledger every replica reads. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/store/ledger-types.js';
import { backends } from './ledger-backends.js';

describe.each(backends().map((make) => [make().name, make] as const))(
  'pull-request comments (%s)',
  (name, make) => {
    const backend = make();
    let ledger: Ledger;
    let replica: Ledger;
    beforeAll(async () => {
      ledger = await backend.open();
      replica = name === 'postgres' ? await backend.open() : ledger;
    });
    afterAll(async () => {
      if (replica !== ledger) await replica?.close();
      await ledger?.close();
    });

    it('remembers, replaces and forgets; repositories match whatever their case', async () => {
      const place = { repository: 'ml-course/M4-Alice', pullRequest: 3, assignmentId: 'milestone-4' };
      expect(await ledger.comments.get(place)).toBeUndefined();
      await ledger.comments.set(place, { id: 8001, hash: 'h1' });
      expect(await replica.comments.get({ ...place, repository: 'ml-course/m4-alice' })).toEqual({
        id: 8001,
        hash: 'h1',
      });
      await replica.comments.set(place, { id: 8001, hash: 'h2' });
      expect(await ledger.comments.get(place)).toEqual({ id: 8001, hash: 'h2' });
      expect(await ledger.comments.get({ ...place, assignmentId: 'milestone-5' })).toBeUndefined();
      await ledger.comments.forget(place);
      expect(await replica.comments.get(place)).toBeUndefined();
    });
  },
);
