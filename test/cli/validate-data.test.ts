/**
 * `mlgrade validate CONFIG --data DIR`: the hidden files a config names are read from DIR as grading
 * reads them. Each problem sits at the line and column of the field naming the file (counted by hand
 * in the configs below), and any of them makes the config invalid (exit 2).
 */
import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG, ROOT, runCli, spawnCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const EXAMPLE_DATA = path.join(ROOT, 'examples', 'hidden-data');

/** A one-assignment course whose predictions check reads `labels` (the file on line 11). */
const predictionsCourse = (labels: string) => `course: {id: c, title: C}
assignments:
  - id: a1
    title: A1
    checks:
      - id: files
        kind: files
        required: [predictions.csv]
      - id: test-set
        kind: predictions
        labels: ${labels}
    rubric:
      - {id: done, title: Done, points: 10, pass: [files, test-set]}
`;

/** A model check whose test set is pinned (the sha256 on line 12, the labels' path on line 13). */
const modelCourse = (imagesSha: string, labels: string, labelsSha: string) => `course: {id: c, title: C}
assignments:
  - id: a1
    title: A1
    checks:
      - id: mnist
        kind: model
        model: model.onnx
        dataset:
          format: idx
          inputs: {path: mnist-heldout-images-idx3-ubyte.gz,
                   sha256: ${imagesSha}}
          labels: {path: ${labels}, sha256: ${labelsSha}}
    rubric:
      - {id: accuracy, title: Accuracy, points: 10, metric: mnist.accuracy, scale: {zero_at: 0.5, full_at: 1}}
`;

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('mlgrade validate --data', () => {
  it('names a mistyped labels path at its line and column, with the file that is there, and exits 2', async () => {
    const dir = await tempDir({ 'mlgrade.yml': predictionsCourse('cifar10-test-label.csv') });
    const data = await tempDir();
    await copyFile(
      path.join(EXAMPLE_DATA, 'cifar10-test-labels.csv'),
      path.join(data, 'cifar10-test-labels.csv'),
    );
    const config = path.join(dir, 'mlgrade.yml');
    const { code, stdout } = await spawnCli(['validate', config, '--data', data]);
    expect(code).toBe(2);
    expect(stdout).toBe(
      `${config}:11:17  assignments[0].checks[1].labels  hidden file "cifar10-test-label.csv" was not found in ${data}; did you mean "cifar10-test-labels.csv"?\n\n${config}: invalid (1 error, 0 warnings)\n`,
    );
    // The same config is valid without --data: nothing reads the hidden files then.
    expect((await spawnCli(['validate', config])).code).toBe(0);
  });

  it('refuses a labels file without the column the check reads', async () => {
    const data = await tempDir({ 'labels.csv': 'id,class\n1,cat\n2,dog\n' });
    const dir = await tempDir({ 'mlgrade.yml': predictionsCourse('labels.csv') });
    const { code, stdout } = await runCli(['validate', path.join(dir, 'mlgrade.yml'), '--data', data]);
    expect(code).toBe(2);
    expect(stdout).toMatch(
      /:11:17 {2}assignments\[0\]\.checks\[1\]\.labels {2}labels\.csv line 1: no "label" column; the columns found are "id", "class"/,
    );
  });

  it('refuses a test set whose sha256 is not the pinned one, at the pin', async () => {
    const data = await tempDir();
    for (const name of ['mnist-heldout-images-idx3-ubyte.gz', 'mnist-heldout-labels-idx1-ubyte.gz']) {
      await copyFile(path.join(EXAMPLE_DATA, name), path.join(data, name));
    }
    const images = await sha256(path.join(data, 'mnist-heldout-images-idx3-ubyte.gz'));
    const labels = await sha256(path.join(data, 'mnist-heldout-labels-idx1-ubyte.gz'));
    const good = await tempDir({
      'mlgrade.yml': modelCourse(images, 'mnist-heldout-labels-idx1-ubyte.gz', labels),
    });
    expect((await runCli(['validate', path.join(good, 'mlgrade.yml'), '--data', data])).code).toBe(0);

    const wrong = 'ab'.repeat(32);
    const dir = await tempDir({
      'mlgrade.yml': modelCourse(wrong, 'mnist-heldout-labels-idx1-ubyte.gz', labels),
    });
    const { code, stdout } = await runCli(['validate', path.join(dir, 'mlgrade.yml'), '--data', data]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      `:12:28  assignments[0].checks[0].dataset.inputs.sha256  mnist-heldout-images-idx3-ubyte.gz has sha256 ${images}, but the course config pins ${wrong}; the hidden data changed or is the wrong file`,
    );

    const moved = await tempDir({ 'mlgrade.yml': modelCourse(images, 'labels.gz', labels) });
    const missing = await runCli(['validate', path.join(moved, 'mlgrade.yml'), '--data', data]);
    expect(missing.stdout).toContain(
      `:13:26  assignments[0].checks[0].dataset.labels.path  hidden file "labels.gz" was not found in ${data}`,
    );
  });

  it('says when the directory is missing or not a directory (exit 2)', async () => {
    const dir = await tempDir({ 'mlgrade.yml': predictionsCourse('labels.csv'), 'file.txt': '' });
    const absent = path.join(dir, 'no-such-dir');
    const none = await runCli(['validate', path.join(dir, 'mlgrade.yml'), '--data', absent]);
    expect(none).toEqual({
      code: 2,
      stdout: '',
      stderr: `mlgrade validate: the hidden data directory ${absent} does not exist; pass --data with the directory that holds the hidden test sets\n`,
    });
    const file = await runCli([
      'validate',
      path.join(dir, 'mlgrade.yml'),
      '--data',
      path.join(dir, 'file.txt'),
    ]);
    expect(file.stderr).toBe(`mlgrade validate: --data ${path.join(dir, 'file.txt')} is not a directory\n`);
  });

  it('reads no hidden file without --data, even when course.data_dir is set', async () => {
    const text = predictionsCourse('no-such-labels.csv').replace(
      'course: {id: c, title: C}',
      'course: {id: c, title: C, data_dir: no-such-dir}',
    );
    const dir = await tempDir({ 'mlgrade.yml': text });
    const config = path.join(dir, 'mlgrade.yml');
    expect(await runCli(['validate', config])).toEqual({
      code: 0,
      stdout: `${config}: valid (0 errors, 0 warnings)\n`,
      stderr: '',
    });
    // With --data the same labels path is read, and missing there.
    const data = await tempDir();
    const { code, stdout } = await runCli(['validate', config, '--data', data]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      `${config}:11:17  assignments[0].checks[1].labels  hidden file "no-such-labels.csv" was not found in ${data} (the directory is empty)`,
    );
  });

  it('finds every hidden file of the example course in examples/hidden-data', async () => {
    const { code, stdout } = await runCli(['validate', EXAMPLE_CONFIG, '--data', EXAMPLE_DATA]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/: valid \(0 errors, 0 warnings\)\n$/);
  });
});
