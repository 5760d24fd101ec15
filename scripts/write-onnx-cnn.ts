/**
 * Writes the trained example CNN as an ONNX ModelProto (opset 13) with protobufjs, so the ONNX path
 * of the `model` check is exercised on the same network as the TF.js one. Input stays NHWC
 * [n, 28, 28, 1] like the TF.js model: the graph transposes to NCHW for Conv and back before Flatten,
 * so both formats flatten in the same order and predict the same classes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { DataType, encodeModel, ints, node, valueInfo } from './onnx-proto.js';

const FLOAT = DataType.FLOAT;

/** Encodes the conv16-conv32-dense10 Sequential CNN of train-cnn.ts as model.onnx at `file`. */
export async function writeOnnxCnn(model: tf.LayersModel, file: string) {
  const [k1, b1, k2, b2, w3, b3] = model.getWeights();
  const tensor = async (name: string, value: tf.Tensor) => ({
    name,
    dims: value.shape,
    dataType: FLOAT,
    rawData: Buffer.from(((await value.data()) as Float32Array).buffer),
  });
  const initializer = await Promise.all([
    tensor('W1', k1!.transpose([3, 2, 0, 1])),
    tensor('B1', b1!),
    tensor('W2', k2!.transpose([3, 2, 0, 1])),
    tensor('B2', b2!),
    tensor('W3', w3!),
    tensor('B3', b3!),
  ]);
  const pool = [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])];
  const nodes = [
    node('Transpose', ['input'], 'nchw', [ints('perm', [0, 3, 1, 2])]),
    node('Conv', ['nchw', 'W1', 'B1'], 'conv1'),
    node('Relu', ['conv1'], 'relu1'),
    node('MaxPool', ['relu1'], 'pool1', pool),
    node('Conv', ['pool1', 'W2', 'B2'], 'conv2'),
    node('Relu', ['conv2'], 'relu2'),
    node('MaxPool', ['relu2'], 'pool2', pool),
    node('Transpose', ['pool2'], 'nhwc', [ints('perm', [0, 2, 3, 1])]),
    node('Flatten', ['nhwc'], 'flat'),
    node('MatMul', ['flat', 'W3'], 'logits'),
    node('Add', ['logits', 'B3'], 'scores'),
    node('Softmax', ['scores'], 'probabilities'),
  ];
  const bytes = encodeModel({
    irVersion: 7,
    producerName: 'mlgrade scripts/write-onnx-cnn.ts',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'mnist_cnn',
      node: nodes,
      initializer,
      input: [valueInfo('input', ['batch', 28, 28, 1])],
      output: [valueInfo('probabilities', ['batch', 10])],
    },
  });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
}
