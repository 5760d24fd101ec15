/** The comment kept per pull request and assignment, in the ledger every replica reads. */
import { describe, expect, it } from 'vitest';
import { backends, useLedgerPair } from './ledger-backends.js';

describe.each(backends().map((make) => [make().name, make] as const))(
  'pull-request comments (%s)',
  (_name, make) => {
    const pair = useLedgerPair(make());
    const ledger = () => pair.ledger();
    /** A second process on the same database (PostgreSQL); PGlite is one process, so the same ledger. */
    const replica = () => pair.replica();

    it('remembers, replaces and forgets; repositories match whatever their case', async () => {
      const place = { repository: 'ml-course/M4-Alice', pullRequest: 3, assignmentId: 'milestone-4' };
      expect(await ledger().comments.get(place)).toBeUndefined();
      await ledger().comments.set(place, { id: 8001, hash: 'h1' });
      expect(await replica().comments.get({ ...place, repository: 'ml-course/m4-alice' })).toEqual({
        id: 8001,
        hash: 'h1',
      });
      await replica().comments.set(place, { id: 8001, hash: 'h2' });
      expect(await ledger().comments.get(place)).toEqual({ id: 8001, hash: 'h2' });
      expect(await ledger().comments.get({ ...place, assignmentId: 'milestone-5' })).toBeUndefined();
      await ledger().comments.forget(place);
      expect(await replica().comments.get(place)).toBeUndefined();
    });
  },
);
