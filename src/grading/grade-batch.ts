/**
 * Grading many submissions in one process: a bounded pool of concurrent gradings (checks run their
 * heavy work in child processes and sandboxes, so concurrency pays), one failure never stopping the
 * rest, and a resume that skips what an earlier run already finished. The caller says how to grade
 * one, where its result lives and how to tell it is done; the pool reports progress as it goes.
 */

/** One unit of work. */
export interface BatchItem {
  /** A name unique in the batch (the submission directory's name). */
  name: string;
}

/** What became of one item. */
export type BatchOutcome<R> =
  | { name: string; status: 'graded'; result: R; seconds: number }
  | { name: string; status: 'resumed'; result: R }
  | { name: string; status: 'failed'; error: string; seconds: number };

/** Progress after each item. */
export interface BatchProgress {
  done: number;
  total: number;
  failed: number;
  /** Seconds since the batch started. */
  elapsed: number;
}

/** How to run a batch. */
export interface BatchOptions<I extends BatchItem, R> {
  concurrency: number;
  /** Grades one item; a throw marks it failed and the batch goes on. */
  grade: (item: I) => Promise<R>;
  /** The result an earlier run left, if it finished this item (resume); undefined to grade it. */
  done?: (item: I) => Promise<R | undefined>;
  onProgress?: (progress: BatchProgress, outcome: BatchOutcome<R>) => void;
  /**
   * Items that must run alone (nothing else grading at the time), e.g. those whose score reads a
   * latency: a concurrent grading would slow them and cost the student points.
   */
  exclusive?: (item: I) => boolean;
  /**
   * Longest one item may take (ms). Past it the item is failed as hung and its place goes to the
   * next; whatever it was doing is left to its own limits (sandbox timeouts, inference budgets).
   */
  timeoutMs?: number;
}

/** An item that did not finish within {@link BatchOptions.timeoutMs}. */
export class ItemTimeoutError extends Error {
  override name = 'ItemTimeoutError';
}

/** Lets ordinary items run together and an exclusive one alone; a waiting exclusive item goes first. */
class SoloGate {
  #active = 0;
  #solo = false;
  #soloWaiting = 0;
  #waiters: (() => void)[] = [];

  async enter(solo: boolean): Promise<void> {
    if (solo) this.#soloWaiting++;
    while (this.#solo || (solo ? this.#active > 0 : this.#soloWaiting > 0)) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (solo) {
      this.#soloWaiting--;
      this.#solo = true;
    }
    this.#active++;
  }

  leave(solo: boolean): void {
    this.#active--;
    if (solo) this.#solo = false;
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** Grades every item with at most `concurrency` at a time; outcomes come back in the items' order. */
export async function gradeBatch<I extends BatchItem, R>(
  items: readonly I[],
  options: BatchOptions<I, R>,
): Promise<BatchOutcome<R>[]> {
  const outcomes: BatchOutcome<R>[] = new Array(items.length);
  const started = performance.now();
  let next = 0;
  let done = 0;
  let failed = 0;
  const gate = new SoloGate();
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      const solo = options.exclusive?.(item) ?? false;
      await gate.enter(solo);
      let outcome: BatchOutcome<R>;
      try {
        outcome = await one(item, options);
      } finally {
        gate.leave(solo);
      }
      outcomes[index] = outcome;
      done++;
      if (outcome.status === 'failed') failed++;
      options.onProgress?.(
        { done, total: items.length, failed, elapsed: (performance.now() - started) / 1000 },
        outcome,
      );
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}

async function one<I extends BatchItem, R>(item: I, options: BatchOptions<I, R>): Promise<BatchOutcome<R>> {
  const earlier = await options.done?.(item).catch(() => undefined);
  if (earlier !== undefined) return { name: item.name, status: 'resumed', result: earlier };
  const start = performance.now();
  try {
    const result = await withTimeout(options.grade(item), options.timeoutMs);
    return { name: item.name, status: 'graded', result, seconds: (performance.now() - start) / 1000 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: item.name, status: 'failed', error: message, seconds: (performance.now() - start) / 1000 };
  }
}

/** `work`, or an {@link ItemTimeoutError} after `ms` (the timer never keeps the process alive). */
function withTimeout<R>(work: Promise<R>, ms: number | undefined): Promise<R> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ItemTimeoutError(
            `did not finish within ${Math.round(ms / 1000)} s (a check hung); the others went on`,
          ),
        ),
      ms,
    );
    timer.unref();
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
