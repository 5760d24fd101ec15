/**
 * The one policy for talking to GitHub, as an Octokit `request` hook:
 * `octokit.hook.wrap('request', scheduler.wrap)`.
 *
 * 1. Content-creating requests (anything but GET/HEAD) run one at a time, each taking a slot of the
 *    write budget first (write-budget.ts: 80 in any rolling minute, 500 in any hour, paced; shared
 *    by the app's replicas through the ledger): GitHub's secondary limits punish bursts.
 * 2. When GitHub says wait (`retry-after`, an exhausted `x-ratelimit-reset`, a secondary limit), every
 *    request through this scheduler waits until then, reads too.
 * 3. 5xx and network failures back off exponentially with jitter; 4xx other than rate limits fail at once.
 * 4. After `maxRetries` retries the last error is thrown, its message saying what was tried. A write is
 *    never dropped: one failing write does not stop the queue behind it.
 * 5. A create retried after a 5xx or a lost connection first looks for what the failed try may have
 *    created, when the caller says how ({@link FIND_EXISTING}): no duplicate check runs or comments.
 */
import { classifyFailure, exhaustedWaitMs } from './rate-limit-headers.js';
import { RollingWindow } from './rate-limit-window.js';
import { githubWriteLimits, memoryWriteBudget, type WriteBudget } from './write-budget.js';

/** Tuning and test seams; every field has a production default. */
export interface WriteSchedulerOptions {
  /** Content-creating requests allowed to start in any `windowMs` (default 80). */
  writesPerMinute?: number;
  /** Length of the rolling window (default 60 000 ms). */
  windowMs?: number;
  /**
   * The budget writes take slots from (default: in memory, `writesPerMinute` per `windowMs`, 500 per
   * 60 windows, no pacing). The app passes the ledger's, shared by its replicas.
   */
  budget?: WriteBudget;
  /** Retries after the first try (default 5). */
  maxRetries?: number;
  /** First backoff delay; doubles with each retry (default 1 000 ms). */
  baseDelayMs?: number;
  /** Cap on one backoff delay (default 60 000 ms). Rate-limit waits are not capped: GitHub sets them. */
  maxDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); for jitter. */
  random?: () => number;
  /** Told about every wait (for logs). */
  onWait?: (wait: {
    reason: 'write-window' | 'rate-limit' | 'backoff';
    ms: number;
    method: string;
    url: string;
  }) => void;
}

/** Counters for benchmarks and logs; they only grow. */
export interface WriteSchedulerMetrics {
  /** Requests sent (each try counts), by HTTP method. */
  requests: Record<string, number>;
  retries: number;
  /** Times a request waited before being sent (write window, rate limit or backoff). */
  waits: number;
  waitedMs: number;
  /** Requests that failed after all retries. */
  gaveUp: number;
}

/** What the scheduler holds right now (read-only; for the app's /metrics). */
export interface WriteSchedulerLoad {
  /** Writes accepted and not yet finished: the one in flight plus those queued behind it. */
  queuedWrites: number;
  /** Writes started in the current rolling window. */
  writesInWindow: number;
  /** Writes allowed per window (`writesPerMinute`). */
  writesPerWindow: number;
  windowMs: number;
}

/** The hook and its counters. */
export interface WriteScheduler {
  /** Pass to `octokit.hook.wrap('request', …)`. */
  wrap<O, R>(request: (options: O) => R | Promise<R>, options: O): Promise<R>;
  readonly metrics: WriteSchedulerMetrics;
  /** The queue and the window as of now. */
  load(): WriteSchedulerLoad;
}

const READS = new Set(['GET', 'HEAD']);

type Settings = Required<Omit<WriteSchedulerOptions, 'writesPerMinute' | 'windowMs' | 'budget'>>;
type WaitReason = 'write-window' | 'rate-limit' | 'backoff';

/** Creates a scheduler; share one per process so every client obeys the same window and pauses. */
export function createWriteScheduler(options: WriteSchedulerOptions = {}): WriteScheduler {
  return new Scheduler(options);
}

class Scheduler implements WriteScheduler {
  readonly metrics: WriteSchedulerMetrics = { requests: {}, retries: 0, waits: 0, waitedMs: 0, gaveUp: 0 };
  private readonly settings: Settings;
  /** This process's writes in the window (for /metrics; the budget may count other replicas' too). */
  private readonly window: RollingWindow;
  private readonly budget: WriteBudget;
  /** No request is sent before this time (epoch ms): GitHub asked us to wait. */
  private pausedUntil = 0;
  /** Tail of the write queue. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Writes in the queue, counted apart because the chain of promises cannot be measured. */
  private queuedWrites = 0;
  private readonly windowMs: number;
  private readonly perWindow: number;

  constructor(options: WriteSchedulerOptions) {
    this.settings = {
      maxRetries: options.maxRetries ?? 5,
      baseDelayMs: options.baseDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? 60_000,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      onWait: options.onWait ?? (() => {}),
    };
    this.windowMs = options.budget?.limits.windowMs ?? options.windowMs ?? 60_000;
    const perWindow = options.budget?.limits.perWindow ?? options.writesPerMinute ?? 80;
    this.budget =
      options.budget ?? memoryWriteBudget({ ...githubWriteLimits(perWindow, this.windowMs), gapMs: 0 });
    // Counts can exceed the budget's limit here only if the budget is shared; capacity is for display.
    this.window = new RollingWindow(Number.MAX_SAFE_INTEGER, this.windowMs);
    this.perWindow = perWindow;
  }

