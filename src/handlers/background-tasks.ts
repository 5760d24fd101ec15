/**
 * Work a webhook starts but must not wait for (GitHub wants an answer within 10 seconds): an LMS
 * sync. Each task records its own progress in the ledger, so a crash leaves a visible state; the set
 * lets tests and a graceful shutdown wait for what is in flight.
 */

/** Tasks running after their webhook was answered. */
export class BackgroundTasks {
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly onError: (error: Error) => void) {}

  /** Starts `task` now; its failure goes to onError, never to the caller. */
  run(task: () => Promise<void>): void {
    const promise = task()
      .catch((error: unknown) => this.onError(error instanceof Error ? error : new Error(String(error))))
      .finally(() => this.#running.delete(promise));
    this.#running.add(promise);
  }

  /** Tasks running now (read-only; for the app's /metrics). */
  get size(): number {
    return this.#running.size;
  }

  /** Resolves when every task started so far (and any they start) has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
