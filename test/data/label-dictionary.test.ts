import { describe, expect, it } from 'vitest';
import { LABEL_OVERFLOW, LabelDictionary } from '../../src/data/label-dictionary.js';
import { packShortLabel, ShortLabelCache } from '../../src/data/short-label-cache.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('LabelDictionary', () => {
  it('gives each distinct byte string one index, in first-seen order, from bytes or strings', () => {
    const dictionary = new LabelDictionary();
    const row = bytes('xx,cat,dog,cat');
    expect(dictionary.internBytes(row, 3, 6)).toBe(0);
    expect(dictionary.internString('dog')).toBe(1);
    expect(dictionary.internBytes(row, 11, 14)).toBe(0);
    expect(dictionary.internString('é')).toBe(2);
    expect(dictionary.names).toEqual(['cat', 'dog', 'é']);
  });

  it('stays exact through growth: 20,000 labels, including prefixes of each other', () => {
    const dictionary = new LabelDictionary();
    const names = Array.from({ length: 20_000 }, (_, i) => `${i % 2 ? 'c' : 'cc'}${i}`);
    expect(names.map((name) => dictionary.internString(name))).toEqual(names.map((_, i) => i));
    expect(names.map((name) => dictionary.indexOf(name))).toEqual(names.map((_, i) => i));
    expect(dictionary.indexOf('nope')).toBe(-1);
    expect(dictionary.size).toBe(20_000);
  });

  it('returns LABEL_OVERFLOW for new labels past the limit, still finding known ones', () => {
    const dictionary = new LabelDictionary();
    dictionary.internString('a');
    dictionary.limitNewLabels(1);
    expect(dictionary.internString('b')).toBe(1);
    expect(dictionary.internString('c')).toBe(LABEL_OVERFLOW);
    expect(dictionary.internString('a')).toBe(0);
  });
});

describe('ShortLabelCache', () => {
  it('packs up to 3 bytes with their length, so "1" and "\\u00001" differ', () => {
    expect(packShortLabel(bytes('1'), 0, 1)).not.toBe(packShortLabel(new Uint8Array([0, 49]), 0, 2));
  });

  it('answers the same index as the dictionary', () => {
    const dictionary = new LabelDictionary();
    const cache = new ShortLabelCache(dictionary);
    for (const label of ['7', 'ab', 'abc', '7', 'ab']) {
      const b = bytes(label);
      expect(cache.lookup(packShortLabel(b, 0, b.length), b, 0, b.length)).toBe(dictionary.indexOf(label));
    }
    expect(dictionary.names).toEqual(['7', 'ab', 'abc']);
  });
});
