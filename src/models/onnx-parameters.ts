/**
 * Counts the parameters of an ONNX model: the elements of the graph's initializers. onnxruntime does
 * not expose initializers, so this walks the protobuf wire format directly (ModelProto.graph = 7,
 * GraphProto.initializer = 5, TensorProto.dims = 1), reading only lengths and integers.
 */

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const GRAPH_INITIALIZER = 5;
/** Operators that repeat a subgraph a data-dependent number of times: a hostile model could never finish. */
const LOOPING_OPS = new Set(['Loop', 'Scan']);
const TENSOR_DIMS = 1;
const TENSOR_DATA_LOCATION = 14;
const EXTERNAL = 1;

/**
 * Total elements of all initializers. Throws when the bytes are not a well-formed protobuf message,
 * when an initializer keeps its data in an external file (onnxruntime would open that path on the
 * runner, and a submission must never make the grader read files it names), or when the main graph
 * uses Loop or Scan (a model that never finishes would hold the runner).
 */
export function onnxParameterCount(model: Uint8Array): number {
  let total = 0;
  for (const graph of fields(model, 0, model.length, MODEL_GRAPH)) {
    for (const node of fields(model, graph.start, graph.end, GRAPH_NODE)) {
      for (const op of fields(model, node.start, node.end, NODE_OP_TYPE)) {
        const name = Buffer.from(model.subarray(op.start, op.end)).toString('utf8');
        if (LOOPING_OPS.has(name)) {
          throw new Error(
            `the graph uses the ${name} operator, which grading does not run; export the model without loops`,
          );
        }
      }
    }
    for (const tensor of fields(model, graph.start, graph.end, GRAPH_INITIALIZER)) {
      total += tensorElements(model, tensor.start, tensor.end);
    }
  }
  return total;
}

interface Span {
  start: number;
  end: number;
}

/** Length-delimited occurrences of `wanted` in the message spanning [start, end). */
function fields(bytes: Uint8Array, start: number, end: number, wanted: number): Span[] {
  const found: Span[] = [];
  forEachField(bytes, start, end, (field, wire, at, next) => {
    if (field === wanted && wire === 2) found.push({ start: at, end: next });
  });
  return found;
}

function tensorElements(bytes: Uint8Array, start: number, end: number): number {
  const dims: number[] = [];
  forEachField(bytes, start, end, (field, wire, at, next, value) => {
    if (field === TENSOR_DATA_LOCATION && wire === 0 && value === EXTERNAL) {
      throw new Error(
        'an initializer stores its data in an external file; export with the weights inside the .onnx file',
      );
    }
    if (field !== TENSOR_DIMS) return;
    if (wire === 0) dims.push(value);
    for (let cursor = at; wire === 2 && cursor < next; ) {
      const [dim, after] = varint(bytes, cursor);
      dims.push(dim);
      cursor = after;
    }
  });
  return dims.reduce((product, dim) => product * dim, 1);
}

type Visit = (field: number, wire: number, start: number, end: number, value: number) => void;

function forEachField(bytes: Uint8Array, start: number, end: number, visit: Visit): void {
  let cursor = start;
  while (cursor < end) {
    const [key, afterKey] = varint(bytes, cursor);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let next: number;
    let value = 0;
    let at = afterKey;
    if (wire === 0) [value, next] = varint(bytes, afterKey);
    else if (wire === 1) next = afterKey + 8;
    else if (wire === 5) next = afterKey + 4;
    else if (wire === 2) {
      const [length, afterLength] = varint(bytes, afterKey);
      at = afterLength;
      next = afterLength + length;
    } else throw new Error(`unsupported protobuf wire type ${wire} at byte ${cursor}`);
    if (next > end) throw new Error(`protobuf field ${field} at byte ${cursor} runs past its message`);
    visit(field, wire, at, next, value);
    cursor = next;
  }
}

function varint(bytes: Uint8Array, start: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let cursor = start; cursor < bytes.length && cursor < start + 10; cursor++) {
    const byte = bytes[cursor]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, cursor + 1];
  }
  throw new Error(`malformed protobuf varint at byte ${start}`);
}
