/**
 * `npm run bench:burst`: the night before the deadline against the real app and an honest GitHub
 * fake — 1,000 pushes from 500 student repositories within a minute. Half the students push once,
 * the other half three times (each later push superseding the earlier ones), which makes 1,000
 * pushes from 500 repositories. Time is scaled 120×: GitHub's 80 writes a minute and 500 an hour
 * become 80 per 0.5 s and 500 per 30 s, enforced by the fake, and the app's budget and timings are
 * divided the same way; at ~4 writes a push (today) the floor for 4,000 writes is then 4 minutes.
 */
import { runLoadBench } from './load-bench.js';

const STUDENTS = Number(process.env.MLGRADE_BENCH_STUDENTS ?? 500);
const SCALE = Number(process.env.MLGRADE_BENCH_SCALE ?? 120);

await runLoadBench('burst', [
  async () => ({
    scenario: {
      name: `burst: ${STUDENTS * 2} pushes from ${STUDENTS} repositories, honest fake`,
      students: STUDENTS,
      repeaters: STUDENTS / 2,
      pushesPerRepeater: 3,
      burstMs: 50_000,
      scale: SCALE,
      drainTimeoutMs: 9 * 60_000,
    },
  }),
]);
