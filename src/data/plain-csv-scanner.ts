/**
 * The fast path for CSV files without double quotes: one pass over the bytes, no line strings, no
 * per-row objects. Integer ids are parsed from their digits and labels are interned from their bytes,
 * so a row costs a few typed-array writes. Files containing a `"` go to the quoted-CSV scanner instead.
 *
 * Rows of the usual shape (`<integer id>,<label>`) take a tight loop; any row that surprises it (spaces,
 * text ids, extra fields, other column orders) is re-read by the general row reader, so both give the
 * same answer and only unusual rows pay for generality.
 */
import { INVALID_LABEL } from './label-rows.js';
import { fieldCountDetail, longLineDetail, type RowSink } from './row-sink.js';
import { packShortLabel, ShortLabelCache } from './short-label-cache.js';

const COMMA = 44;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const ZERO = 48;
const MAX_INTEGER_DIGITS = 15;
const NAN_KEY = packShortLabel(new TextEncoder().encode('nan'), 0, 3);

/** Reads the data rows of `bytes` from offset `start`, whose first line is line number `firstLine`. */
export function scanPlainCsv(bytes: Buffer, start: number, firstLine: number, sink: RowSink): void {
  const { idColumn, labelColumn, columnCount } = sink.layout;
  const usualShape = idColumn === 0 && labelColumn === 1 && columnCount === 2;
  const cache = new ShortLabelCache(sink.dictionary);
  let line = firstLine;
  for (let pos = start; pos < bytes.length; line++) {
    let end = usualShape ? readUsualRow(bytes, pos, line, sink, cache) : -1;
    if (end < 0) end = readAnyRow(bytes, pos, line, sink, cache);
    pos = end + 1;
  }
}

/**
 * Reads a row of the form `<canonical integer>,<label>` starting at `pos` and returns the offset of its
 * line end, or -1 without side effects when the row has any other form.
 */
function readUsualRow(
  bytes: Buffer,
  pos: number,
  line: number,
  sink: RowSink,
  cache: ShortLabelCache,
): number {
  const length = bytes.length;
  const rowStart = pos;
  let id = 0;
  let byte = 0;
  for (; pos < length; pos++) {
    byte = bytes[pos]!;
    const digit = byte - ZERO;
    if (digit >>> 0 > 9) break;
    id = id * 10 + digit;
  }
  const digits = pos - rowStart;
  if (
    byte !== COMMA ||
    digits === 0 ||
    digits > MAX_INTEGER_DIGITS ||
    (digits > 1 && bytes[rowStart] === ZERO)
  )
    return -1;
  const labelStart = ++pos;
  let key = 0;
  for (; pos < length; pos++) {
    byte = bytes[pos]!;
    if (byte === LF || byte === COMMA) break;
    key = (key << 8) | byte;
  }
  let labelEnd = pos;
  if (labelEnd > labelStart && bytes[labelEnd - 1] === CR) {
    labelEnd--;
    key >>>= 8;
  }
  const size = labelEnd - labelStart;
  if (byte === COMMA || pos - rowStart > sink.maxLineBytes || size === 0) return -1;
  if (isSpace(bytes[labelStart]!) || isSpace(bytes[labelEnd - 1]!)) return -1;
  sink.rows.addNumeric(id, shortOrLongLabel(key, bytes, labelStart, labelEnd, sink, cache), line);
  return pos;
}

// Field boundaries of the current row for the general reader, reused so that it allocates nothing.
const ID_START = 0;
const ID_END = 1;
const LABEL_START = 2;
const LABEL_END = 3;
const FIELDS = 4;
const spans = new Int32Array(5);

/** Reads any row starting at `pos` under every rule (length, blank, field count, id, label); returns its end. */
function readAnyRow(bytes: Buffer, pos: number, line: number, sink: RowSink, cache: ShortLabelCache): number {
  const end = findRowEnd(bytes, pos, sink.layout.idColumn, sink.layout.labelColumn);
  const fields = spans[FIELDS]!;
  if (end - pos > sink.maxLineBytes) reportLongLine(sink, line, end - pos);
  else if (fields === 1 && trimStart(bytes, pos, end) === end) {
    // a blank line: skipped
  } else if (fields !== sink.layout.columnCount) reportFieldCount(sink, line, fields);
  else addRow(bytes, line, sink, cache);
  return end;
}

