import { describe, expect, it } from 'vitest';
import { LabelDictionary } from '../../src/data/label-dictionary.js';
import { type LabelFileOptions, parseLabelFile } from '../../src/data/label-file-reader.js';
import { INVALID_LABEL, idText } from '../../src/data/label-rows.js';
import { InputFileError } from '../../src/files/input-files.js';

function parse(text: string | Buffer, file = 'predictions.csv', options: Partial<LabelFileOptions> = {}) {
  const dictionary = options.dictionary ?? new LabelDictionary();
  const read = parseLabelFile(Buffer.from(text), file, {
    format: 'auto',
    columns: { id: 'id', label: 'label' },
    maxLineBytes: 1024,
    ...options,
    dictionary,
  });
  const { rows } = read;
  const table = Array.from({ length: rows.count }, (_, row) => {
    const code = rows.labels[row]!;
    return [idText(rows, row), code === INVALID_LABEL ? null : dictionary.names[code], rows.lines[row]];
  });
  return { read, table, dictionary };
}

function parseError(text: string, file = 'predictions.csv'): InputFileError {
  try {
    parse(text, file);
  } catch (error) {
    if (error instanceof InputFileError) return error;
    throw error;
  }
  throw new Error('expected an InputFileError');
}

describe('parseLabelFile: CSV', () => {
  it('reads integer ids as numbers and labels through the dictionary, with line numbers', () => {
    const { read, table } = parse('id,label\n0,cat\n1,dog\n2,cat\n');
    expect(read.parser).toBe('plain-csv');
    expect(read.rows.numericIds).toEqual(new Float64Array([0, 1, 2]));
    expect(table).toEqual([
      ['0', 'cat', 2],
      ['1', 'dog', 3],
      ['2', 'cat', 4],
    ]);
  });

  it('keeps ids as text when any id is not a canonical integer, so "007" never equals "7"', () => {
    const { read, table } = parse('id,label\n7,a\n007,b\nimg_3.png,c\n1.0,d\n');
    expect(read.rows.numericIds).toBeUndefined();
    expect(table.map((row) => row[0])).toEqual(['7', '007', 'img_3.png', '1.0']);
  });

  it('ignores a BOM, CRLF, blank lines and surrounding spaces, with or without a final newline', () => {
    for (const ending of ['', '\r\n']) {
      const { table, read } = parse(`\uFEFF id ,label\r\n\r\n 1 , cat \r\n2,dog\t${ending}`);
      expect(table).toEqual([
        ['1', 'cat', 3],
        ['2', 'dog', 4],
      ]);
      expect(read.issues.total()).toBe(0);
    }
  });

  it('reads empty and NaN labels as invalid, in any case', () => {
    const { table } = parse('id,label\n1,\n2,NaN\n3,nan\n4, NAN \n5,nana\n');
    expect(table.map((row) => row[1])).toEqual([null, null, null, null, 'nana']);
  });

  it('skips a too-long line with an issue and keeps counting lines', () => {
    const { table, read } = parse(`id,label\n1,a\n2,${'x'.repeat(2000)}\n3,b\n`);
    expect(table).toEqual([
      ['1', 'a', 2],
      ['3', 'b', 4],
    ]);
    expect(read.issues.examples).toEqual([
      { kind: 'long-line', line: 3, detail: 'the line is 2,002 bytes, over the 1,024-byte line limit' },
    ]);
  });

  it('skips rows with the wrong field count or an empty id', () => {
    const { table, read } = parse('id,label\n1\n2,a,b\n,c\n4,d\n');
    expect(table).toEqual([['4', 'd', 5]]);
    expect(read.issues.examples.map((issue) => [issue.kind, issue.line])).toEqual([
      ['field-count', 2],
      ['field-count', 3],
      ['empty-id', 4],
    ]);
  });

  it('keeps 20 examples of a kind but counts them all', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i}`).join('\n');
    const { read } = parse(`id,label\n${rows}\n1,a\n`);
    expect(read.issues.count('field-count')).toBe(30);
    expect(read.issues.examples).toHaveLength(20);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, counting lines right', () => {
    const { read, table } = parse('"id","label"\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,plain\r\n');
    expect(read.parser).toBe('quoted-csv');
    expect(table).toEqual([
      ['1', 'a, b', 2],
      ['2', 'say "hi"', 3],
      ['3', 'two\nlines', 4],
      ['4', 'plain', 6],
    ]);
  });

  it('skips a too-long quoted record without keeping its text, and keeps counting lines', () => {
    const { table, read } = parse(`"id",label\n1,"${'z\n'.repeat(600)}"\n2,b\n`);
    expect(table).toEqual([['2', 'b', 603]]);
    expect(read.issues.examples[0]).toMatchObject({ kind: 'long-line', line: 2 });
  });

  it('reports a quote that is never closed', () => {
    const { read, table } = parse('id,label\n1,a\n2,"open\n3,b\n');
    expect(table).toEqual([['1', 'a', 2]]);
    expect(read.issues.examples[0]).toMatchObject({ kind: 'field-count', line: 3 });
    expect(read.issues.examples[0]!.detail).toContain('never closed');
  });

  it('gives the same rows on the fast path and the quoted path', () => {
    const labels = ['0', '17', 'cat', 'dogs', 'a longer label', 'nan', '', ' x ', 'é', '999'];
    const ids = ['1', '22', ' 3', '0', '0004', 'img5', '6 ', '77777777777777777777'];
    const lines = Array.from(
      { length: 200 },
      (_, i) => `${ids[i % ids.length]}${i},${labels[(i * 7) % labels.length]}${i % 3 ? '' : '\r'}`,
    );
    const body = `${lines.join('\n')}\n\n1,extra,field\n`;
    const plain = parse(`id,label\n${body}`);
    const quoted = parse(`"id",label\n${body}`);
    expect(plain.read.parser).toBe('plain-csv');
    expect(quoted.read.parser).toBe('quoted-csv');
    expect(plain.table).toEqual(quoted.table);
    expect(plain.read.issues.examples).toEqual(quoted.read.issues.examples);
  });
});

describe('parseLabelFile: file-level problems', () => {
  it('rejects an empty or whitespace-only file', () => {
    expect(parseError('').message).toBe(
      'predictions.csv is empty; it needs a header row and one row per example',
    );
    expect(parseError('\uFEFF\n \r\n').message).toContain('is empty');
  });

  it('rejects a header without rows, and a file whose rows were all skipped', () => {
    expect(parseError('id,label\n\n').message).toBe(
      'predictions.csv has a header but no data rows; write one row per example',
    );
    expect(parseError('id,label\n1\n2\n').message).toBe(
      'predictions.csv has no usable rows: all 2 were skipped (line 2: the row has 1 field where the header has 2)',
    );
  });

  it('names the missing column, the columns found and the likely one', () => {
    const error = parseError('Id,Label\n1,a\n');
    expect(error.line).toBe(1);
    expect(error.message).toBe(
      'predictions.csv line 1: no "id" and "label" column; the columns found are "Id", "Label". Did you mean "Id" for "id"? Did you mean "Label" for "label"? The first line must be a header naming the columns, e.g. "id,label" (names are case-sensitive).',
    );
  });
});

describe('parseLabelFile: a file without a header row', () => {
  it('says the first line looks like data, without offering its values as column names', () => {
    expect(parseError('1,cat\n2,dog\n').message).toBe(
      'predictions.csv line 1: no "id" and "label" column; the first line holds "1", "cat", which looks like data, not a header: add the header row "id,label" as the first line.',
    );
    // "bird" is two edits from "id", "3" one from "id": data still, not a misspelt header.
    expect(parseError('17,bird\n').message).not.toContain('Did you mean');
    expect(parseError('0,0.93,3\n1,0.2,4\n').message).not.toContain('Did you mean');
  });

  it('still treats a line naming a wanted column as a header, and never suggests a number for a name', () => {
    expect(parseError('id,pred,0,1\n1,cat,0.9,0.1\n').message).toBe(
      'predictions.csv line 1: no "label" column; the columns found are "id", "pred", "0", "1". Did you mean "pred" for "label"? The first line must be a header naming the columns, e.g. "id,label" (names are case-sensitive).',
    );
  });
});

describe('parseLabelFile: JSONL', () => {
  it('reads ids and labels of any JSON scalar type; null is an invalid label', () => {
    const text =
      '{"id": 1, "label": 3}\n{"id": "a", "label": "cat"}\n\n{"id": 2, "label": true}\n{"id": 3, "label": null}\n';
    const { table, read } = parse(text, 'p.jsonl');
    expect(read.parser).toBe('jsonl');
    expect(table).toEqual([
      ['1', '3', 1],
      ['a', 'cat', 2],
      ['2', 'true', 4],
      ['3', null, 5],
    ]);
  });

  it('skips malformed lines, non-objects and objects without a key, by line number', () => {
    const text =
      '{"id": 1, "label": "a"}\n{"id": 2, "label": \n[1, 2]\n{"id": 4}\n{"id": {}, "label": "b"}\n';
    const { table, read } = parse(text, 'p.ndjson');
    expect(table).toEqual([['1', 'a', 1]]);
    expect(read.issues.examples.map((issue) => [issue.kind, issue.line])).toEqual([
      ['bad-json', 2],
      ['bad-json', 3],
      ['missing-field', 4],
      ['empty-id', 5],
    ]);
  });

  it('names the keys found when no line has the configured keys', () => {
    const error = parseError('{"id": 1, "prediction": "a"}\n', 'p.jsonl');
    expect(error.message).toBe(
      'p.jsonl line 1: no "label" key; the keys found are "id", "prediction". Did you mean "prediction" for "label"? Each line must be an object with these keys, e.g. {"id": 1, "label": "cat"}.',
    );
  });
});
