/**
 * loadDataset decodes the bytes whose sha256 it verified. It used to hash the file in one open and
 * read it in a second: a file renamed over the pinned one in between was decoded unverified. Here the
 * second lstat of the file (the one a second open makes) is preceded by that rename, so the old code
 * decodes the other file and the new one, which opens the file once, never sees it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDataset } from '../../src/data/load-dataset.js';
import { tempDir } from '../helpers/temp-dir.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, lstat: vi.fn(actual.lstat) };
});

const { lstat, rename } = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');

afterEach(() => {
  vi.mocked(fs.lstat).mockReset();
});

const PINNED = 'x,label\n1,a\n2,b\n';
const OTHER = 'x,label\n9,b\n9,b\n';

describe('loadDataset', () => {
  it('decodes the bytes it verified, even if the file is replaced after the first open', async () => {
    const dir = await tempDir({ 'test.csv': PINNED, 'other.csv': OTHER });
    const target = path.join(dir, 'test.csv');
    let looks = 0;
    vi.mocked(fs.lstat).mockImplementation((async (file: string) => {
      if (file === target && ++looks === 2) await rename(path.join(dir, 'other.csv'), target);
      return lstat(file);
    }) as typeof fs.lstat);
    const sha256 = createHash('sha256').update(PINNED).digest('hex');
    const dataset = await loadDataset(
      { format: 'csv', inputs: { path: 'test.csv', sha256 }, classes: ['a', 'b'] },
      dir,
      1024,
    );
    expect(Array.from(dataset.labels)).toEqual([0, 1]);
    expect(Array.from(dataset.examples.data)).toEqual([1, 2]);
    expect(dataset.log[0]).toMatch(/^verified test\.csv \(16 bytes, sha256 /);
  });
});
