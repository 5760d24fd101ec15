/**
 * Webhook deliveries being handled: counted for /metrics, timed for the latency histogram, awaited by
 * a graceful shutdown, and refused once the shutdown has begun (a refused delivery fails, so GitHub
 * shows it as failed and it can be redelivered to a replica that is still running).
 */

/** Thrown for a delivery that arrives after shutdown began. */
export class ShuttingDownError extends Error {
  constructor() {
    super('mlgrade is shutting down; this delivery was not handled (redeliver it)');
    this.name = 'ShuttingDownError';
  }
}

/** How one delivery ended, for the histogram's `outcome` label. */
export type DeliveryOutcome = 'ok' | 'error' | 'refused';

/** Told about every finished delivery. */
export type DeliveryObserver = (event: string, outcome: DeliveryOutcome, seconds: number) => void;

/** The deliveries in flight in this process. */
export class DeliveryTracker {
  readonly #running = new Set<Promise<unknown>>();
  #draining = false;

  constructor(private readonly observe: DeliveryObserver = () => {}) {}

  /** Handles one delivery of `event` with `handle`, unless the process is shutting down. */
  run<T>(event: string, handle: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    if (this.#draining) {
      this.observe(event, 'refused', seconds());
      return Promise.reject(new ShuttingDownError());
    }
    const promise = handle().then(
      (value) => {
        this.observe(event, 'ok', seconds());
        return value;
      },
      (error: unknown) => {
        this.observe(event, 'error', seconds());
        throw error;
      },
    );
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#running.add(settled);
    void settled.finally(() => this.#running.delete(settled));
    return promise;
  }

  /** Deliveries being handled now. */
  get size(): number {
    return this.#running.size;
  }

  /** True once {@link stopAccepting} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** From now on every new delivery is refused; those in flight go on. */
  stopAccepting(): void {
    this.#draining = true;
  }

  /** Resolves when no delivery is in flight. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
