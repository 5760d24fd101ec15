/**
 * The full CSV path (RFC 4180): quoted fields with commas, doubled quotes and line breaks inside. Used
 * only when a file contains a `"`, because it makes a string per field and is several times slower
 * than the plain scanner.
 */
import { addTextRow, fieldCountDetail, labelCodeOfText, longLineDetail, type RowSink } from './row-sink.js';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;

/** One CSV record: its fields, where the next one starts, and how many line breaks it spans. */
export interface CsvRecord {
  fields: string[];
  next: number;
  lineBreaks: number;
  /** False when a quoted field was still open at the end of the file. */
  closed: boolean;
  /** Bytes of field text still allowed to become strings; past it fields read as "" (the row is too long anyway). */
  budget: number;
}

/**
 * Reads the record that starts at byte `pos`. At most `maxBytes` of it are decoded into strings, so a
 * hostile 500 MB field costs a scan, not a 500 MB string (the caller rejects the record as too long).
 */
export function readCsvRecord(bytes: Buffer, pos: number, maxBytes: number): CsvRecord {
  const record: CsvRecord = { fields: [], next: pos, lineBreaks: 0, closed: true, budget: maxBytes };
  for (;;) {
    const end =
      bytes[pos] === QUOTE ? readQuotedField(bytes, pos, record) : readPlainField(bytes, pos, record);
    if (end >= bytes.length || bytes[end] === LF) {
      record.next = end + 1;
      if (end < bytes.length) record.lineBreaks++;
      return record;
    }
    pos = end + 1; // past the comma
  }
}

/** Reads an unquoted field; returns the offset of the comma or LF that ends it (or the file end). */
function readPlainField(bytes: Buffer, pos: number, record: CsvRecord): number {
  let end = pos;
  while (end < bytes.length && bytes[end] !== COMMA && bytes[end] !== LF) end++;
  record.fields.push(decode(bytes, pos, end, record).replace(/\r$/, ''));
  return end;
}

/** `bytes[from, to)` as text while the record's budget lasts, else "". */
function decode(bytes: Buffer, from: number, to: number, record: CsvRecord): string {
  record.budget -= to - from;
  return record.budget < 0 ? '' : bytes.toString('utf8', from, to);
}

/** Reads a quoted field starting at its opening quote; text after the closing quote is kept as is. */
function readQuotedField(bytes: Buffer, pos: number, record: CsvRecord): number {
  let value = '';
  let from = pos + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    const stop = quote < 0 ? bytes.length : quote;
    record.lineBreaks += countLineBreaks(bytes, from, stop);
    if (quote < 0) {
      record.closed = false;
      record.fields.push(value + decode(bytes, from, bytes.length, record));
      return bytes.length;
    }
    value += decode(bytes, from, quote, record);
    if (bytes[quote + 1] !== QUOTE) {
      // Lenient like most readers: `"a"b` reads as `ab` instead of rejecting the row.
      let end = quote + 1;
      while (end < bytes.length && bytes[end] !== COMMA && bytes[end] !== LF) end++;
      record.fields.push(value + decode(bytes, quote + 1, end, record).replace(/\r$/, ''));
      return end;
    }
    value += '"';
    from = quote + 2;
  }
}

function countLineBreaks(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let pos = bytes.indexOf(LF, from); pos >= 0 && pos < to; pos = bytes.indexOf(LF, pos + 1)) count++;
  return count;
}

/** Reads the data rows of `bytes` from offset `start`, whose first line is line number `firstLine`. */
export function scanQuotedCsv(bytes: Buffer, start: number, firstLine: number, sink: RowSink): void {
  let line = firstLine;
  for (let pos = start; pos < bytes.length; ) {
    const record = readCsvRecord(bytes, pos, sink.maxLineBytes);
    acceptRecord(record, record.next - 1 - pos, line, sink);
    line += record.lineBreaks;
    pos = record.next;
  }
}

function acceptRecord(record: CsvRecord, bytesLong: number, line: number, sink: RowSink): void {
  const { fields } = record;
  const { layout, issues } = sink;
  if (bytesLong > sink.maxLineBytes) {
    issues.add('long-line', line, () => longLineDetail(bytesLong, sink.maxLineBytes));
  } else if (!record.closed) {
    issues.add('field-count', line, () => 'a quoted value is never closed: a `"` is missing');
  } else if (fields.length === 1 && fields[0]!.trim() === '') {
    // a blank line: skipped
  } else if (fields.length !== layout.columnCount) {
    issues.add('field-count', line, () => fieldCountDetail(fields.length, layout.columnCount));
  } else {
    const label = labelCodeOfText(fields[layout.labelColumn]!, sink.dictionary);
    if (layout.idColumn < 0) sink.rows.addNumeric(0, label, line);
    else addTextRow(sink, fields[layout.idColumn]!, label, line);
  }
}
