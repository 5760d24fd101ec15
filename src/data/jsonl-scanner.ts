/**
 * JSON Lines: one object per line, with the id and label under the configured keys. Each line is parsed
 * with JSON.parse (correctness over speed: JSON escapes and numbers have too many corner cases to
 * hand-roll). A line that is not an object with both keys is skipped with an issue.
 */
import { InputFileError } from '../files/input-files.js';
import { missingColumnsMessage, type WantedColumns } from './column-names.js';
import { INVALID_LABEL } from './label-rows.js';
import { quoteValue } from './quote-value.js';
import { addTextRow, labelCodeOfText, longLineDetail, type RowSink } from './row-sink.js';

const LF = 10;

/** Reads every line of `bytes` from `start`; throws when no line has the wanted keys. */
export function scanJsonl(
  bytes: Buffer,
  start: number,
  wanted: WantedColumns,
  file: string,
  sink: RowSink,
): void {
  let firstKeys: { line: number; keys: string[] } | undefined;
  let usable = 0;
  let line = 1;
  for (let pos = start; pos < bytes.length; line++) {
    let end = bytes.indexOf(LF, pos);
    if (end < 0) end = bytes.length;
    const record = parseLine(bytes, pos, end, line, sink);
    pos = end + 1;
    if (record === undefined) continue;
    firstKeys ??= { line, keys: Object.keys(record) };
    if (acceptObject(record, wanted, line, sink)) usable++;
  }
  if (usable === 0 && firstKeys) {
    const absent = [wanted.id, wanted.label].filter(
      (key): key is string => key !== null && !firstKeys.keys.includes(key),
    );
    if (absent.length > 0) {
      const message = missingColumnsMessage(file, firstKeys.line, absent, firstKeys.keys, wanted, 'jsonl');
      throw new InputFileError(file, message, { line: firstKeys.line });
    }
  }
}

/** The object on one line, or undefined (blank, too long, not JSON, not an object: issue recorded). */
function parseLine(
  bytes: Buffer,
  start: number,
  end: number,
  line: number,
  sink: RowSink,
): Record<string, unknown> | undefined {
  if (end - start > sink.maxLineBytes) {
    sink.issues.add('long-line', line, () => longLineDetail(end - start, sink.maxLineBytes));
    return undefined;
  }
  const text = bytes.toString('utf8', start, end).trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    sink.issues.add('bad-json', line, () => `not valid JSON (${(error as Error).message})`);
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    sink.issues.add('bad-json', line, () => 'expected a JSON object like {"id": 1, "label": "cat"}');
    return undefined;
  }
  return value as Record<string, unknown>;
}

/** Adds the row if both keys are present with usable values; true when the row was added. */
function acceptObject(
  record: Record<string, unknown>,
  wanted: WantedColumns,
  line: number,
  sink: RowSink,
): boolean {
  const missing = [wanted.id, wanted.label].filter((key) => key !== null && !Object.hasOwn(record, key));
  if (missing.length > 0) {
    sink.issues.add(
      'missing-field',
      line,
      () => `the object has no ${missing.map((key) => `"${key}"`).join(' or ')} key`,
    );
    return false;
  }
  const label = labelCodeOfValue(record[wanted.label], sink);
  if (wanted.id === null) {
    sink.rows.addNumeric(0, label, line);
    return true;
  }
  const id = record[wanted.id];
  if (typeof id !== 'string' && typeof id !== 'number') {
    sink.issues.add(
      'empty-id',
      line,
      () => `the id must be a string or a number, not ${quoteValue(JSON.stringify(id) ?? String(id))}`,
    );
    return false;
  }
  addTextRow(sink, String(id), label, line);
  return true;
}

/** Strings, numbers and booleans are labels (numbers as JSON writes them); null and others are invalid. */
function labelCodeOfValue(value: unknown, sink: RowSink): number {
  if (typeof value === 'string') return labelCodeOfText(value, sink.dictionary);
  if (typeof value === 'number' || typeof value === 'boolean')
    return sink.dictionary.internString(String(value));
  return INVALID_LABEL;
}
