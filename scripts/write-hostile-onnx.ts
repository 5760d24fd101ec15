/**
 * Writes the hostile ONNX fixtures of test/fixtures/models/hostile/ (issue 10): small valid models,
 * each built to attack the grader the way a submission did. All take `input` [batch, 4] float32 and
 * give `scores` [batch, 2].
 *
 * - constant-external.onnx: a Constant node whose value is external data at `package.json` (offset 0,
 *   4 bytes), a path relative to the grader's working directory: the scores leak grader bytes.
 * - function-external.onnx: the same Constant inside a model-local function the graph calls.
 * - loop-in-if.onnx: a Loop with no trip count and a condition that stays true, inside the
 *   then-branch of an If that is always taken: inference never finishes.
 * - constant-of-shape.onnx: ConstantOfShape of [batch, 2097152] floats, 8 MiB per example (2 GiB for
 *   a batch of 256).
 * - slow.onnx: 200 chained 2048×2048 MatMuls that depend on the input (about 3.4 TFLOP per batch).
 *
 * `npm run build && node build/scripts/write-hostile-onnx.js` rewrites them; test/models checks that
 * the committed files are what this script writes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AttributeType, DataType, encodeModel, node, valueInfo } from './onnx-proto.js';

const INPUT = valueInfo('input', ['batch', 4]);
const SCORES = valueInfo('scores', ['batch', 2]);
const OPSET = [{ domain: '', version: 13 }];

/** W [4, 2]: class 0 scores the sum of the first two features, class 1 the last two. */
const weights = {
  name: 'W',
  dims: [4, 2],
  dataType: DataType.FLOAT,
  rawData: Buffer.from(Float32Array.of(1, 0, 1, 0, 0, 1, 0, 1).buffer),
};

const tensorAttribute = (name: string, t: object) => ({ name, t, type: AttributeType.TENSOR });
const graphAttribute = (name: string, g: object) => ({ name, g, type: AttributeType.GRAPH });
const int64s = (name: string, values: number[]) => ({
  name,
  dims: [values.length],
  dataType: DataType.INT64,
  int64Data: values,
});

/** A float tensor of one element whose data is 4 bytes of `file`, found relative to the working directory. */
const externalScalar = (file: string) => ({
  name: 'leak',
  dims: [1],
  dataType: DataType.FLOAT,
  dataLocation: 1,
  externalData: [
    { key: 'location', value: file },
    { key: 'offset', value: '0' },
    { key: 'length', value: '4' },
  ],
});

function model(name: string, nodes: object[], extra: object = {}) {
  return encodeModel({
    irVersion: 8,
    producerName: 'mlgrade scripts/write-hostile-onnx.ts',
    opsetImport: OPSET,
    graph: { name, node: nodes, initializer: [weights], input: [INPUT], output: [SCORES] },
    ...extra,
  });
}

function constantExternal() {
  return model('constant_external', [
    node('Constant', [], 'leaked', [tensorAttribute('value', externalScalar('package.json'))]),
    node('MatMul', ['input', 'W'], 'logits'),
    node('Add', ['logits', 'leaked'], 'scores'),
  ]);
}

function functionExternal() {
  const leakFunction = {
    name: 'Leak',
    domain: 'hostile',
    input: [],
    output: ['out'],
    node: [node('Constant', [], 'out', [tensorAttribute('value', externalScalar('package.json'))])],
    opsetImport: OPSET,
  };
  return model(
    'function_external',
    [
      { ...node('Leak', [], 'leaked'), domain: 'hostile' },
      node('MatMul', ['input', 'W'], 'logits'),
      node('Add', ['logits', 'leaked'], 'scores'),
    ],
    { opsetImport: [...OPSET, { domain: 'hostile', version: 1 }], functions: [leakFunction] },
  );
}

function loopInIf() {
  const bool = (value: boolean) => ({
    name: 'b',
    dims: [],
    dataType: DataType.BOOL,
    rawData: Buffer.of(+value),
  });
  const body = {
    name: 'forever',
    node: [node('Identity', ['cond_in'], 'cond_out'), node('Identity', ['x_in'], 'x_out')],
    input: [
      valueInfo('iteration', [], DataType.INT64),
      valueInfo('cond_in', [], DataType.BOOL),
      valueInfo('x_in', ['batch', 4]),
    ],
    output: [valueInfo('cond_out', [], DataType.BOOL), valueInfo('x_out', ['batch', 4])],
  };
  const thenBranch = {
    name: 'then',
    node: [
      node('Constant', [], 'keep_going', [tensorAttribute('value', bool(true))]),
      node('Loop', ['', 'keep_going', 'input'], 'looped', [graphAttribute('body', body)]),
    ],
    output: [valueInfo('looped', ['batch', 4])],
  };
  const elseBranch = {
    name: 'else',
    node: [node('Identity', ['input'], 'passed')],
    output: [valueInfo('passed', ['batch', 4])],
  };
  return model('loop_in_if', [
    node('Constant', [], 'always', [tensorAttribute('value', bool(true))]),
    node('If', ['always'], 'branch', [
      graphAttribute('then_branch', thenBranch),
      graphAttribute('else_branch', elseBranch),
    ]),
    node('MatMul', ['branch', 'W'], 'scores'),
  ]);
}

function constantOfShape() {
  const constant = (name: string, values: number[]) =>
    node('Constant', [], name, [tensorAttribute('value', int64s(name, values))]);
  return model('constant_of_shape', [
    node('Shape', ['input'], 'shape'),
    constant('zero', [0]),
    constant('one', [1]),
    constant('width', [2097152]),
    node('Slice', ['shape', 'zero', 'one'], 'batch'),
    {
      ...node('Concat', ['batch', 'width'], 'big_shape'),
      attribute: [{ name: 'axis', i: 0, type: AttributeType.INT }],
    },
    node('ConstantOfShape', ['big_shape'], 'big'),
    node('ReduceSum', ['big', 'one'], 'total'),
    node('MatMul', ['input', 'W'], 'logits'),
    node('Add', ['logits', 'total'], 'scores'),
  ]);
}

function slow() {
  const size = 2048;
  const nodes: object[] = [
    node('Constant', [], 'square_shape', [tensorAttribute('value', int64s('square_shape', [size, size]))]),
    node('ConstantOfShape', ['square_shape'], 'ones'),
    node('ReduceSum', ['input'], 'sum'),
    node('Mul', ['ones', 'sum'], 'm0'),
  ];
  const count = 200;
  for (let i = 1; i <= count; i++) nodes.push(node('MatMul', [`m${i - 1}`, `m${i - 1}`], `m${i}`));
  nodes.push(
    node('ReduceSum', [`m${count}`], 'total'),
    node('MatMul', ['input', 'W'], 'logits'),
    node('Add', ['logits', 'total'], 'scores'),
  );
  return model('slow', nodes);
}

/** The fixtures by file name. */
export function hostileOnnxModels(): Record<string, Uint8Array> {
  return {
    'constant-external.onnx': constantExternal(),
    'function-external.onnx': functionExternal(),
    'loop-in-if.onnx': loopInIf(),
    'constant-of-shape.onnx': constantOfShape(),
    'slow.onnx': slow(),
  };
}

/** Writes every fixture under `dir`. */
export async function writeHostileOnnx(dir: string) {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(hostileOnnxModels()))
    await writeFile(path.join(dir, name), bytes);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { packageRoot } = await import('../src/package-root.js');
  await writeHostileOnnx(path.join(packageRoot(), 'test', 'fixtures', 'models', 'hostile'));
}
