/**
 * A submission's attempt is recorded in one transaction under a lock on its repository and
 * assignment: the announcement of its check run with it, older queued attempts superseded with the
 * writes that close them, and the attempt budget applied. Before, pushes handled at the same time
 * could each miss the other (read-then-insert): on PostgreSQL two handlers, each on its own
 * connection, both left their attempt queued.
 */
import { describe, expect, it } from 'vitest';
import type { Attempt, SubmissionRules } from '../../src/store/ledger-types.js';
import type { OutboxPut } from '../../src/store/outbox.js';
import { backends, newAttempt, useLedgerPair } from './ledger-backends.js';

/** Rules whose writes say what they are, keyed like the app's: one key per attempt's check run. */
const rules: SubmissionRules = {
  announce: (attempt) => [write(attempt, 'announce', 5)],
  closing: (old, by) => [write(old, `superseded by ${by.sha.slice(0, 7)}`, 10)],
};
function write(attempt: Attempt, what: string, priority: number): OutboxPut {
  return {
    key: `check_run:${attempt.repository}:attempt:${attempt.id}`,
    kind: 'check_run',
    repository: attempt.repository,
    attemptId: attempt.id,
    payload: { what },
    priority,
  };
}
const sha = (n: number) => String(n).padStart(40, '0');

describe.each(backends().map((make) => [make().name, make] as const))(
  'recording submissions (%s)',
  (_name, make) => {
    const pair = useLedgerPair(make());
    const ledger = () => pair.ledger();
    /** A second process on the same database (PostgreSQL); PGlite is one process, so the same ledger. */
    const replica = () => pair.replica();

    it('stores the attempt with its announcement; a newer push supersedes it, the closing write replacing the announcement', async () => {
      const first = await ledger().recordSubmission(newAttempt({ sha: sha(1) }), rules);
      if ('refused' in first) throw new Error('refused');
      expect(first).toMatchObject({ created: true, superseded: [] });
      expect((await ledger().outbox.ofAttempt(first.attempt.id)).map((row) => row.payload)).toEqual([
        { what: 'announce' },
      ]);

      const second = await ledger().recordSubmission(
        newAttempt({ repository: first.attempt.repository, sha: sha(2) }),
        rules,
      );
      if ('refused' in second) throw new Error('refused');
      expect(second.superseded.map((attempt) => attempt.id)).toEqual([first.attempt.id]);
      expect((await ledger().getAttempt(first.attempt.id))?.state).toBe('superseded');
      // One row for the older attempt's check run: the closing write, sent at the announcement's priority.
      const rows = await ledger().outbox.ofAttempt(first.attempt.id);
      expect(rows.map((row) => [row.payload, row.priority])).toEqual([
        [{ what: 'superseded by 0000000' }, 5],
      ]);

      // The same commit again (its pull request after its push): found, nothing stored.
      const again = await ledger().recordSubmission(
        newAttempt({ repository: first.attempt.repository, sha: sha(2) }),
        rules,
      );
      expect(again).toMatchObject({ created: false, superseded: [], attempt: { id: second.attempt.id } });
      expect(await ledger().outbox.ofAttempt(second.attempt.id)).toHaveLength(1);
    });

    it('refuses when the rule says the budget is used, storing nothing', async () => {
      const repository = newAttempt().repository;
      const done = await ledger().createAttempt(newAttempt({ repository, sha: sha(3) }));
      await ledger().updateAttempt(done.attempt.id, { state: 'completed' });
      const seen: unknown[] = [];
      const refused = await ledger().recordSubmission(newAttempt({ repository, sha: sha(4) }), {
        ...rules,
        refuse: (budget) => {
          seen.push(budget);
          return budget.graded >= 1;
        },
      });
      expect(refused).toEqual({ refused: { graded: 1, running: 0, commitAttempted: false } });
      expect(seen).toHaveLength(1);
      expect((await ledger().attemptBudget(repository, 'm4', sha(4))).commitAttempted).toBe(false);
    });

    it('ten pushes of one student at once, over two connections, leave exactly one attempt queued', async () => {
      const repository = newAttempt().repository;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          (n % 2 ? replica() : ledger()).recordSubmission(
            newAttempt({ repository, sha: sha(100 + n) }),
            rules,
          ),
        ),
      );
      const ids = results.map((result) => ('refused' in result ? '' : result.attempt.id));
      const states = await Promise.all(ids.map(async (id) => (await ledger().getAttempt(id))?.state));
      expect(states.filter((state) => state === 'queued')).toHaveLength(1);
      expect(states.filter((state) => state === 'superseded')).toHaveLength(9);
      // Every superseded attempt's check run is closed; the queued one is announced.
      for (const [n, id] of ids.entries()) {
        const [row] = await ledger().outbox.ofAttempt(id);
        const what = (row!.payload as { what: string }).what;
        if (states[n] === 'queued') expect(what).toBe('announce');
        else expect(what).toMatch(/^superseded by /);
      }
    });
  },
);
