/**
 * Captures a child's output without trusting its size: counts every byte, keeps only the last
 * `keep` bytes, and reports when the total passes the budget so the caller can stop the run.
 */

/** A bounded sink for one or more streams. */
export class OutputTail {
  /** Bytes seen so far across all streams. */
  total = 0;
  private chunks: Buffer[] = [];
  private kept = 0;

  constructor(
    private readonly keep: number,
    private readonly budget: number,
    private readonly onOverflow: () => void,
  ) {}

  /** Adds a chunk; calls `onOverflow` once when the budget is first exceeded. */
  push(chunk: Buffer): void {
    const before = this.total;
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - (this.chunks[0]?.length ?? 0) >= this.keep) this.kept -= this.chunks.shift()!.length;
    if (before <= this.budget && this.total > this.budget) this.onOverflow();
  }

  /** The last `keep` bytes as text (a partial first line is dropped). */
  text(): string {
    const joined = Buffer.concat(this.chunks);
    const tail = joined.subarray(Math.max(0, joined.length - this.keep)).toString('utf8');
    return joined.length > this.keep ? tail.slice(tail.indexOf('\n') + 1) : tail;
  }
}
