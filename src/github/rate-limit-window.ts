/**
 * A rolling-window limiter: at most `limit` events in any `windowMs`. It keeps the times of the last
 * `limit` events, so the next one may start when the oldest of them leaves the window.
 */
export class RollingWindow {
  private readonly starts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`Rate limit must be a positive integer, got ${limit}.`);
  }

  /** How long to wait from `nowMs` before the next event fits in the window (0 when it fits now). */
  delayMs(nowMs: number): number {
    this.forget(nowMs);
    if (this.starts.length < this.limit) return 0;
    return this.starts[0]! + this.windowMs - nowMs;
  }

  /** Events in the window ending at `nowMs` (read-only: for metrics). */
  count(nowMs: number): number {
    this.forget(nowMs);
    return this.starts.length;
  }

  /** The most events allowed in one window. */
  get capacity(): number {
    return this.limit;
  }

  /** Records an event at `nowMs`. */
  record(nowMs: number): void {
    this.forget(nowMs);
    this.starts.push(nowMs);
  }

  private forget(nowMs: number): void {
    while (this.starts.length > 0 && this.starts[0]! + this.windowMs <= nowMs) this.starts.shift();
  }
}
