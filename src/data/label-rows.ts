/**
 * Column storage for the rows of an id/label file: typed arrays instead of one object per row, so a
 * million rows cost a few megabytes and no garbage.
 */

/** Label code of a row whose label is empty, NaN or null (unusable). */
export const INVALID_LABEL = -1;

/** Parsed rows of a labels or predictions file. */
export interface LabelRows {
  count: number;
  /**
   * Ids as numbers while every id is a canonical non-negative integer ("0", "17", never "007" or "1.0"),
   * so that numeric and textual comparison agree. Undefined once any id is not: see `textIds`.
   */
  numericIds: Float64Array | undefined;
  /** Ids as text, set when some id is not a canonical integer (then every id is here). */
  textIds: string[] | undefined;
  /** Class index from the label dictionary, {@link INVALID_LABEL}, or LABEL_OVERFLOW. */
  labels: Int32Array;
  /** 1-based line of each row in its file, for findings. */
  lines: Int32Array;
}

/** The id of row `index` as text, for messages and for joining files whose id kinds differ. */
export function idText(rows: LabelRows, index: number): string {
  return rows.textIds ? rows.textIds[index]! : String(rows.numericIds![index]);
}

/** Appends rows; scanners call `addNumeric` on the hot path and `addText` for anything else. */
export class LabelRowsBuilder {
  private count = 0;
  private numericIds: Float64Array | undefined;
  private textIds: string[] | undefined;
  private labels: Int32Array;
  private lines: Int32Array;

  /** `expectedRows` is a guess used to size the first allocation; the arrays grow as needed. */
  constructor(expectedRows: number) {
    const capacity = Math.max(16, Math.ceil(expectedRows));
    this.numericIds = new Float64Array(capacity);
    this.labels = new Int32Array(capacity);
    this.lines = new Int32Array(capacity);
  }

  /** Adds a row whose id is a canonical integer. */
  addNumeric(id: number, label: number, line: number): void {
    if (this.count === this.labels.length) this.grow();
    if (this.textIds) this.textIds.push(String(id));
    else this.numericIds![this.count] = id;
    this.labels[this.count] = label;
    this.lines[this.count++] = line;
  }

  /** Adds a row whose id is given as text; switches the whole column to text unless it is canonical. */
  addText(id: string, label: number, line: number): void {
    if (!this.textIds) {
      const numeric = canonicalInteger(id);
      if (numeric !== undefined) {
        this.addNumeric(numeric, label, line);
        return;
      }
      this.textIds = Array.from(this.numericIds!.subarray(0, this.count), String);
      this.numericIds = undefined;
    }
    if (this.count === this.labels.length) this.grow();
    this.textIds.push(id);
    this.labels[this.count] = label;
    this.lines[this.count++] = line;
  }

  /** The rows added so far. */
  finish(): LabelRows {
    const count = this.count;
    return {
      count,
      numericIds: this.numericIds?.subarray(0, count),
      textIds: this.textIds,
      labels: this.labels.subarray(0, count),
      lines: this.lines.subarray(0, count),
    };
  }

  private grow(): void {
    const capacity = this.labels.length * 2;
    if (this.numericIds) this.numericIds = copyInto(new Float64Array(capacity), this.numericIds);
    this.labels = copyInto(new Int32Array(capacity), this.labels);
    this.lines = copyInto(new Int32Array(capacity), this.lines);
  }
}

function copyInto<T extends Float64Array | Int32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}

/** Longest digit string that still converts to a float64 exactly. */
const MAX_INTEGER_DIGITS = 15;

/** `text` as a number when it is a canonical non-negative integer, else undefined. */
export function canonicalInteger(text: string): number | undefined {
  const length = text.length;
  if (length === 0 || length > MAX_INTEGER_DIGITS || (length > 1 && text.charCodeAt(0) === 48))
    return undefined;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}
