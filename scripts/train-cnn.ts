/**
 * Trains the example CNN (conv 16 → pool → conv 32 → pool → dense 10) with TF.js on wasm. The wasm
 * backend has no Conv2DBackpropFilter kernel, so training runs each 2-D convolution as a 3-D one of
 * depth 1 (whose gradients wasm has) and copies the weights into an ordinary Conv2D LayersModel.
 */
import * as tf from '@tensorflow/tfjs';

const BATCH = 64;

/** Returns a trained Sequential CNN taking [n, 28, 28, 1] inputs scaled to 0–1. */
export async function trainCnn(x: tf.Tensor, y: tf.Tensor, epochs: number): Promise<tf.LayersModel> {
  const he = (shape: number[], fanIn: number, seed: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed));
  const k1 = he([1, 3, 3, 1, 16], 9, 1);
  const b1 = tf.variable(tf.zeros([16]));
  const k2 = he([1, 3, 3, 16, 32], 144, 2);
  const b2 = tf.variable(tf.zeros([32]));
  const w3 = he([800, 10], 800, 3);
  const b3 = tf.variable(tf.zeros([10]));
  const forward = (batch: tf.Tensor) => {
    let h = tf.conv3d(batch.expandDims(1) as tf.Tensor5D, k1 as tf.Tensor5D, 1, 'valid').squeeze([1]);
    h = tf.maxPool(h.add(b1).relu() as tf.Tensor4D, 2, 2, 'valid');
    h = tf.conv3d(h.expandDims(1) as tf.Tensor5D, k2 as tf.Tensor5D, 1, 'valid').squeeze([1]);
    h = tf.maxPool(h.add(b2).relu() as tf.Tensor4D, 2, 2, 'valid');
    return h.reshape([-1, 800]).matMul(w3).add(b3);
  };
  const optimizer = tf.train.adam(0.002);
  const count = x.shape[0]!;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = tf.util.createShuffledIndices(count);
    for (let start = 0; start < count; start += BATCH) {
      const indices = tf.tensor1d(Int32Array.from(order.subarray(start, start + BATCH)), 'int32');
      optimizer.minimize(() => {
        const xb = tf.gather(x, indices);
        const yb = tf.oneHot(tf.gather(y, indices).toInt(), 10);
        return tf.losses.softmaxCrossEntropy(yb, forward(xb)) as tf.Scalar;
      });
      indices.dispose();
    }
  }
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.setWeights([k1.reshape([3, 3, 1, 16]), b1, k2.reshape([3, 3, 16, 32]), b2, w3, b3]);
  return model;
}
