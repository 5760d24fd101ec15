/**
 * Writes the trained example CNN as an ONNX ModelProto (opset 13) with protobufjs, so the ONNX path
 * of the `model` check is exercised on the same network as the TF.js one. Input stays NHWC
 * [n, 28, 28, 1] like the TF.js model: the graph transposes to NCHW for Conv and back before Flatten,
 * so both formats flatten in the same order and predict the same classes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import protobuf from 'protobufjs';

const FLOAT = 1;
const INTS = 7;

/** The part of onnx.proto this writer needs (field numbers from onnx/onnx.proto). */
const schema = {
  nested: {
    ModelProto: {
      fields: {
        irVersion: { type: 'int64', id: 1 },
        producerName: { type: 'string', id: 2 },
        graph: { type: 'GraphProto', id: 7 },
        opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
      },
    },
    OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
    GraphProto: {
      fields: {
        node: { rule: 'repeated', type: 'NodeProto', id: 1 },
        name: { type: 'string', id: 2 },
        initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
        input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
        output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
      },
    },
    NodeProto: {
      fields: {
        input: { rule: 'repeated', type: 'string', id: 1 },
        output: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        opType: { type: 'string', id: 4 },
        attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: 'string', id: 1 },
        ints: { rule: 'repeated', type: 'int64', id: 8 },
        type: { type: 'int32', id: 20 },
      },
    },
    TensorProto: {
      fields: {
        dims: { rule: 'repeated', type: 'int64', id: 1 },
        dataType: { type: 'int32', id: 2 },
        name: { type: 'string', id: 8 },
        rawData: { type: 'bytes', id: 9 },
      },
    },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
    TypeProto: { fields: { tensorType: { type: 'TensorTypeProto', id: 1 } } },
    TensorTypeProto: {
      fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
    },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
    Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
  },
};

const ints = (name: string, values: number[]) => ({ name, ints: values, type: INTS });
const node = (opType: string, input: string[], output: string, attribute: object[] = []) => ({
  opType,
  input,
  output: [output],
  name: output,
  attribute,
});
const valueInfo = (name: string, dims: (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType: FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  },
});

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
  const root = protobuf.Root.fromJSON(schema);
  const Model = root.lookupType('ModelProto');
  const message = Model.fromObject({
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
  await writeFile(file, Model.encode(message).finish());
}
