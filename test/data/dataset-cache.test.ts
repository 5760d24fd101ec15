/**
 * The in-process cache of prepared test sets: a hit only while the files are the ones verified, a
 * changed file read and verified again (a wrong hash is still the error it always was), a bound in
 * bytes that evicts and never fails a load, and one read shared by concurrent checks.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetCache } from '../../src/data/dataset-cache.js';
import type { DatasetSpec } from '../../src/data/load-dataset.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A CSV test set of `rows` rows of two features; the label alternates a, b. */
function csv(rows: number, offset = 0): string {
  const lines = ['x,y,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i + offset},${2 * i},${i % 2 === 0 ? 'a' : 'b'}`);
  return `${lines.join('\n')}\n`;
}
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const spec = (file: string, text: string): DatasetSpec => ({
  format: 'csv',
  inputs: { path: file, sha256: sha(text) },
  classes: ['a', 'b'],
});
const MAX = 1024 * 1024;

describe('DatasetCache', () => {
  it('serves the same prepared tensor again, saying so in the log, while the file is unchanged', async () => {
    const text = csv(4);
    const dir = await tempDir({ 'test.csv': text });
    const cache = new DatasetCache(MAX);
    const first = await cache.prepare(spec('test.csv', text), { scale: false }, dir, MAX);
    const second = await cache.prepare(spec('test.csv', text), { scale: false }, dir, MAX);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.inputs).toBe(first.inputs);
    // Worked out by hand: rows (i, 2i) for i = 0..3, labels a b a b.
    expect([...first.inputs.data]).toEqual([0, 0, 1, 2, 2, 4, 3, 6]);
    expect([...second.dataset.labels]).toEqual([0, 1, 0, 1]);
    expect(second.dataset.log.at(-1)).toContain('from the in-process cache');
  });

  it('keys by the preprocessing options too', async () => {
    const text = csv(2);
    const dir = await tempDir({ 'test.csv': text });
    const cache = new DatasetCache(MAX);
    await cache.prepare(spec('test.csv', text), {}, dir, MAX);
    const scaled = await cache.prepare(spec('test.csv', text), { scale: true }, dir, MAX);
    expect(scaled.cached).toBe(false);
    expect(scaled.inputs.data[2]).toBeCloseTo(1 / 255, 7);
  });

  it('reads a replaced file again and refuses it when it no longer has the pinned sha256', async () => {
    const text = csv(4);
    const dir = await tempDir({ 'test.csv': text, 'other.csv': csv(4, 100) });
    const cache = new DatasetCache(MAX);
    await cache.prepare(spec('test.csv', text), {}, dir, MAX);
    await rename(path.join(dir, 'other.csv'), path.join(dir, 'test.csv'));
    await expect(cache.prepare(spec('test.csv', text), {}, dir, MAX)).rejects.toThrow(
      /test\.csv has sha256 [0-9a-f]{64}, but the course config pins/,
    );
  });

  it('reads a file rewritten in place again (same inode, new mtime) and verifies it', async () => {
    const text = csv(4);
    const dir = await tempDir({ 'test.csv': text });
    const cache = new DatasetCache(MAX);
    await cache.prepare(spec('test.csv', text), {}, dir, MAX);
    await writeFile(path.join(dir, 'test.csv'), await readFile(path.join(dir, 'test.csv')));
    await utimes(path.join(dir, 'test.csv'), new Date(), new Date(Date.now() + 5000));
    const again = await cache.prepare(spec('test.csv', text), {}, dir, MAX);
    expect(again.cached).toBe(false);
    expect(again.dataset.log.join('\n')).toContain('verified test.csv');
  });

  it('refuses a same-size rewrite in place whose old mtime was put back (cp -p, touch -r)', async () => {
    const text = csv(4);
    const file = 'test.csv';
    const dir = await tempDir({ [file]: text });
    // A whole second, which utimes can put back exactly (a sub-millisecond mtime it could not).
    const when = new Date('2026-01-01T00:00:00Z');
    await utimes(path.join(dir, file), when, when);
    const cache = new DatasetCache(MAX);
    await cache.prepare(spec(file, text), {}, dir, MAX);
    const swapped = text.replace('0,0,a', '9,9,a'); // the same length, other values
    expect(swapped).toHaveLength(text.length);
    await writeFile(path.join(dir, file), swapped);
    await utimes(path.join(dir, file), when, when);
    expect((await stat(path.join(dir, file))).mtime).toEqual(when);
    await expect(cache.prepare(spec(file, text), {}, dir, MAX)).rejects.toThrow(
      /test\.csv has sha256 [0-9a-f]{64}, but the course config pins/,
    );
  });

  it('evicts the least recently used set past its bound, and uses a set too big to keep without keeping it', async () => {
    const small = csv(10);
    const other = csv(10, 50);
    const big = csv(200);
    const dir = await tempDir({ 'a.csv': small, 'b.csv': other, 'big.csv': big });
    // Each 10-row set: 20 float32 inputs (80 B) + 20 float32 raw (80 B) + 10 int32 labels (40 B) = 200 B.
    const cache = new DatasetCache(450);
    await cache.prepare(spec('a.csv', small), {}, dir, MAX);
    await cache.prepare(spec('b.csv', other), {}, dir, MAX);
    expect(cache.bytes).toBe(400);
    await cache.prepare(spec('a.csv', small), {}, dir, MAX); // a is now the most recent
    const huge = await cache.prepare(spec('big.csv', big), {}, dir, MAX);
    expect(huge.inputs.shape).toEqual([200, 2]);
    expect(cache.size).toBe(2);
    const c = await tempDir({ 'c.csv': csv(10, 7) });
    await cache.prepare(spec('c.csv', csv(10, 7)), {}, c, MAX); // pushes out b, the least recent
    expect((await cache.prepare(spec('a.csv', small), {}, dir, MAX)).cached).toBe(true);
    expect((await cache.prepare(spec('b.csv', other), {}, dir, MAX)).cached).toBe(false);
  });

  it('keeps nothing with a bound of 0', async () => {
    const text = csv(2);
    const dir = await tempDir({ 'test.csv': text });
    const cache = new DatasetCache(0);
    await cache.prepare(spec('test.csv', text), {}, dir, MAX);
    expect((await cache.prepare(spec('test.csv', text), {}, dir, MAX)).cached).toBe(false);
    expect(cache.bytes).toBe(0);
  });

  it('shares one read between concurrent requests for the same set, and does not keep a failure', async () => {
    const text = csv(4);
    const dir = await tempDir({ 'test.csv': text });
    const cache = new DatasetCache(MAX);
    const [a, b] = await Promise.all([
      cache.prepare(spec('test.csv', text), {}, dir, MAX),
      cache.prepare(spec('test.csv', text), {}, dir, MAX),
    ]);
    expect(a.inputs).toBe(b.inputs);
    const wrong: DatasetSpec = {
      ...spec('test.csv', text),
      inputs: { path: 'test.csv', sha256: '0'.repeat(64) },
    };
    await expect(cache.prepare(wrong, {}, dir, MAX)).rejects.toThrow(/pins 0{64}/);
    await expect(cache.prepare(wrong, {}, dir, MAX)).rejects.toThrow(/pins 0{64}/);
  });
});
