/**
 * The app's Prometheus metrics (prom-client), one registry per app so that tests can build several.
 * Gauges are read at scrape time from what the app already holds (the ledger, the write scheduler,
 * the dispatcher, the background tasks), so nothing has to be kept in step by hand.
 */
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptState } from '../store/ledger-types.js';
import type { DeliveryObserver } from './deliveries.js';

/** Every attempt state, so a state with no attempts is reported as 0 rather than missing. */
const ATTEMPT_STATES = [
  'queued',
  'dispatched',
  'running',
  'completed',
  'timed_out',
  'superseded',
  'infra_error',
  'invalid_results',
] as const satisfies readonly AttemptState[];

/** The write scheduler's queue and window, when the app has one (tests may bring their own hook). */
export interface WriteLoad {
  queuedWrites: number;
  writesInWindow: number;
  writesPerWindow: number;
}

/** Where the metrics are read from at scrape time. */
export interface MetricSources {
  /** One COUNT … GROUP BY on the ledger; may fail when the database is away. */
  attemptsByState(): Promise<Partial<Record<AttemptState, number>>>;
  writeLoad(): WriteLoad | undefined;
  /** Attempts waiting in the dispatcher's next batch. */
  dispatchPending(): number;
  backgroundTasks(): number;
  webhooksInFlight(): number;
  /** Outbox rows by state (shared by all replicas); may fail when the database is away. */
  outboxByState(): Promise<Record<'pending' | 'done' | 'given_up', number>>;
}

/** The registry to serve and the observer to give the delivery tracker. */
export interface AppMetrics {
  registry: Registry;
  observeDelivery: DeliveryObserver;
}

/** Names of the metrics, for docs/deploy.md and tests. */
export const METRIC_NAMES = {
  attempts: 'mlgrade_attempts',
  ledgerUp: 'mlgrade_ledger_up',
  writeQueue: 'mlgrade_github_write_queue_depth',
  writesLastMinute: 'mlgrade_github_writes_last_minute',
  writeBudget: 'mlgrade_github_write_budget_remaining',
  dispatchPending: 'mlgrade_dispatch_pending_attempts',
  backgroundTasks: 'mlgrade_background_tasks_in_flight',
  webhooksInFlight: 'mlgrade_webhooks_in_flight',
  webhookDuration: 'mlgrade_webhook_duration_seconds',
  outbox: 'mlgrade_outbox_writes',
} as const;

/** Builds the registry: the metrics above plus prom-client's process and Node.js defaults. */
export function createMetrics(sources: MetricSources): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // The two gauges below are collected concurrently within a scrape: they share one query.
  let counting: Promise<Partial<Record<AttemptState, number>> | undefined> | undefined;
  const countAttempts = () => {
    counting ??= sources.attemptsByState().then(
      (counts) => counts,
      // A scrape must still answer while the database is away; readiness says why.
      () => undefined,
    );
    const current = counting;
    void current.then(() => setImmediate(() => (counting = undefined)));
    return current;
  };
  new Gauge({
    name: METRIC_NAMES.attempts,
    help: 'Attempts in the ledger by state (all replicas: the ledger is shared)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await countAttempts();
      this.reset();
      if (counts) for (const state of ATTEMPT_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: METRIC_NAMES.ledgerUp,
    help: '1 when this scrape could count attempts in the ledger, 0 when the database did not answer',
    registers: [registry],
    async collect() {
      this.set((await countAttempts()) ? 1 : 0);
    },
  });
  new Gauge({
    name: METRIC_NAMES.outbox,
    help: 'GitHub writes in the ledger outbox by state: pending (to send), given_up (failed repeatedly; retried hourly), done',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await sources.outboxByState().catch(() => undefined);
      this.reset();
      if (counts) for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
    },
  });
  const writeGauge = (name: string, help: string, read: (load: WriteLoad) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const load = sources.writeLoad();
        if (load) this.set(read(load));
      },
    });
  writeGauge(
    METRIC_NAMES.writeQueue,
    'GitHub writes queued in this process (the one in flight included)',
    (l) => l.queuedWrites,
  );
  writeGauge(
    METRIC_NAMES.writesLastMinute,
    'GitHub content-creating requests started in the last rolling minute by this process',
    (l) => l.writesInWindow,
  );
  writeGauge(
    METRIC_NAMES.writeBudget,
    'GitHub writes this process may still start in the current rolling minute',
    (l) => Math.max(0, l.writesPerWindow - l.writesInWindow),
  );
  const simple = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  simple(METRIC_NAMES.dispatchPending, 'Attempts waiting for the next grader dispatch', () =>
    sources.dispatchPending(),
  );
  simple(METRIC_NAMES.backgroundTasks, 'Background tasks (LMS syncs, rescoring) running', () =>
    sources.backgroundTasks(),
  );
  simple(METRIC_NAMES.webhooksInFlight, 'Webhook deliveries being handled', () => sources.webhooksInFlight());
  const duration = new Histogram({
    name: METRIC_NAMES.webhookDuration,
    help: 'Time from a delivery reaching the handlers to its handling finishing, by event and outcome',
    labelNames: ['event', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    observeDelivery: (event, outcome, seconds) => duration.observe({ event, outcome }, seconds),
  };
}
