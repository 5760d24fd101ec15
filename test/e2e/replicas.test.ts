/**
 * Two replicas of the app on one PostgreSQL, every delivery sent to both with one delivery id (as
 * when a load balancer retries, or an operator redelivers to the other replica), through the load
 * harness (load-scenario.ts; bench/faults.ts runs it larger). 40 pushes from 20 students, half of
 * them pushing three times; time scaled 120×.
 *
 * Invariants: every student's newest push graded once: no commit with two check runs, no PR with two
 * comments (the ledger, not a process, keeps them single), no check run left open, and the two
 * replicas together within GitHub's limits (one budget in the ledger).
 *
 * PostgreSQL comes from MLGRADE_TEST_DATABASE_URL (a database of its own, dropped afterwards); on CI
 * a missing URL is a failure. Without PostgreSQL (a fresh machine) two processes cannot share a
 * ledger (PGlite is one process's), so the same invariants are checked with every delivery sent twice
 * at once to one process on PGlite: duplicate deliveries, one budget, one comment per PR.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLoadScenario } from './load-scenario.js';
import { scratchDatabase } from './scratch-database.js';

const ROOT = path.resolve('.');
const url = process.env.MLGRADE_TEST_DATABASE_URL;
const withPostgres = Boolean(url || process.env.CI);

describe('the same deliveries twice at once', () => {
  it(`${withPostgres ? 'two replicas on one PostgreSQL' : 'one process on PGlite'} grade every student’s newest push exactly once, within one write budget`, async () => {
    if (withPostgres && !url)
      throw new Error(
        'CI is set but MLGRADE_TEST_DATABASE_URL is not: start PostgreSQL with `export MLGRADE_TEST_DATABASE_URL="$(bash .ci/start-postgres.sh)"`.',
      );
    const database = url ? await scratchDatabase(ROOT, url) : undefined;
    try {
      const figures = await runLoadScenario(ROOT, {
        name: 'e2e replicas',
        students: 20,
        repeaters: 10,
        pushesPerRepeater: 3,
        burstMs: 3_000,
        scale: 120,
        ...(database ? { replicas: 2, databaseUrl: database.url } : { copies: 2 }),
        drainTimeoutMs: 90_000,
        settleMs: 1_500,
      });
      const { appOutput, ...shown } = figures as typeof figures & { appOutput?: string };
      console.log(`replica figures: ${JSON.stringify(shown)}`);
      const context = `${JSON.stringify(shown)}\n${appOutput ?? ''}`;
      expect(figures.failures, context).toEqual([]);
      expect(figures.pushes.received, context).toBe(40);
      // Every copy was answered: the same push reached each replica (or the one process twice).
      expect(figures.ackMs.n, context).toBe(80);
      expect(figures.studentsLatestGraded, context).toBe(20);
    } finally {
      await database?.drop();
    }
  }, 150_000);
});
