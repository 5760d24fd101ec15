/**
 * checkHiddenFiles: every hidden file a config's checks name, read from the data directory as grading
 * reads it. Expected messages and hashes are written out (hashes with node:crypto, not the code under
 * test); each problem carries the config path of the field that names the file.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CourseConfig } from '../../src/config/schema.js';
import { checkHiddenFiles, dataDirProblem } from '../../src/grading/check-hidden-files.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A course with one assignment holding `checks` (a pass criterion per check keeps it plausible). */
function course(...checks: Record<string, unknown>[]): CourseConfig {
  return {
    course: { id: 'c', title: 'C' },
    assignments: [
      {
        id: 'a1',
        title: 'A1',
        checks,
        rubric: [{ id: 'all', title: 'All', points: 1, pass: checks.map((check) => String(check.id)) }],
      },
    ],
  } as unknown as CourseConfig;
}

const predictions = (extra: Record<string, unknown> = {}) => ({
  id: 'test-set',
  kind: 'predictions',
  labels: 'labels.csv',
  ...extra,
});

const LABELS = 'id,label\n1,cat\n2,dog\n3,cat\n';

/** Two 2×2 images (IDX3, magic 0x803) and their two labels (IDX1, magic 0x801), uncompressed. */
const IMAGES = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
const IDX_LABELS = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 0, 1]);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const model = (inputs: { path: string; sha256: string }, labels: { path: string; sha256: string }) => ({
  id: 'mnist',
  kind: 'model',
  model: 'model.onnx',
  dataset: { format: 'idx', inputs, labels },
});

describe('checkHiddenFiles: predictions', () => {
  it('finds nothing wrong with a labels file that has the id and label columns', async () => {
    const data = await tempDir({ 'labels.csv': LABELS });
    expect(await checkHiddenFiles(course(predictions()), data)).toEqual([]);
  });

  it('names a missing labels file at `labels`, with the closest file in the directory', async () => {
    const data = await tempDir({ 'labels.csv.gz': 'x', 'other.txt': 'y' });
    expect(await checkHiddenFiles(course({ id: 'files', kind: 'files' }, predictions()), data)).toEqual([
      {
        segments: ['assignments', 0, 'checks', 1, 'labels'],
        message: `hidden file "labels.csv" was not found in ${data}; did you mean "labels.csv.gz"?`,
      },
    ]);
  });

  it('says the directory is empty when there is nothing to suggest', async () => {
    const data = await tempDir();
    expect(await checkHiddenFiles(course(predictions()), data)).toEqual([
      {
        segments: ['assignments', 0, 'checks', 0, 'labels'],
        message: `hidden file "labels.csv" was not found in ${data} (the directory is empty)`,
      },
    ]);
  });

  it('suggests files one folder down', async () => {
    const data = await tempDir({ 'cifar/labels.csv': LABELS });
    const [problem] = await checkHiddenFiles(course(predictions({ labels: 'cifar/label.csv' })), data);
    expect(problem?.message).toBe(
      `hidden file "cifar/label.csv" was not found in ${data}; did you mean "cifar/labels.csv"?`,
    );
  });

  it('refuses a labels file without the id column the check reads', async () => {
    const data = await tempDir({ 'labels.csv': 'image,label\n1,cat\n' });
    expect(await checkHiddenFiles(course(predictions()), data)).toEqual([
      {
        segments: ['assignments', 0, 'checks', 0, 'labels'],
        message:
          'labels.csv line 1: no "id" column; the columns found are "image", "label". Did you mean "image" for "id"? The first line must be a header naming the columns, e.g. "id,label" (names are case-sensitive). (hidden data file; fix it before grading)',
      },
    ]);
  });

  it('reads the columns the check is configured with', async () => {
    const data = await tempDir({ 'labels.csv': 'image,class\n1,cat\n' });
    const spec = predictions({ id_column: 'image', label_column: 'class' });
    expect(await checkHiddenFiles(course(spec), data)).toEqual([]);
    const [problem] = await checkHiddenFiles(course({ ...spec, label_column: 'klass' }), data);
    expect(problem?.message).toMatch(
      /^labels\.csv line 1: no "klass" column; the columns found are "image", "class"\./,
    );
  });

  it('refuses a path that leaves the directory', async () => {
    const data = await tempDir({ 'labels.csv': LABELS });
    expect(await checkHiddenFiles(course(predictions({ labels: '../labels.csv' })), data)).toEqual([
      {
        segments: ['assignments', 0, 'checks', 0, 'labels'],
        message:
          'path "../labels.csv" must be relative and stay inside its directory (hidden data file; fix it before grading)',
      },
    ]);
  });

  it('names a missing training labels file at `tiers.train_labels`', async () => {
    const data = await tempDir({ 'labels.csv': LABELS, 'train.csv': LABELS });
    const spec = predictions({ tiers: { train_labels: 'trains.csv', rare_below: 2 } });
    expect(await checkHiddenFiles(course(spec), data)).toEqual([
      {
        segments: ['assignments', 0, 'checks', 0, 'tiers', 'train_labels'],
        message: `hidden file "trains.csv" was not found in ${data}; did you mean "train.csv"?`,
      },
    ]);
  });

  it('checks every assignment and leaves checks without hidden files alone', async () => {
    const data = await tempDir({ 'labels.csv': LABELS });
    const config = course(predictions());
    config.assignments.push({
      ...config.assignments[0]!,
      id: 'a2',
      checks: [{ id: 'files', kind: 'files' } as never, predictions({ labels: 'b.csv' }) as never],
    });
    expect((await checkHiddenFiles(config, data)).map((problem) => problem.segments)).toEqual([
      ['assignments', 1, 'checks', 1, 'labels'],
    ]);
  });
});

