/**
 * Open-loop, constant-rate load with coordinated-omission correction. Request i is *due* at
 * start + i / rate whether or not the server kept up; its latency is measured from that due time
 * (corrected) and, for comparison, from when it was actually written (uncorrected, what a
 * closed-loop tool reports). A stalled server therefore shows up in the percentiles instead of
 * silently slowing the generator down. `rate: 0` runs closed-loop at saturation instead.
 */
import * as hdr from 'hdr-histogram-js';
import { HttpConnection, type Target } from './http-connection.js';

/** One load phase. */
export interface LoadOptions {
  target: Target;
  /** Serialised requests, used round-robin. */
  requests: Buffer[];
  /** Requests per second; 0 = as fast as the connections allow (closed loop). */
  rate: number;
  connections: number;
  durationMs: number;
  /** Run this long first and discard what it measured. */
  warmupMs?: number;
  /** A request unanswered after this long counts as a timeout and its connection is reset. */
  timeoutMs?: number;
}

/** What one phase measured (latencies in microseconds). */
export interface LoadResult {
  corrected: hdr.Histogram;
  uncorrected: hdr.Histogram;
  /** Requests due during the measured window. */
  scheduled: number;
  completed: number;
  /** Non-2xx answers and connection failures. */
  errors: number;
  /** Requests unanswered within the timeout. */
  timeouts: number;
  elapsedMs: number;
}

interface Job {
  due: number;
  measured: boolean;
}

const newHistogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

/** Runs warm-up then the measured phase; resolves when every request is answered or timed out. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new LoadRun(options).run();
}

class LoadRun {
  private readonly result: LoadResult = {
    corrected: newHistogram(),
    uncorrected: newHistogram(),
    scheduled: 0,
    completed: 0,
    errors: 0,
    timeouts: 0,
    elapsedMs: 0,
  };
  private readonly queue: Job[] = [];
  private readonly idle: HttpConnection[] = [];
  private readonly inFlight = new Map<HttpConnection, { job: Job; sent: number }>();
  private next = 0;
  private sentCount = 0;
  private start = 0;
  private measureFrom = 0;
  private stopAt = 0;
  private finished: (() => void) | undefined;

  constructor(private readonly options: LoadOptions) {
    for (let i = 0; i < options.connections; i++) this.idle.push(new HttpConnection(options.target));
  }

  async run(): Promise<LoadResult> {
    this.start = performance.now();
    this.measureFrom = this.start + (this.options.warmupMs ?? 0);
    this.stopAt = this.measureFrom + this.options.durationMs;
    // Closed loop needs no schedule: responses drive it; a coarse timer ends the window.
    const ticker = setInterval(() => this.tick(), this.options.rate > 0 ? 1 : 20);
    const reaper = setInterval(() => this.reap(), 50);
    this.tick();
    await new Promise<void>((resolve) => {
      this.finished = resolve;
    });
    clearInterval(ticker);
    clearInterval(reaper);
    for (const connection of [...this.idle, ...this.inFlight.keys()]) connection.reset();
    this.result.elapsedMs = Math.min(performance.now(), this.stopAt) - this.measureFrom;
    return this.result;
  }

  /** Queues every request due by now (open loop), then fills idle connections. */
  private tick() {
    const now = performance.now();
    this.schedule(now);
    this.dispatch(now);
    if (now >= this.stopAt) this.drainOrFinish(now);
  }

  private schedule(now: number) {
    if (this.options.rate <= 0) return;
    // The epsilon keeps float rounding from moving a request across the window's edges.
    const until = Math.min(now, this.stopAt) + 1e-6;
    for (let due = this.dueTime(this.next); due <= until; due = this.dueTime(++this.next)) {
      const measured = due >= this.measureFrom - 1e-6;
      if (measured) this.result.scheduled++;
      this.queue.push({ due, measured });
    }
  }

  private dueTime(index: number): number {
    return this.start + (index * 1000) / this.options.rate;
  }

  private dispatch(now: number) {
    while (this.idle.length > 0) {
      let job = this.queue.shift();
      // Due requests are sent even after the window closes; closed-loop ones stop with it.
      if (!job && (this.options.rate > 0 || now >= this.stopAt)) return;
      if (!job) {
        job = { due: now, measured: now >= this.measureFrom };
        if (job.measured) this.result.scheduled++;
      }
      const connection = this.idle.pop()!;
      const request = this.options.requests[this.sentCount++ % this.options.requests.length]!;
      const sent = performance.now();
      this.inFlight.set(connection, { job, sent });
      connection.send(request, (status) => this.onResponse(connection, status));
    }
  }

  private onResponse(connection: HttpConnection, status: number) {
    const flight = this.inFlight.get(connection);
    if (!flight) return;
    this.inFlight.delete(connection);
    this.idle.push(connection);
    const now = performance.now();
    if (flight.job.measured) {
      if (status >= 200 && status < 300) {
        this.result.completed++;
        this.result.corrected.recordValue(Math.max(1, Math.round((now - flight.job.due) * 1000)));
        this.result.uncorrected.recordValue(Math.max(1, Math.round((now - flight.sent) * 1000)));
      } else this.result.errors++;
    }
    if (this.options.rate === 0 || this.queue.length > 0) this.dispatch(now);
    if (now >= this.stopAt) this.drainOrFinish(now);
  }

  /** Times out requests in flight too long; their connections are reset and reused. */
  private reap() {
    const now = performance.now();
    const limit = this.options.timeoutMs ?? 10_000;
    for (const [connection, flight] of this.inFlight) {
      if (now - flight.sent < limit) continue;
      this.inFlight.delete(connection);
      connection.reset();
      this.idle.push(connection);
      if (flight.job.measured) this.result.timeouts++;
    }
    this.dispatch(now);
    if (now >= this.stopAt) this.drainOrFinish(now);
  }

  /** After the window: finish once every due request was answered or timed out. */
  private drainOrFinish(now: number) {
    // A response may arrive after the window closed but before the tick that queues its last requests.
    this.schedule(now);
    this.dispatch(now);
    if (this.queue.length === 0 && this.inFlight.size === 0) this.finished?.();
  }
}
