/**
 * Inspects an ONNX model before onnxruntime sees it: counts its parameters and refuses what the
 * grader must never run. onnxruntime does not expose initializers, so this walks the protobuf wire
 * format directly, reading only lengths, integers and short strings.
 *
 * Every tensor is visited, wherever it sits: the graph's initializers and sparse initializers, node
 * attributes (`Constant`'s `value`, any TENSOR/TENSORS/SPARSE_TENSOR attribute), the subgraphs of
 * GRAPH/GRAPHS attributes (`If` branches, `Loop`/`Scan` bodies), at any depth, model-local functions
 * and training graphs. Any tensor with external data is refused (onnxruntime would open that path on
 * the runner: a submission must never make the grader read files it names), and so is any node that
 * repeats a subgraph (`Loop`, `Scan`), at any depth.
 */

// Field numbers from onnx/onnx.proto.
const MODEL = { graph: 7, trainingInfo: 20, functions: 25 };
const TRAINING_INFO = { initialization: 1, algorithm: 2 };
const GRAPH = { node: 1, initializer: 5, sparseInitializer: 15 };
const NODE = { name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, t: 5, g: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 };
const FUNCTION = { name: 1, node: 7, attributeProto: 11 };
const SPARSE_TENSOR = { values: 1, indices: 2 };
const TENSOR = { dims: 1, name: 8, externalData: 13, dataLocation: 14 };
const STRING_ENTRY = { key: 1, value: 2 };

/** Operators that repeat a subgraph a data-dependent number of times: a hostile model could never finish. */
const LOOPING_OPS = new Set(['Loop', 'Scan']);
/** Subgraphs nest at most this deep (If in Loop in If…); deeper is refused rather than walked. */
const MAX_DEPTH = 32;

/** A model the grader refuses to run: `message` says what was found, where, and what to do. */
export class OnnxRefusal extends Error {
  override name = 'OnnxRefusal';
}

/**
 * Total elements of the main graph's initializers. Throws OnnxRefusal for external data or a looping
 * operator anywhere in the model, and Error when the bytes are not a well-formed protobuf message.
 */
export function onnxParameterCount(model: Uint8Array): number {
  let total = 0;
  const scanner = new Scanner(model);
  forEachField(model, 0, model.length, (field, wire, start, end) => {
    if (wire !== 2) return;
    if (field === MODEL.graph) {
      scanner.graph(start, end, 'the main graph', 0);
      for (const tensor of fields(model, start, end, GRAPH.initializer)) {
        total += tensorElements(model, tensor.start, tensor.end);
      }
    } else if (field === MODEL.functions) scanner.function(start, end);
    else if (field === MODEL.trainingInfo) {
      forEachField(model, start, end, (inner, innerWire, at, next) => {
        if (innerWire !== 2) return;
        if (inner === TRAINING_INFO.initialization || inner === TRAINING_INFO.algorithm) {
          scanner.graph(at, next, 'a training graph', 1);
        }
      });
    }
  });
  return total;
}

interface Span {
  start: number;
  end: number;
}

class Scanner {
  constructor(private readonly bytes: Uint8Array) {}

  graph(start: number, end: number, where: string, depth: number): void {
    if (depth > MAX_DEPTH) {
      throw new OnnxRefusal(
        `${where} nests subgraphs more than ${MAX_DEPTH} deep, which grading does not run; export a simpler model`,
      );
    }
    forEachField(this.bytes, start, end, (field, wire, at, next) => {
      if (wire !== 2) return;
      if (field === GRAPH.node) this.node(at, next, where, depth);
      else if (field === GRAPH.initializer) this.tensor(at, next, `an initializer of ${where}`);
      else if (field === GRAPH.sparseInitializer) this.sparse(at, next, `a sparse initializer of ${where}`);
    });
  }

  function(start: number, end: number): void {
    const name = this.text(start, end, FUNCTION.name) || '(unnamed)';
    const where = `the model-local function "${name}"`;
    forEachField(this.bytes, start, end, (field, wire, at, next) => {
      if (wire !== 2) return;
      if (field === FUNCTION.node) this.node(at, next, where, 1);
      else if (field === FUNCTION.attributeProto)
        this.attribute(at, next, `a default attribute of ${where}`, 1);
    });
  }

  private node(start: number, end: number, where: string, depth: number): void {
    const op = this.text(start, end, NODE.opType);
    const name = this.text(start, end, NODE.name);
    const self = `the ${op || '(no op_type)'} node${name ? ` "${name}"` : ''} in ${where}`;
    if (LOOPING_OPS.has(op)) {
      throw new OnnxRefusal(
        `the graph uses the ${op} operator, which grading does not run (a loop may never finish): ${self}; export the model without loops`,
      );
    }
    for (const attribute of fields(this.bytes, start, end, NODE.attribute)) {
      this.attribute(attribute.start, attribute.end, self, depth);
    }
  }

  private attribute(start: number, end: number, owner: string, depth: number): void {
    const name = this.text(start, end, ATTRIBUTE.name);
    const where = `the ${name || '(unnamed)'} attribute of ${owner}`;
    forEachField(this.bytes, start, end, (field, wire, at, next) => {
      if (wire !== 2) return;
      if (field === ATTRIBUTE.t || field === ATTRIBUTE.tensors) this.tensor(at, next, `a tensor in ${where}`);
      else if (field === ATTRIBUTE.sparseTensor || field === ATTRIBUTE.sparseTensors) {
        this.sparse(at, next, `a sparse tensor in ${where}`);
      } else if (field === ATTRIBUTE.g || field === ATTRIBUTE.graphs) {
        this.graph(at, next, `the subgraph in ${where}`, depth + 1);
      }
    });
  }

  private sparse(start: number, end: number, where: string): void {
    forEachField(this.bytes, start, end, (field, wire, at, next) => {
      if (wire === 2 && (field === SPARSE_TENSOR.values || field === SPARSE_TENSOR.indices)) {
        this.tensor(at, next, where);
      }
    });
  }

  private tensor(start: number, end: number, where: string): void {
    let external = false;
    let location = '';
    forEachField(this.bytes, start, end, (field, wire, at, next, value) => {
      // DEFAULT is 0; anything else (EXTERNAL, or a value a newer onnxruntime may read) is refused.
      if (field === TENSOR.dataLocation && (wire !== 0 || value !== 0)) external = true;
      if (field === TENSOR.externalData && wire === 2) {
        external = true;
        if (this.text(at, next, STRING_ENTRY.key) === 'location') {
          location = this.text(at, next, STRING_ENTRY.value);
        }
      }
    });
    if (!external) return;
    const tensorName = this.text(start, end, TENSOR.name);
    const named = location ? `; it names "${location.slice(0, 200)}"` : '';
    throw new OnnxRefusal(
      `${where}${tensorName ? ` (tensor "${tensorName}")` : ''} stores its data in an external file; export with the weights inside the .onnx file (onnx.save_model(model, path, save_as_external_data=False)): the grader never opens files a model names${named}`,
    );
  }

  /** The first length-delimited `field` of the message as UTF-8, clipped; '' when absent. */
  private text(start: number, end: number, field: number): string {
    const span = fields(this.bytes, start, end, field)[0];
    if (!span) return '';
    return Buffer.from(this.bytes.subarray(span.start, Math.min(span.end, span.start + 200))).toString(
      'utf8',
    );
  }
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
    if (field !== TENSOR.dims) return;
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
