/**
 * CSV records for the roster (RFC 4180): comma-separated fields, double-quoted fields that may hold
 * commas, doubled quotes and line breaks, CRLF or LF line ends. Each field keeps the line and column it
 * started on, so roster problems can point at it. A BOM is removed by the caller.
 */

/** One field as written: unquoted, outer whitespace removed. */
export interface CsvField {
  value: string;
  line: number;
  column: number;
}

/** One record (row); `line` is where it starts. Blank lines give no record. */
export interface CsvRecord {
  line: number;
  fields: CsvField[];
}

/** The records of `text`, and where a quoted field was never closed (the rest of the file is lost). */
export function scanCsv(text: string): {
  records: CsvRecord[];
  unclosedQuote?: { line: number; column: number };
} {
  const records: CsvRecord[] = [];
  let line = 1;
  let column = 1;
  let i = 0;
  let fields: CsvField[] = [];
  let recordLine = 1;
  let atRecordStart = true;
  const n = text.length;
  while (i < n) {
    if (atRecordStart) {
      recordLine = line;
      fields = [];
      atRecordStart = false;
    }
    // One field, starting at i.
    const start = { line, column };
    let value = '';
    // Leading spaces before an opening quote are allowed (` "a, b"`).
    let j = i;
    while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] === '"') {
      column += j - i + 1;
      i = j + 1;
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            column += 2;
            continue;
          }
          i++;
          column++;
          closed = true;
          break;
        }
        if (c === '\r' && text[i + 1] === '\n') {
          value += '\n';
          i += 2;
          line++;
          column = 1;
          continue;
        }
        if (c === '\n' || c === '\r') {
          value += '\n';
          i++;
          line++;
          column = 1;
          continue;
        }
        value += c;
        i++;
        column++;
      }
      if (!closed) {
        fields.push({ value: value.trim(), ...start });
        records.push({ line: recordLine, fields });
        return { records, unclosedQuote: start };
      }
      // Anything between the closing quote and the next comma is kept (lenient: `"a"b` → `ab`).
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        value += text[i];
        i++;
        column++;
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        value += text[i];
        i++;
        column++;
      }
    }
    fields.push({ value: value.trim(), ...start });
    if (i >= n) break;
    if (text[i] === ',') {
      i++;
      column++;
      if (i >= n) fields.push({ value: '', line, column });
      continue;
    }
    // End of record.
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
    column = 1;
    if (!(fields.length === 1 && fields[0]!.value === '')) records.push({ line: recordLine, fields });
    atRecordStart = true;
  }
  if (!atRecordStart && !(fields.length === 1 && fields[0]!.value === ''))
    records.push({ line: recordLine, fields });
  return { records };
}
