/**
 * Counts problems found while reading rows and keeps the first few of each kind, so that a file with a
 * million bad rows costs a counter, not a million messages.
 */

/** Kinds of row-level problems a reader reports. Each skips the row. */
export type RowIssueKind = 'long-line' | 'field-count' | 'bad-json' | 'missing-field' | 'empty-id';

/** One recorded example of a problem. */
export interface RowIssue {
  kind: RowIssueKind;
  line: number;
  /** What is wrong on that line, without the file name (the caller adds it). */
  detail: string;
}

/** Longest detail kept, in characters. */
const MAX_DETAIL = 300;

/** How many examples of each kind are kept by default. */
export const ISSUE_EXAMPLES_PER_KIND = 20;

/** Problem counts by kind plus the first examples of each. */
export class RowIssueLog {
  readonly examples: RowIssue[] = [];
  private readonly counts = new Map<RowIssueKind, number>();

  constructor(private readonly examplesPerKind = ISSUE_EXAMPLES_PER_KIND) {}

  /** Records one problem; `detail` is only called while examples of this kind are still kept. */
  add(kind: RowIssueKind, line: number, detail: () => string): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    // Details can quote file content (a JSON parser's message does): keep findings short.
    if (count <= this.examplesPerKind)
      this.examples.push({ kind, line, detail: detail().slice(0, MAX_DETAIL) });
  }

  /** Problems of `kind` seen (all of them, not only the kept examples). */
  count(kind: RowIssueKind): number {
    return this.counts.get(kind) ?? 0;
  }

  /** Problems of every kind seen. */
  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  /** Kinds seen, with their counts, in first-seen order. */
  kinds(): [RowIssueKind, number][] {
    return [...this.counts];
  }
}