/** Scans one row from `pos`, recording the id and label fields in `spans`; returns the offset of its LF. */
function findRowEnd(bytes: Buffer, pos: number, idColumn: number, labelColumn: number): number {
  let field = 0;
  for (let fieldStart = pos; ; fieldStart = ++pos) {
    let byte = 0;
    for (; pos < bytes.length; pos++) {
      byte = bytes[pos]!;
      if (byte === COMMA || byte === LF) break;
    }
    if (field === idColumn || field === labelColumn) {
      const at = field === idColumn ? ID_START : LABEL_START;
      spans[at] = fieldStart;
      spans[at + 1] = pos;
    }
    field++;
    if (pos >= bytes.length || byte === LF) {
      spans[FIELDS] = field;
      return pos;
    }
  }
}

/** Adds the row whose fields `spans` holds, trimming spaces, with the id and label rules. */
function addRow(bytes: Buffer, line: number, sink: RowSink, cache: ShortLabelCache): void {
  const labelStart = trimStart(bytes, spans[LABEL_START]!, spans[LABEL_END]!);
  const labelEnd = trimEnd(bytes, labelStart, spans[LABEL_END]!);
  const label = labelCode(bytes, labelStart, labelEnd, sink, cache);
  const idStart = trimStart(bytes, spans[ID_START]!, spans[ID_END]!);
  const idEnd = trimEnd(bytes, idStart, spans[ID_END]!);
  if (sink.layout.idColumn < 0) sink.rows.addNumeric(0, label, line);
  else if (idStart === idEnd) reportEmptyId(sink, line);
  else sink.rows.addText(bytes.toString('utf8', idStart, idEnd), label, line);
}

/** Dictionary index of the (trimmed) label bytes, or INVALID_LABEL for an empty value or NaN. */
function labelCode(bytes: Buffer, start: number, end: number, sink: RowSink, cache: ShortLabelCache): number {
  if (start === end) return INVALID_LABEL;
  return shortOrLongLabel(packShortLabel(bytes, start, end), bytes, start, end, sink, cache);
}

/**
 * The label code of non-empty, trimmed label bytes. `packed` holds the bytes packed as by
 * packShortLabel, without the length (only meaningful for labels of at most 3 bytes).
 */
function shortOrLongLabel(
  packed: number,
  bytes: Buffer,
  start: number,
  end: number,
  sink: RowSink,
  cache: ShortLabelCache,
): number {
  const size = end - start;
  if (size > 3) return sink.dictionary.internBytes(bytes, start, end);
  const key = (packed & 0xffffff) | (size << 24);
  return (key | 0x202020) === NAN_KEY ? INVALID_LABEL : cache.lookup(key, bytes, start, end);
}

// Problems are reported from small helpers: a closure in a per-row function makes V8 allocate a
// context on every call, even when the closure is never created.
function reportLongLine(sink: RowSink, line: number, length: number): void {
  sink.issues.add('long-line', line, () => longLineDetail(length, sink.maxLineBytes));
}

function reportFieldCount(sink: RowSink, line: number, fields: number): void {
  sink.issues.add('field-count', line, () => fieldCountDetail(fields, sink.layout.columnCount));
}

function reportEmptyId(sink: RowSink, line: number): void {
  sink.issues.add('empty-id', line, () => 'the id is empty');
}

function isSpace(byte: number): boolean {
  return byte === SPACE || byte === TAB || byte === CR;
}

function trimStart(bytes: Buffer, start: number, end: number): number {
  while (start < end && isSpace(bytes[start]!)) start++;
  return start;
}

function trimEnd(bytes: Buffer, start: number, end: number): number {
  while (end > start && isSpace(bytes[end - 1]!)) end--;
  return end;
}
