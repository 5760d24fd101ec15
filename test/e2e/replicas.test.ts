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
 * PostgreSQL comes from MLGRADE_TEST_DATABASE_URL (a database of its own, dropped afterwards). As
 * the ledger tests do (test/store/ledger-backends.ts), the test is registered where PostgreSQL is
 * configured, and on CI, where a missing URL is a failure rather than a silent skip.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLoadScenario } from './load-scenario.js';
import { scratchDatabase } from './scratch-database.js';

const ROOT = path.resolve('.');
const url = process.env.MLGRADE_TEST_DATABASE_URL;
const withPostgres = url || process.env.CI ? [url] : [];

describe('two replicas on one PostgreSQL receiving the same deliveries', () => {
  for (const serverUrl of withPostgres)
    it('grade every student’s newest push exactly once, within one write budget', async () => {
      if (!serverUrl)
        throw new Error(
          'CI is set but MLGRADE_TEST_DATABASE_URL is not: start PostgreSQL with `export MLGRADE_TEST_DATABASE_URL="$(bash .ci/start-postgres.sh)"`.',
        );
      const database = await scratchDatabase(ROOT, serverUrl);
      try {
        const figures = await runLoadScenario(ROOT, {
          name: 'e2e replicas',
          students: 20,
          repeaters: 10,
          pushesPerRepeater: 3,
          burstMs: 3_000,
          scale: 120,
          replicas: 2,
          databaseUrl: database.url,
          drainTimeoutMs: 90_000,
          settleMs: 1_500,
        });
        const { appOutput, ...shown } = figures as typeof figures & { appOutput?: string };
        console.log(`replica figures: ${JSON.stringify(shown)}`);
        const context = `${JSON.stringify(shown)}\n${appOutput ?? ''}`;
        expect(figures.failures, context).toEqual([]);
        expect(figures.pushes.received, context).toBe(40);
        // Both replicas answered every delivery: the same push reached each of them.
        expect(figures.ackMs.n, context).toBe(80);
        expect(figures.studentsLatestGraded, context).toBe(20);
      } finally {
        await database.drop();
      }
    }, 150_000);
});
