/**
 * The night before the deadline, reduced to run in `npm test` (bench/burst.ts runs it at full
 * size): the real app process against the GitHub fake on 127.0.0.1, through the load harness
 * (load-scenario.ts). 100 pushes from 50 students within 5 s, half of them pushing three times while
 * their first push is still queued; time scaled 120× (GitHub's 80 writes a minute and 500 an hour
 * enforced by the fake per 0.5 s and 30 s, the app's budget and timings scaled the same way); 5% of
 * check-run POSTs answered 502 after the check run was created and 5% of completions with a 502.
 *
 * Invariants: every push accepted, every student's newest push graded, no commit with two check
 * runs, no PR with two comments, no check run left open, no write over either limit.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLoadScenario } from './load-scenario.js';

const ROOT = path.resolve('.');

describe('a burst of pushes, with faults, against the real app', () => {
  it('grades every student’s newest push exactly once, within the write limits', async () => {
    const figures = await runLoadScenario(ROOT, {
      name: 'e2e burst',
      students: 50,
      repeaters: 25,
      pushesPerRepeater: 3,
      burstMs: 5_000,
      scale: 120,
      faults: { createAfter5xx: 0.05, update5xx: 0.05, seed: 20261125 },
      drainTimeoutMs: 100_000,
      settleMs: 1_500,
    });
    const { appOutput, ...shown } = figures as typeof figures & { appOutput?: string };
    console.log(`burst figures: ${JSON.stringify(shown)}`);
    const context = `${JSON.stringify(shown)}\n${appOutput ?? ''}`;
    expect(figures.failures, context).toEqual([]);
    expect(figures.pushes.received, context).toBe(100);
    expect(figures.studentsLatestGraded, context).toBe(50);
    // The faults did happen, so the test shows the app riding them out.
    expect(figures.injected.createAfter5xx + figures.injected.update5xx).toBeGreaterThan(0);
  }, 150_000);
});