describe('checkHiddenFiles: model test sets', () => {
  const files = { 'images.idx': IMAGES, 'labels.idx': IDX_LABELS };

  it('finds nothing wrong with a pinned test set that decodes', async () => {
    const data = await tempDir(files);
    const spec = model(
      { path: 'images.idx', sha256: sha(IMAGES) },
      { path: 'labels.idx', sha256: sha(IDX_LABELS) },
    );
    expect(await checkHiddenFiles(course(spec), data)).toEqual([]);
  });

  it('names a wrong pin at its sha256 and a missing file at its path, both at once', async () => {
    const data = await tempDir(files);
    const wrong = '0'.repeat(64);
    const spec = model({ path: 'images.idx', sha256: wrong }, { path: 'label.idx', sha256: sha(IDX_LABELS) });
    expect(await checkHiddenFiles(course(spec), data)).toEqual([
      {
        segments: ['assignments', 0, 'checks', 0, 'dataset', 'inputs', 'sha256'],
        message: `images.idx has sha256 ${sha(IMAGES)}, but the course config pins ${wrong}; the hidden data changed or is the wrong file`,
      },
      {
        segments: ['assignments', 0, 'checks', 0, 'dataset', 'labels', 'path'],
        message: `hidden file "label.idx" was not found in ${data}; did you mean "labels.idx"?`,
      },
    ]);
  });

  it('accepts a pin written in upper case, as grading does', async () => {
    const data = await tempDir(files);
    const spec = model(
      { path: 'images.idx', sha256: sha(IMAGES).toUpperCase() },
      { path: 'labels.idx', sha256: sha(IDX_LABELS) },
    );
    expect(await checkHiddenFiles(course(spec), data)).toEqual([]);
  });

  it('refuses a test set whose files are pinned right but do not decode together', async () => {
    // One label for two images: the pins hold, the set does not.
    const oneLabel = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 0]);
    const data = await tempDir({ 'images.idx': IMAGES, 'labels.idx': oneLabel });
    const spec = model(
      { path: 'images.idx', sha256: sha(IMAGES) },
      { path: 'labels.idx', sha256: sha(oneLabel) },
    );
    expect(await checkHiddenFiles(course(spec), data)).toEqual([
      {
        segments: ['assignments', 0, 'checks', 0, 'dataset', 'inputs', 'path'],
        message: 'labels.idx has 1 labels for 2 examples in images.idx',
      },
    ]);
  });

  it('refuses a pinned path that is a directory', async () => {
    const data = await tempDir({ 'images.idx/x': 'x', 'labels.idx': IDX_LABELS });
    const spec = model(
      { path: 'images.idx', sha256: sha(IMAGES) },
      { path: 'labels.idx', sha256: sha(IDX_LABELS) },
    );
    expect(await checkHiddenFiles(course(spec), data)).toEqual([
      {
        segments: ['assignments', 0, 'checks', 0, 'dataset', 'inputs', 'path'],
        message: 'images.idx is a directory, not a regular file; commit the file itself',
      },
    ]);
  });
});

describe('checkHiddenFiles: a test set two checks share', () => {
  it('reports its problem at each check that names it', async () => {
    const data = await tempDir({ 'labels.csv': LABELS });
    const wrong = { path: 'images.idx', sha256: 'ab'.repeat(32) };
    const pins = { path: 'labels.idx', sha256: 'cd'.repeat(32) };
    const problems = await checkHiddenFiles(
      course(
        predictions({ labels: 'labls.csv' }),
        { ...model(wrong, pins), id: 'a' },
        { ...model(wrong, pins), id: 'b' },
      ),
      data,
    );
    expect(problems.map((problem) => problem.segments.join('.'))).toEqual([
      'assignments.0.checks.0.labels',
      'assignments.0.checks.1.dataset.inputs.path',
      'assignments.0.checks.1.dataset.labels.path',
      'assignments.0.checks.2.dataset.inputs.path',
      'assignments.0.checks.2.dataset.labels.path',
    ]);
    expect(problems[1]!.message).toBe(problems[3]!.message);
    expect(problems[1]!.message).toBe(`hidden file "images.idx" was not found in ${data}`);
  });
});

describe('dataDirProblem', () => {
  it('accepts a directory and explains a missing one or a file', async () => {
    const dir = await tempDir({ 'file.txt': '' });
    expect(await dataDirProblem(dir)).toBeUndefined();
    const absent = path.join(dir, 'absent');
    expect(await dataDirProblem(absent)).toBe(
      `the hidden data directory ${absent} does not exist; pass --data with the directory that holds the hidden test sets`,
    );
    expect(await dataDirProblem(path.join(dir, 'file.txt'))).toBe(
      `--data ${path.join(dir, 'file.txt')} is not a directory`,
    );
  });
});
