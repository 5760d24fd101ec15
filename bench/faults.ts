/**
 * `npm run bench:faults`: the burst with faults, then two replicas, against the real app processes
 * and the GitHub fake on 127.0.0.1 (time scaled 120×, as in bench/burst.ts).
 *
 * 1. Faults, one process on PGlite: 10% of API requests answered 502 (half of the POSTs after their
 *    effect), 3% of writes a secondary-limit 403 and 3% of requests a 429, both with retry-after;
 *    5% of requests slow (2 s); the second run's artifacts expired (410 on download); the fourth
 *    run never starts; SIGKILL of the app a third into the burst and a new process on the same ledger.
 * 2. Replicas: two processes on one PostgreSQL, every delivery sent to both with one delivery id.
 *    PostgreSQL from MLGRADE_TEST_DATABASE_URL, else a throwaway server from .ci/start-postgres.sh.
 */
import { packageRoot } from '../src/package-root.js';
import { scratchDatabase } from '../test/e2e/scratch-database.js';
import { runLoadBench } from './load-bench.js';

const STUDENTS = Number(process.env.MLGRADE_BENCH_STUDENTS ?? 150);
const SCALE = Number(process.env.MLGRADE_BENCH_SCALE ?? 120);
const base = {
  students: STUDENTS,
  repeaters: STUDENTS / 2,
  pushesPerRepeater: 3,
  burstMs: 20_000,
  scale: SCALE,
  drainTimeoutMs: 4 * 60_000,
};

await runLoadBench('faults', [
  async () => ({
    scenario: {
      ...base,
      name: `faults: ${STUDENTS * 2} pushes, 10% 5xx, 403/429 with retry-after, slow, expired artifact, a run that never starts, SIGKILL and restart`,
      faults: {
        serverError: 0.1,
        secondaryLimit403: 0.03,
        rateLimit429: 0.03,
        retryAfterSeconds: 1,
        slow: { share: 0.05, ms: 2_000 },
        expiredArtifactRuns: [2],
        neverStartRuns: [4],
        seed: 20261125,
      },
      killAfterPushes: Math.round(STUDENTS * 0.66),
    },
  }),
  async () => {
    const database = await scratchDatabase(packageRoot(), process.env.MLGRADE_TEST_DATABASE_URL, {
      startServer: true,
    }).catch((error: Error) => error);
    if (database instanceof Error) return `replicas: no PostgreSQL (${database.message})`;
    console.log(`\nreplicas: PostgreSQL from ${database.source}`);
    return {
      scenario: {
        ...base,
        name: `replicas: ${STUDENTS * 2} pushes to two app processes on one PostgreSQL, every delivery to both`,
        replicas: 2,
        databaseUrl: database.url,
      },
      cleanup: () => database.drop(),
    };
  },
]);
