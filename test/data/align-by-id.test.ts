import { describe, expect, it } from 'vitest';
import { alignById } from '../../src/data/align-by-id.js';
import { LabelDictionary } from '../../src/data/label-dictionary.js';
import { parseLabelFile } from '../../src/data/label-file-reader.js';

function rows(ids: string[]) {
  const text = `id,label\n${ids.map((id) => `${id},x`).join('\n')}\n`;
  const options = {
    format: 'csv' as const,
    columns: { id: 'id', label: 'label' },
    dictionary: new LabelDictionary(),
    maxLineBytes: 1024,
  };
  return parseLabelFile(Buffer.from(text), 'f.csv', options).rows;
}

/** Prediction row answering each label row (or -1), from the alignment. */
function answers(labelIds: string[], predictionIds: string[]) {
  const alignment = alignById(rows(labelIds), rows(predictionIds));
  return { ...alignment, answers: Array.from(alignment.answeredBy, (answer) => answer - 1) };
}

describe('alignById', () => {
  it('pairs rows directly when both files list the same increasing ids', () => {
    const result = answers(['1', '2', '3'], ['1', '2', '3']);
    expect(result.strategy).toBe('same-order');
    expect(result.answers).toEqual([0, 1, 2]);
  });

  it('indexes small integer ids in a typed array when the order differs', () => {
    const result = answers(['1', '2', '3'], ['3', '1', '2']);
    expect(result.strategy).toBe('typed-index');
    expect(result.answers).toEqual([1, 2, 0]);
  });

  it('uses a map for sparse or textual ids', () => {
    expect(answers(['1', '999999999999'], ['999999999999', '1'])).toMatchObject({
      strategy: 'map',
      answers: [1, 0],
    });
    expect(answers(['b', 'a'], ['a', 'b'])).toMatchObject({ strategy: 'map', answers: [1, 0] });
  });

  it('matches integer ids across a file whose other ids are text, but never "07" to 7', () => {
    expect(answers(['7', '8'], ['8', 'x', '7']).answers).toEqual([2, 0]);
    expect(answers(['7', 'x'], ['07', '7']).answers).toEqual([1, -1]);
    expect(answers(['7', '999999999999'], ['07', '7']).answers).toEqual([1, -1]);
  });

  it('keeps the first of repeated ids and records which row was kept', () => {
    const result = answers(['1', '2'], ['2', '1', '2', '2']);
    expect(result.answers).toEqual([1, 0]);
    expect(result.duplicates).toEqual({ count: 2, rows: [2, 3] });
    expect(result.duplicateOf).toEqual([0, 0]);
  });

  it('counts unknown ids and missing ids', () => {
    const result = answers(['1', '2', '3'], ['1', '5', '3', 'q']);
    expect(result.unknown).toEqual({ count: 2, rows: [1, 3] });
    expect(result.missing).toEqual({ count: 1, rows: [1] });
  });

  it('reports repeated ids in the labels file', () => {
    expect(answers(['1', '2', '1'], ['1']).labelDuplicates).toEqual({ count: 1, rows: [2] });
    expect(answers(['a', 'b', 'a'], ['a']).labelDuplicates).toEqual({ count: 1, rows: [2] });
  });

  it('agrees across strategies on shuffled data with gaps, repeats and strangers', () => {
    const labelIds = Array.from({ length: 500 }, (_, i) => String(i * 3));
    const predictionIds = [...labelIds].reverse().filter((_, i) => i % 7 !== 0);
    predictionIds.push('1', '4', labelIds[10]!, labelIds[20]!);
    const typed = answers(labelIds, predictionIds);
    const mapped = answers(
      labelIds.map((id) => `k${id}`),
      predictionIds.map((id) => `k${id}`),
    );
    expect(typed.strategy).toBe('typed-index');
    expect(mapped.strategy).toBe('map');
    expect(typed.answers).toEqual(mapped.answers);
    expect(typed.missing.count).toBe(mapped.missing.count);
    expect(typed.unknown.count).toBe(2);
    expect(mapped.duplicates.count).toBe(2);
  });
});
