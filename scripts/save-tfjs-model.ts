/**
 * Writes TF.js models to disk the way `model.save('file://…')` would with tfjs-node (model.json plus
 * one weight shard), which plain tfjs cannot do in Node; and a GraphModel twin of a dense network,
 * written as a GraphDef in model.json, so the tests cover the GraphModel format too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const SHARD = 'group1-shard1of1.bin';

/** Saves `model` under `dir`; `truncateWeights` keeps only half the shard (a broken example). */
export async function saveLayersModel(
  model: tf.LayersModel,
  dir: string,
  options: { truncateWeights?: boolean } = {},
) {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
      const manifest = [{ paths: [SHARD], weights: artifacts.weightSpecs }];
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: manifest,
      };
      await writeFile(path.join(dir, 'model.json'), `${JSON.stringify(json)}\n`);
      await writeFile(
        path.join(dir, SHARD),
        options.truncateWeights ? weights.subarray(0, weights.length >> 1) : weights,
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

const dim = (sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });
const floatConst = (name: string, shape: number[]) => ({
  name,
  op: 'Const',
  attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim(shape) } } },
});
const T = { T: { type: 'DT_FLOAT' } };

/** Writes a 784-64-10 dense LayersModel as a GraphModel (Placeholder → Reshape → MatMul/BiasAdd/Relu → Softmax). */
export async function saveGraphDense(model: tf.LayersModel, dir: string) {
  const [w1, b1, w2, b2] = model.getWeights();
  const nodes = [
    {
      name: 'x',
      op: 'Placeholder',
      attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim([-1, 28, 28, 1]) } },
    },
    {
      name: 'flat_shape',
      op: 'Const',
      attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: dim([2]) } } },
    },
    { name: 'flat', op: 'Reshape', input: ['x', 'flat_shape'], attr: { ...T, Tshape: { type: 'DT_INT32' } } },
    floatConst('w1', [784, 64]),
    floatConst('b1', [64]),
    {
      name: 'mm1',
      op: 'MatMul',
      input: ['flat', 'w1'],
      attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } },
    },
    { name: 'add1', op: 'BiasAdd', input: ['mm1', 'b1'], attr: T },
    { name: 'relu1', op: 'Relu', input: ['add1'], attr: T },
    floatConst('w2', [64, 10]),
    floatConst('b2', [10]),
    {
      name: 'mm2',
      op: 'MatMul',
      input: ['relu1', 'w2'],
      attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } },
    },
    { name: 'add2', op: 'BiasAdd', input: ['mm2', 'b2'], attr: T },
    { name: 'probabilities', op: 'Softmax', input: ['add2'], attr: T },
  ];
  const weights = [
    { name: 'flat_shape', shape: [2], dtype: 'int32' },
    { name: 'w1', shape: [784, 64], dtype: 'float32' },
    { name: 'b1', shape: [64], dtype: 'float32' },
    { name: 'w2', shape: [64, 10], dtype: 'float32' },
    { name: 'b2', shape: [10], dtype: 'float32' },
  ];
  const data = [new Int32Array([-1, 784]), ...(await Promise.all([w1!, b1!, w2!, b2!].map((t) => t.data())))];
  await mkdir(dir, { recursive: true });
  const json = {
    format: 'graph-model',
    generatedBy: 'mlgrade scripts/save-tfjs-model.ts',
    convertedBy: null,
    modelTopology: { node: nodes, versions: { producer: 1 } },
    weightsManifest: [{ paths: [SHARD], weights }],
  };
  await writeFile(path.join(dir, 'model.json'), `${JSON.stringify(json)}\n`);
  await writeFile(
    path.join(dir, SHARD),
    Buffer.concat(data.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength))),
  );
}
