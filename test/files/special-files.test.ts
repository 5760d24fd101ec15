/**
 * Hostile submissions: a FIFO (named pipe) or another non-regular file where a student file is
 * expected. Opening a FIFO for reading blocks until a writer appears, so a reader that opened first
 * and checked afterwards hung the grader forever. Every reader must refuse it with a finding, at once.
 */
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { experimentCheck } from '../../src/checks/experiment.js';
import { readMetricsFile } from '../../src/checks/reproduce-metrics.js';
import { trainingCheck } from '../../src/checks/training.js';
import { LabelDictionary } from '../../src/data/label-dictionary.js';
import { readLabelFile } from '../../src/data/label-file-reader.js';
import { loadDataset } from '../../src/data/load-dataset.js';
import { InputFileError, readInputFile, resolveInside } from '../../src/files/input-files.js';
import { sha256File } from '../../src/files/sha256-file.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';

const fifos: string[] = [];

/** Makes a real FIFO with mkfifo(1) at `relative` under `root`. */
async function mkfifo(root: string, relative: string): Promise<string> {
  const target = path.join(root, relative);
  await mkdir(path.dirname(target), { recursive: true });
  execFileSync('mkfifo', [target]);
  fifos.push(target);
  return target;
}

// Should a reader still block on a FIFO (the bug), a writer that opens and closes it ends the read
// with EOF, so a failing test does not leave a thread of the pool stuck for the rest of the run.
afterEach(async () => {
  for (const fifo of fifos.splice(0)) {
    try {
      await (await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK)).close();
    } catch {
      // ENXIO: no reader is waiting, which is the expected case.
    }
  }
});

const QUICK = { timeout: 5_000 };

describe('non-regular student files are refused without blocking', () => {
  it('readInputFile refuses a FIFO, naming it', QUICK, async () => {
    const dir = await tempDir();
    const fifo = await mkfifo(dir, 'metrics.json');
    const error = await readInputFile(fifo, 'metrics.json', { maxBytes: 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).file).toBe('metrics.json');
    expect((error as InputFileError).message).toMatch(
      /metrics\.json is a FIFO \(named pipe\), not a regular file/,
    );
  });

  it('readInputFile refuses a directory', QUICK, async () => {
    const dir = await tempDir({ 'metrics.json/inner.txt': 'x' });
    await expect(
      readInputFile(path.join(dir, 'metrics.json'), 'metrics.json', { maxBytes: 1024 }),
    ).rejects.toThrow(/metrics\.json is a directory, not a regular file/);
  });

  it('sha256File refuses a FIFO and a directory instead of hanging or crashing', QUICK, async () => {
    const dir = await tempDir({ 'folder/inner.txt': 'x' });
    const fifo = await mkfifo(dir, 'data/train.csv');
    await expect(sha256File(fifo, 'data/train.csv')).rejects.toThrow(InputFileError);
    await expect(sha256File(fifo, 'data/train.csv')).rejects.toThrow(/data\/train\.csv is a FIFO/);
    await expect(sha256File(path.join(dir, 'folder'), 'folder')).rejects.toThrow(/folder is a directory/);
  });

  it('sha256File still hashes a regular file', QUICK, async () => {
    const dir = await tempDir({ 'a.txt': 'abc' });
    expect(await sha256File(path.join(dir, 'a.txt'), 'a.txt')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('reproduce: a FIFO named metrics.json becomes an InputFileError, not a hang', QUICK, async () => {
    const dir = await tempDir();
    await mkfifo(dir, 'metrics.json');
    await expect(readMetricsFile(dir, 'metrics.json')).rejects.toThrow(InputFileError);
    await expect(readMetricsFile(dir, 'metrics.json')).rejects.toThrow(/metrics\.json is a FIFO/);
  });

  it('experiment: a data file that is a FIFO is a finding on the declaring line', QUICK, async () => {
    const dir = await tempDir({
      'experiment.yaml': [
        'command: python train.py',
        'seed: 1',
        'data:',
        '  source: course',
        '  split: train',
        '  version: v1',
        '  files:',
        '    - path: data/train.csv',
        `      sha256: "${'0'.repeat(64)}"`,
        '',
      ].join('\n'),
    });
    await mkfifo(dir, 'data/train.csv');
    const outcome = await runCheck(experimentCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    const finding = outcome.findings!.find((f) => /FIFO/.test(f.message));
    expect(finding).toMatchObject({ level: 'error', file: 'experiment.yaml' });
    expect(finding!.line).toBeGreaterThan(0);
    expect(finding!.message).toMatch(
      /data\/train\.csv is a FIFO \(named pipe\), not a regular file; commit the file itself/,
    );
  });

  it('training: a FIFO log fails the check with a finding', QUICK, async () => {
    const dir = await tempDir();
    await mkfifo(dir, 'logs/train.csv');
    const outcome = await runCheck(trainingCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings![0]).toMatchObject({ level: 'error', file: 'logs/train.csv' });
    expect(outcome.findings![0]!.message).toMatch(/logs\/train\.csv is a FIFO/);
  });

  it(
    'hidden data: a FIFO as a pinned test-set file or as the labels file is an InputFileError',
    QUICK,
    async () => {
      const dir = await tempDir();
      await mkfifo(dir, 'test.csv');
      await mkfifo(dir, 'labels.csv');
      const sha256 = '0'.repeat(64);
      await expect(
        loadDataset({ format: 'csv', inputs: { path: 'test.csv', sha256 } }, dir, 1024),
      ).rejects.toThrow(/test\.csv is a FIFO/);
      await expect(
        readLabelFile(dir, 'labels.csv', {
          format: 'csv',
          columns: { id: 'id', label: 'label' },
          dictionary: new LabelDictionary(),
          maxFileBytes: 1024,
          maxLineBytes: 1024,
        }),
      ).rejects.toThrow(/labels\.csv is a FIFO/);
    },
  );

  it('resolveInside still resolves a FIFO path (the type is checked when it is read)', QUICK, async () => {
    const dir = await tempDir();
    await mkfifo(dir, 'x.json');
    expect(await resolveInside(dir, 'x.json')).toMatch(/x\.json$/);
  });
});
