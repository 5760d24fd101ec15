/**
 * How many GitHub writes may start, and when: GitHub's secondary limits (about 80 content-creating
 * requests a minute and 500 an hour for an app) and its advice to pace writes. One process keeps
 * its budget in memory ({@link memoryWriteBudget}); the app's replicas share one in the ledger
 * (store/write-slots.ts), since GitHub counts the app's writes, not a process's.
 */
import { RollingWindow } from './rate-limit-window.js';

/** The limits, in the scheduler's clock. */
export interface WriteLimits {
  /** Writes allowed in any rolling `windowMs` (GitHub: 80 a minute). */
  perWindow: number;
  windowMs: number;
  /** Writes allowed in any rolling `hourMs` (GitHub: 500 an hour). */
  perHour: number;
  hourMs: number;
  /** Least time between two writes; 0 for none. */
  gapMs: number;
}

/** A budget writes take slots from. */
export interface WriteBudget {
  readonly limits: WriteLimits;
  /** Takes a slot at `nowMs` and returns 0, or returns how long to wait before asking again. */
  take(nowMs: number): Promise<number>;
}

/**
 * GitHub's documented limits, with `windowMs` standing for its minute (load tests scale time by
 * shortening it; the hour is 60 such windows) and writes paced evenly across the window.
 */
export function githubWriteLimits(perWindow = 80, windowMs = 60_000, perHour = 500): WriteLimits {
  return { perWindow, windowMs, perHour, hourMs: windowMs * 60, gapMs: Math.floor(windowMs / perWindow) };
}

/** A budget in this process's memory. */
export function memoryWriteBudget(limits: WriteLimits): WriteBudget {
  const minute = new RollingWindow(limits.perWindow, limits.windowMs);
  const hour = new RollingWindow(limits.perHour, limits.hourMs);
  let last = Number.NEGATIVE_INFINITY;
  return {
    limits,
    async take(nowMs) {
      const delay = Math.max(minute.delayMs(nowMs), hour.delayMs(nowMs), last + limits.gapMs - nowMs);
      if (delay > 0) return delay;
      minute.record(nowMs);
      hour.record(nowMs);
      last = nowMs;
      return 0;
    },
  };
}
