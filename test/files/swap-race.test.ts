/**
 * The swap race in openRegularFile: a student file checked with lstat and then replaced (renamed
 * over) before it is opened. The lstat is made to do the swap right after it looks, so the race is
 * won every time; the fstat of the opened descriptor must catch what was swapped in.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readInputFile } from '../../src/files/input-files.js';
import { sha256File } from '../../src/files/sha256-file.js';
import { tempDir } from '../helpers/temp-dir.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, lstat: vi.fn(actual.lstat) };
});

const { lstat, rename, writeFile } =
  await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');

/** The next lstat of `target` looks, then `replacement` is renamed over `target` before the open. */
function swapAfterLstat(target: string, replacement: string) {
  vi.mocked(fs.lstat).mockImplementationOnce((async (file: string) => {
    const info = await lstat(file);
    if (file === target) await rename(replacement, target);
    return info;
  }) as typeof fs.lstat);
}

afterEach(() => {
  vi.mocked(fs.lstat).mockReset();
});

const QUICK = { timeout: 5_000 };

describe('a file swapped between the lstat and the open', () => {
  it('another regular file swapped in is refused as changed, not read', QUICK, async () => {
    const dir = await tempDir({ 'labels.csv': 'id,label\n1,a\n', 'other.csv': 'id,label\n1,b\n' });
    const target = path.join(dir, 'labels.csv');
    swapAfterLstat(target, path.join(dir, 'other.csv'));
    await expect(readInputFile(target, 'labels.csv', { maxBytes: 1024 })).rejects.toThrow(
      /labels\.csv changed while it was being opened/,
    );
  });

  it('a FIFO swapped in neither blocks the open nor is read', QUICK, async () => {
    const dir = await tempDir({ 'data/train.csv': 'x\n' });
    const target = path.join(dir, 'data/train.csv');
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    swapAfterLstat(target, fifo);
    await expect(sha256File(target, 'data/train.csv')).rejects.toThrow(/data\/train\.csv is a FIFO/);
  });

  it('without a swap the same file reads as before', QUICK, async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'a.txt');
    await writeFile(target, 'hello');
    expect((await readInputFile(target, 'a.txt', { maxBytes: 1024 })).toString()).toBe('hello');
  });
});
