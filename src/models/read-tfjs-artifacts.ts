/**
 * Reads a TF.js model (`model.json` + weight shards) from a student's submission without touching the
 * network or running any code: the JSON is parsed as data, every shard path must stay inside the
 * submission, sizes are capped, and the shards must hold exactly the bytes the manifest declares.
 */
import path from 'node:path';
import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';

/** Weight element types TF.js can store, and their sizes in bytes. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };
/**
 * TensorFlow control-flow ops: a GraphModel using them can loop for as long as its data says, so a
 * hostile model could hold the runner; coursework classifiers never need them.
 */
const CONTROL_FLOW_OPS = new Set(['Enter', 'Exit', 'LoopCond', 'NextIteration', 'While', 'StatelessWhile']);
/** Largest model.json accepted (the topology of any coursework model is far smaller). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** One weight as the manifest declares it. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; [key: string]: unknown };
}

/** Everything needed to load the model in memory (the shape of tf.io.ModelArtifacts). */
export interface TfjsArtifacts {
  format: 'layers-model' | 'graph-model';
  modelTopology: object;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  /** The rest of model.json that the converter reads (signature, user-defined metadata …). */
  extra: Record<string, unknown>;
  /** model.json plus every shard. */
  bytesOnDisk: number;
  /** Sum of the element counts of all weights. */
  parameters: number;
}

/** Reads and validates `relative` (a model.json inside `root`). Throws InputFileError with what to fix. */
export async function readTfjsArtifacts(
  root: string,
  relative: string,
  maxBytes: number,
): Promise<TfjsArtifacts> {
  const absolute = await resolveInside(root, relative);
  const text = await readInputFile(absolute, relative, { maxBytes: Math.min(maxBytes, MAX_JSON_BYTES) });
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.toString('utf8'));
  } catch (error) {
    throw new InputFileError(relative, `${relative} is not valid JSON; export it again with model.save()`, {
      cause: error,
    });
  }
  const format = modelFormat(json, relative);
  const groups = manifest(json, relative);
  const weightSpecs = groups.flatMap((group) => group.weights);
  const expected = weightSpecs.reduce((sum, spec) => sum + weightBytes(spec, relative), 0);
  const shards: Buffer[] = [];
  let total = text.length;
  for (const shard of groups.flatMap((group) => group.paths)) {
    const shardPath = path.posix.join(path.posix.dirname(relative.replaceAll('\\', '/')), shard);
    const bytes = await readInputFile(await resolveInside(root, shardPath), shardPath, {
      maxBytes: maxBytes - total,
      text: false,
    });
    total += bytes.length;
    shards.push(bytes);
  }
  const weightData = Buffer.concat(shards);
  if (weightData.length !== expected) {
    throw new InputFileError(
      relative,
      `the weight files of ${relative} hold ${weightData.length} bytes but its weightsManifest declares ${expected}; the shards are truncated or from another model — export the model again and commit every .bin file`,
    );
  }
  const { modelTopology: _t, weightsManifest: _w, format: _f, ...extra } = json;
  return {
    format,
    modelTopology: json.modelTopology as object,
    weightSpecs,
    weightData: weightData.buffer.slice(
      weightData.byteOffset,
      weightData.byteOffset + weightData.length,
    ) as ArrayBuffer,
    extra,
    bytesOnDisk: total,
    parameters: weightSpecs.reduce((sum, spec) => sum + elements(spec.shape), 0),
  };
}

function modelFormat(json: Record<string, unknown>, file: string): TfjsArtifacts['format'] {
  const topology = json.modelTopology;
  if (typeof topology !== 'object' || topology === null) {
    throw new InputFileError(file, `${file} has no modelTopology; it is not a TF.js model.json`);
  }
  if (json.format !== 'graph-model' && !('node' in topology)) return 'layers-model';
  const nodes = (topology as { node?: unknown }).node;
  const loop = Array.isArray(nodes) ? nodes.find((node) => CONTROL_FLOW_OPS.has(node?.op)) : undefined;
  const functions = JSON.stringify((topology as { library?: unknown }).library ?? {});
  if (loop || /"op":"(While|StatelessWhile|LoopCond)"/.test(functions)) {
    throw new InputFileError(
      file,
      `${file} uses TensorFlow control flow (loops), which grading does not run; export the model without loops`,
    );
  }
  return 'graph-model';
}

interface Group {
  paths: string[];
  weights: WeightSpec[];
}

function manifest(json: Record<string, unknown>, file: string): Group[] {
  const groups = json.weightsManifest;
  const bad = (why: string) =>
    new InputFileError(file, `${file}: weightsManifest ${why}; export the model again`);
  if (!Array.isArray(groups)) throw bad('is missing');
  return groups.map((group: Record<string, unknown>) => {
    if (!Array.isArray(group?.paths) || !group.paths.every((p) => typeof p === 'string'))
      throw bad('has a group without paths');
    if (!Array.isArray(group.weights)) throw bad('has a group without weights');
    for (const weight of group.weights as WeightSpec[]) {
      const shapeOk =
        Array.isArray(weight?.shape) && weight.shape.every((d) => Number.isInteger(d) && d >= 0);
      if (typeof weight?.name !== 'string' || !shapeOk || typeof weight.dtype !== 'string') {
        throw bad('has a weight without name, shape or dtype');
      }
    }
    return { paths: group.paths as string[], weights: group.weights as WeightSpec[] };
  });
}

function weightBytes(spec: WeightSpec, file: string): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const size = DTYPE_BYTES[stored];
  if (size === undefined) {
    throw new InputFileError(
      file,
      `${file}: weight ${spec.name} has dtype ${stored}; use float32, int32, bool, uint8 or float16`,
    );
  }
  return elements(spec.shape) * size;
}

function elements(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
