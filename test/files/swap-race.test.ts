/**
 * The swap race in openRegularFile: a student file checked with lstat and then replaced (renamed
 * over) before it is opened. The lstat is made to do the swap right after it looks, so the race is
 * won every time; the fstat of the opened descriptor must catch what was swapped in.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { experimentCheck } from '../../src/checks/experiment.js';
import { readInputFile } from '../../src/files/input-files.js';
import { sha256File } from '../../src/files/sha256-file.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, lstat: vi.fn(actual.lstat), stat: vi.fn(actual.stat) };
});

const { lstat, rename, stat, writeFile } =
  await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');

/** The next lstat of `target` looks, then `replacement` is renamed over `target` before the open. */
function swapAfterLstat(target: string, replacement: string) {
  vi.mocked(fs.lstat).mockImplementationOnce((async (file: string) => {
    const info = await lstat(file);
    if (file === target) await rename(replacement, target);
    return info;
  }) as typeof fs.lstat);
}

/** The first lstat or stat of `target` looks, then `replacement` is renamed over it. */
function swapAfterFirstLook(target: string, replacement: string) {
  let swapped = false;
  const looking =
    (look: typeof lstat) =>
    async (file: string): Promise<Awaited<ReturnType<typeof lstat>>> => {
      const info = await look(file);
      if (file === target && !swapped) {
        swapped = true;
        await rename(replacement, target);
      }
      return info;
    };
  vi.mocked(fs.lstat).mockImplementation(looking(lstat) as typeof fs.lstat);
  vi.mocked(fs.stat).mockImplementation(looking(stat) as typeof fs.stat);
}

afterEach(() => {
  vi.mocked(fs.lstat).mockReset();
  vi.mocked(fs.stat).mockReset();
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

  it('experiment: the data file whose size is checked is the file hashed', QUICK, async () => {
    // Before, the size came from a stat of its own and the hash from a later open: a large file renamed
    // over the small one in between was hashed past max_data_bytes (and reported as a hash mismatch).
    const small = 'x\n';
    const dir = await tempDir({
      'experiment.yaml': [
        'command: python train.py',
        'seed: 1',
        'data:',
        '  source: https://example.org/data',
        '  split: train',
        '  version: "1"',
        '  files:',
        '    - path: data/train.csv',
        `      sha256: ${createHash('sha256').update(small).digest('hex')}`,
        '',
      ].join('\n'),
      'data/train.csv': small,
      'big.csv': 'y'.repeat(100),
    });
    swapAfterFirstLook(path.join(dir, 'data/train.csv'), path.join(dir, 'big.csv'));
    const outcome = await runCheck(experimentCheck, { max_data_bytes: 10 }, contextFor(dir));
    expect(outcome.metrics).toMatchObject({ data_files_verified: 0, data_files_mismatched: 0 });
    expect(outcome.findings).toEqual([
      expect.objectContaining({ level: 'error', file: 'experiment.yaml', line: 8 }),
    ]);
    expect(outcome.findings![0]!.message).toMatch(/data\/train\.csv changed while it was being opened/);
  });
});
