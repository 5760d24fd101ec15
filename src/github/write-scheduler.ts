/**
 * The one policy for talking to GitHub, as an Octokit `request` hook:
 * `octokit.hook.wrap('request', scheduler.wrap)`.
 *
 * 1. Content-creating requests (anything but GET/HEAD) run one at a time, and at most
 *    `writesPerMinute` (80) start in any rolling minute: GitHub's secondary limits punish bursts.
 * 2. When GitHub says wait (`retry-after`, an exhausted `x-ratelimit-reset`, a secondary limit), every
 *    request through this scheduler waits until then, reads too.
 * 3. 5xx and network failures back off exponentially with jitter; 4xx other than rate limits fail at once.
 * 4. After `maxRetries` retries the last error is thrown, its message saying what was tried. A write is
 *    never dropped: one failing write does not stop the queue behind it.
 */
import { classifyFailure } from './rate-limit-headers.js';
import { RollingWindow } from './rate-limit-window.js';

/** Tuning and test seams; every field has a production default. */
export interface WriteSchedulerOptions {
  /** Content-creating requests allowed to start in any `windowMs` (default 80). */
  writesPerMinute?: number;
  /** Length of the rolling window (default 60 000 ms). */
  windowMs?: number;
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

/** The hook and its counters. */
export interface WriteScheduler {
  /** Pass to `octokit.hook.wrap('request', …)`. */
  wrap<O, R>(request: (options: O) => R | Promise<R>, options: O): Promise<R>;
  readonly metrics: WriteSchedulerMetrics;
}

const READS = new Set(['GET', 'HEAD']);

/** Creates a scheduler; share one per process so every client obeys the same window and pauses. */
export function createWriteScheduler(options: WriteSchedulerOptions = {}): WriteScheduler {
  const settings = {
    maxRetries: options.maxRetries ?? 5,
    baseDelayMs: options.baseDelayMs ?? 1_000,
    maxDelayMs: options.maxDelayMs ?? 60_000,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    onWait: options.onWait ?? (() => {}),
  };
  const window = new RollingWindow(options.writesPerMinute ?? 80, options.windowMs ?? 60_000);
  const metrics: WriteSchedulerMetrics = { requests: {}, retries: 0, waits: 0, waitedMs: 0, gaveUp: 0 };
  let pausedUntil = 0;
  let writes: Promise<unknown> = Promise.resolve();

  const wait = async (reason: 'write-window' | 'rate-limit' | 'backoff', ms: number, call: Call) => {
    metrics.waits += 1;
    metrics.waitedMs += ms;
    settings.onWait({ reason, ms, method: call.method, url: call.url });
    await settings.sleep(ms);
  };

  /** Waits out any rate-limit pause and, for writes, the rolling window; then claims a slot. */
  const waitTurn = async (call: Call) => {
    for (;;) {
      const now = settings.now();
      if (pausedUntil > now) {
        await wait('rate-limit', pausedUntil - now, call);
        continue;
      }
      const windowDelay = call.write ? window.delayMs(now) : 0;
      if (windowDelay <= 0) break;
      await wait('write-window', windowDelay, call);
    }
    if (call.write) window.record(settings.now());
  };

  const send = async <O, R>(request: (options: O) => R | Promise<R>, requestOptions: O, call: Call) => {
    for (let retry = 0; ; retry++) {
      await waitTurn(call);
      metrics.requests[call.method] = (metrics.requests[call.method] ?? 0) + 1;
      try {
        return await request(requestOptions);
      } catch (error) {
        const verdict = classifyFailure(error, settings.now());
        if (verdict.kind === 'fatal') throw error;
        if (retry >= settings.maxRetries) {
          metrics.gaveUp += 1;
          throw givingUp(error, call, retry + 1);
        }
        metrics.retries += 1;
        if (verdict.kind === 'rate-limited') {
          pausedUntil = Math.max(pausedUntil, settings.now() + verdict.waitMs);
        } else {
          await wait('backoff', backoffMs(retry, settings), call);
        }
      }
    }
  };

  return {
    metrics,
    wrap<O, R>(request: (options: O) => R | Promise<R>, requestOptions: O): Promise<R> {
      const call = describeCall(requestOptions);
      if (!call.write) return send(request, requestOptions, call);
      // One write at a time, in arrival order; a failed write must not break the chain for the next.
      const result = writes.then(() => send(request, requestOptions, call));
      writes = result.catch(() => undefined);
      return result;
    },
  };
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
