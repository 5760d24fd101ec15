import { describe, expect, it } from 'vitest';
import { backends, newAttempt } from './ledger-backends.js';

const LIMITS = { queuedMs: 10 * 60_000, runningMs: 30 * 60_000 };

describe.each(backends().map((make) => [make().name, make] as const))(
  'ledger after a restart (%s)',
  (_name, make) => {
    it('finds overdue attempts after the process closes and reopens the ledger', async () => {
      const backend = make();
      const before = await backend.open();
      const base = newAttempt();
      const queued = (await before.createAttempt({ ...base, sha: '1'.repeat(40) })).attempt;
      const dispatched = (await before.createAttempt({ ...base, sha: '2'.repeat(40) })).attempt;
      const running = (await before.createAttempt({ ...base, sha: '3'.repeat(40) })).attempt;
      const done = (await before.createAttempt({ ...base, sha: '4'.repeat(40) })).attempt;
      const t0 = queued.createdAt.getTime();
      await before.updateAttempt(dispatched.id, {
        state: 'dispatched',
        dispatchedAt: new Date(t0 + 5 * 60_000),
      });
      await before.updateAttempt(running.id, { state: 'running', startedAt: new Date(t0) });
      await before.updateAttempt(done.id, { state: 'completed', completedAt: new Date(t0) });
      await before.close();

      const after = await backend.open();
      try {
        const overdueAt = async (minutes: number) =>
          (await after.listOverdue(new Date(t0 + minutes * 60_000 + 1_000), LIMITS))
            .filter((a) => a.repository === base.repository)
            .map((a) => a.id);
        expect(await overdueAt(5)).toEqual([]);
        // The queued one counts from creation, the dispatched one from its dispatch.
        expect(await overdueAt(10)).toEqual([queued.id]);
        expect(await overdueAt(15)).toEqual([queued.id, dispatched.id]);
        expect(await overdueAt(30)).toEqual([queued.id, dispatched.id, running.id]);
        expect((await after.getAttempt(done.id))?.completedAt).toEqual(new Date(t0));
        expect(await after.recordDelivery(base.deliveryId!, 'push')).toBe(true);
        expect(await after.recordDelivery(base.deliveryId!, 'push')).toBe(false);
      } finally {
        await after.close();
      }
    });
  },
);