  load(): WriteSchedulerLoad {
    return {
      queuedWrites: this.queuedWrites,
      writesInWindow: this.window.count(this.settings.now()),
      writesPerWindow: this.perWindow,
      windowMs: this.windowMs,
    };
  }

  // An arrow property, so `scheduler.wrap` can be handed to Octokit without binding.
  readonly wrap = <O, R>(request: (options: O) => R | Promise<R>, requestOptions: O): Promise<R> => {
    const call = describeCall(requestOptions);
    if (!call.write) return this.send(request, requestOptions, call);
    // One write at a time, in arrival order; a failed write must not break the chain for the next.
    this.queuedWrites += 1;
    const result = this.writes
      .then(() => this.send(request, requestOptions, call))
      .finally(() => {
        this.queuedWrites -= 1;
      });
    this.writes = result.catch(() => undefined);
    return result;
  };

  private async send<O, R>(
    request: (options: O) => R | Promise<R>,
    requestOptions: O,
    call: Call,
  ): Promise<R> {
    for (let retry = 0; ; retry++) {
      await this.waitTurn(call);
      this.metrics.requests[call.method] = (this.metrics.requests[call.method] ?? 0) + 1;
      try {
        const response = await request(requestOptions);
        this.pauseIfExhausted(response);
        return response;
      } catch (error) {
        const verdict = classifyFailure(error, this.settings.now());
        if (verdict.kind === 'fatal') throw error;
        if (retry >= this.settings.maxRetries) {
          this.metrics.gaveUp += 1;
          throw givingUp(error, call, retry + 1);
        }
        this.metrics.retries += 1;
        if (verdict.kind === 'rate-limited') this.pauseFor(verdict.waitMs);
        else {
          await this.wait('backoff', backoffMs(retry, this.settings), call);
          // A 5xx or a lost connection may come after GitHub created the object: look before creating again.
          const existing = await findExisting(requestOptions)?.();
          if (existing !== undefined) return existing as R;
        }
      }
    }
  }

  /** Waits out any rate-limit pause and, for writes, takes a slot of the write budget. */
  private async waitTurn(call: Call): Promise<void> {
    for (;;) {
      const now = this.settings.now();
      if (this.pausedUntil > now) {
        await this.wait('rate-limit', this.pausedUntil - now, call);
        continue;
      }
      if (!call.write) return;
      const budgetDelay = await this.budget.take(now);
      if (budgetDelay <= 0) break;
      await this.wait('write-window', budgetDelay, call);
    }
    this.window.record(this.settings.now());
  }

  /** A success that spent the last of the primary limit: pause now rather than collect a 403 next. */
  private pauseIfExhausted(response: unknown): void {
    const waitMs = exhaustedWaitMs(response, this.settings.now());
    if (waitMs !== undefined) this.pauseFor(waitMs);
  }

  private pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.settings.now() + ms);
  }

  private async wait(reason: WaitReason, ms: number, call: Call): Promise<void> {
    this.metrics.waits += 1;
    this.metrics.waitedMs += ms;
    this.settings.onWait({ reason, ms, method: call.method, url: call.url });
    await this.settings.sleep(ms);
  }
}

/**
 * The request option that makes a create idempotent across retries: `request: { [FIND_EXISTING]:
 * () => Promise<response | undefined> }` looks for what an earlier try may have created (a check run
 * by its `external_id`, a comment by its marker); a response found is returned instead of retrying.
 */
export const FIND_EXISTING = 'mlgradeFindExisting';

function findExisting(options: unknown): (() => Promise<unknown>) | undefined {
  const request = (options as { request?: Record<string, unknown> } | null)?.request;
  const find = request?.[FIND_EXISTING];
  return typeof find === 'function' ? (find as () => Promise<unknown>) : undefined;
}

interface Call {
  method: string;
  url: string;
  write: boolean;
}

function describeCall(options: unknown): Call {
  const { method, url } = (options ?? {}) as { method?: unknown; url?: unknown };
  const upper = typeof method === 'string' ? method.toUpperCase() : 'GET';
  return { method: upper, url: typeof url === 'string' ? url : '(unknown url)', write: !READS.has(upper) };
}

/** Exponential backoff with jitter: between half and all of base·2^retry, capped. */
function backoffMs(
  retry: number,
  settings: { baseDelayMs: number; maxDelayMs: number; random: () => number },
) {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (settings.random() * ceiling) / 2);
}

/** The last error, keeping its class and status (callers branch on them), with a message that says what was tried. */
function givingUp(error: unknown, call: Call, tries: number): Error {
  const prefix = `GitHub ${call.method} ${call.url} failed ${tries} times; giving up`;
  if (error instanceof Error) {
    error.message = `${prefix}: ${error.message}`;
    return error;
  }
  return new Error(`${prefix}: ${String(error)}`, { cause: error });
}
