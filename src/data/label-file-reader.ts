/**
 * Reads an id/label file (a predictions file or a hidden labels file) into typed columns.
 *
 * Formats: CSV with a header row (a plain byte scanner, or the full quoted-CSV reader when the file
 * contains a `"`), or JSON Lines. Shared rules: a UTF-8 byte-order mark is ignored, LF and CRLF line
 * ends both work, a missing final newline is fine, blank lines are skipped, surrounding spaces around
 * ids and labels are ignored, ids are compared as text (exactly), an empty or NaN label (or JSON null)
 * is an invalid label, and a row that cannot be read (too long, wrong field count, bad JSON, no id) is
 * skipped with an issue. File-level problems (missing, too big, binary, empty, no such column) throw an
 * InputFileError naming the file and line.
 */
import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import { locateColumns, type WantedColumns } from './column-names.js';
import { scanJsonl } from './jsonl-scanner.js';
import type { LabelDictionary } from './label-dictionary.js';
import { type LabelRows, LabelRowsBuilder } from './label-rows.js';
import { scanPlainCsv } from './plain-csv-scanner.js';
import { readCsvRecord, scanQuotedCsv } from './quoted-csv-scanner.js';
import { RowIssueLog } from './row-issue-log.js';
import { longLineDetail } from './row-sink.js';

/** `auto` picks JSONL for `.jsonl` / `.ndjson` files and CSV for anything else. */
export type LabelFormatOption = 'csv' | 'jsonl' | 'auto';

/** How to read one file. */
export interface LabelFileOptions {
  format: LabelFormatOption;
  columns: WantedColumns;
  /** Labels are interned here; share one dictionary between files so class indexes agree. */
  dictionary: LabelDictionary;
  maxLineBytes: number;
}

/** A file's rows, the rows it had to skip, and how it was read. */
export interface LabelFile {
  rows: LabelRows;
  issues: RowIssueLog;
  parser: 'plain-csv' | 'quoted-csv' | 'jsonl';
}

/** The concrete format of `file` under `format`. */
export function formatOf(file: string, format: LabelFormatOption): 'csv' | 'jsonl' {
  if (format !== 'auto') return format;
  return /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv';
}

/** Resolves `relative` inside `root`, reads it under `maxFileBytes` and parses it. */
export async function readLabelFile(
  root: string,
  relative: string,
  options: LabelFileOptions & { maxFileBytes: number },
): Promise<LabelFile> {
  const absolute = await resolveInside(root, relative);
  const bytes = await readInputFile(absolute, relative, { maxBytes: options.maxFileBytes });
  return parseLabelFile(bytes, relative, options);
}

/** Parses file content; `file` is the name used in messages. */
export function parseLabelFile(bytes: Buffer, file: string, options: LabelFileOptions): LabelFile {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (isBlank(bytes, start)) {
    throw new InputFileError(file, `${file} is empty; it needs a header row and one row per example`);
  }
  const issues = new RowIssueLog();
  // Rows are at least a few bytes; cap the first guess so a file of long lines does not over-allocate.
  const rows = new LabelRowsBuilder(Math.min(bytes.length / 8, 1 << 20));
  const sink = { dictionary: options.dictionary, rows, issues, maxLineBytes: options.maxLineBytes };
  let parser: LabelFile['parser'];
  if (formatOf(file, options.format) === 'jsonl') {
    parser = 'jsonl';
    scanJsonl(bytes, start, options.columns, file, {
      ...sink,
      layout: { idColumn: -1, labelColumn: -1, columnCount: 0 },
    });
  } else {
    parser = bytes.indexOf(34, start) >= 0 ? 'quoted-csv' : 'plain-csv';
    const header = readHeader(bytes, start, file, options);
    const scan = parser === 'plain-csv' ? scanPlainCsv : scanQuotedCsv;
    scan(bytes, header.next, header.nextLine, { ...sink, layout: header.layout });
  }
  const result = { rows: rows.finish(), issues, parser };
  if (result.rows.count === 0) throw new InputFileError(file, noRowsMessage(file, issues));
  return result;
}

/** Finds the header (the first non-blank line) and the wanted columns in it. */
function readHeader(bytes: Buffer, start: number, file: string, options: LabelFileOptions) {
  let line = 1;
  for (let pos = start; pos < bytes.length; ) {
    const record = readCsvRecord(bytes, pos, options.maxLineBytes);
    const length = record.next - 1 - pos;
    if (length > options.maxLineBytes) {
      throw new InputFileError(
        file,
        `${file} line ${line}: ${longLineDetail(length, options.maxLineBytes)}`,
        { line },
      );
    }
    if (record.fields.length > 1 || record.fields[0]!.trim() !== '') {
      const layout = locateColumns(record.fields, options.columns, file, line);
      return { layout, next: record.next, nextLine: line + record.lineBreaks };
    }
    line += record.lineBreaks;
    pos = record.next;
  }
  throw new InputFileError(file, `${file} is empty; it needs a header row and one row per example`);
}

/** True when nothing but whitespace follows `start` (stops at the first other byte). */
function isBlank(bytes: Buffer, start: number): boolean {
  for (let pos = start; pos < bytes.length; pos++) {
    const byte = bytes[pos]!;
    if (byte !== 32 && byte !== 9 && byte !== 10 && byte !== 13) return false;
  }
  return true;
}

function noRowsMessage(file: string, issues: RowIssueLog): string {
  const first = issues.examples[0];
  if (!first) return `${file} has a header but no data rows; write one row per example`;
  return `${file} has no usable rows: all ${issues.total().toLocaleString('en-US')} were skipped (line ${first.line}: ${first.detail})`;
}
