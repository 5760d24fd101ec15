/**
 * Where the scanners (plain CSV, quoted CSV, JSONL) put what they read, and the rules they share for
 * turning one field into an id or a label code.
 */
import type { ColumnLayout } from './column-names.js';
import type { LabelDictionary } from './label-dictionary.js';
import { INVALID_LABEL, type LabelRowsBuilder } from './label-rows.js';
import type { RowIssueLog } from './row-issue-log.js';

/** Everything a scanner writes to, plus the limits it enforces. */
export interface RowSink {
  layout: ColumnLayout;
  dictionary: LabelDictionary;
  rows: LabelRowsBuilder;
  issues: RowIssueLog;
  /** Rows longer than this many bytes are skipped with a `long-line` issue. */
  maxLineBytes: number;
}

/**
 * The label code of a textual value: {@link INVALID_LABEL} for an empty value or NaN (what pandas and
 * numpy write for a missing value), else its dictionary index. Surrounding spaces are ignored.
 */
export function labelCodeOfText(value: string, dictionary: LabelDictionary): number {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'nan') return INVALID_LABEL;
  return dictionary.internString(trimmed);
}

/** Adds a row whose id is text (quoted CSV, JSONL); an empty id skips the row with an issue. */
export function addTextRow(sink: RowSink, id: string, label: number, line: number): void {
  const trimmed = id.trim();
  if (trimmed === '') {
    sink.issues.add('empty-id', line, () => 'the id is empty');
    return;
  }
  sink.rows.addText(trimmed, label, line);
}

/** Says that a row is too long, in the words used for every format. */
export function longLineDetail(length: number, limit: number): string {
  return `the line is ${length.toLocaleString('en-US')} bytes, over the ${limit.toLocaleString('en-US')}-byte line limit`;
}

/** Says that a row has the wrong number of fields. */
export function fieldCountDetail(found: number, expected: number): string {
  const hint = found > expected ? ' (a value containing a comma must be in double quotes)' : '';
  return `the row has ${found} field${found === 1 ? '' : 's'} where the header has ${expected}${hint}`;
}
