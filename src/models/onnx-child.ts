/**
 * Child-process entry for ONNX inference (see onnx-process.ts): holds one onnxruntime session and
 * answers the parent's requests over the IPC channel (V8 serialization, so typed arrays travel as
 * bytes). It runs with an empty working directory and, where `prlimit` exists, a data-segment limit,
 * so a hostile model can neither read the grader's files nor take the runner's memory.
 */
import { readFile } from 'node:fs/promises';
import type { Tensor32 } from '../data/preprocess.js';
import type { LoadedModel } from './loaded-model.js';
import { loadOnnxModel } from './onnx-model.js';
import { predictClasses, sliceRows } from './predict-classes.js';
import { singleExampleLatency } from './time-model.js';

/** A request from the parent; `id` pairs it with its answer. */
export type OnnxRequest =
  | { id: number; kind: 'load'; bytes: Uint8Array; threads: number }
  | { id: number; kind: 'predict'; batch: Tensor32 }
  /**
   * Read a test set's float32 bytes from `file` before any model is loaded (a pre-started process,
   * see onnx-process.ts), so that a later `stage` without a file finds them in memory.
   */
  | { id: number; kind: 'preload'; file: string }
  /**
   * Read the test set's float32 bytes from `file` (a file copy beats the IPC pipe for megabytes), or
   * without `file`, take the preloaded ones.
   */
  | { id: number; kind: 'stage'; file?: string | undefined; shape: number[]; batchSize: number }
  /** Predict the class of every example of the staged test set. */
  | { id: number; kind: 'classes'; batchSize: number }
  /** Time single-example predictions of the staged test set (timed here, without the IPC). */
  | { id: number; kind: 'latency'; runs: number };

/** The answer to a request: its result, or the error's message. */
export type OnnxAnswer =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; message: string };

/** What a `load` answers: the model's description, without its methods. */
export type OnnxDescription = Omit<
  LoadedModel,
  'predict' | 'dispose' | 'predictClasses' | 'stage' | 'singleExampleLatency'
>;

let model: LoadedModel | undefined;
let staged: Tensor32 | undefined;
/** The bytes a `preload` read (or is reading), taken by the next `stage` without a file. */
let preloaded: Promise<Float32Array> | undefined;
/** onnxruntime being loaded and set up (see warmRuntime); `load` waits for it. */
let warming: Promise<void> = Promise.resolve();

/** The float32 values of `file`, in a buffer aligned for a Float32Array. */
async function readValues(file: string): Promise<Float32Array> {
  const bytes = await readFile(file);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

async function answer(request: OnnxRequest): Promise<unknown> {
  if (request.kind === 'load') {
    await warming;
    model = await loadOnnxModel(request.bytes, request.threads);
    const { predict: _predict, dispose: _dispose, ...description } = model;
    return description satisfies OnnxDescription;
  }
  if (request.kind === 'preload') {
    preloaded = readValues(request.file);
    await preloaded;
    return null;
  }
  if (!model) throw new Error('no model is loaded');
  if (request.kind === 'predict') return model.predict(request.batch);
  if (request.kind === 'stage') {
    staged = undefined;
    const waiting = request.file === undefined ? preloaded : undefined;
    preloaded = undefined; // used once, or dropped: another test set was sent
    if (request.file === undefined && !waiting) throw new Error('no test set was preloaded');
    const data = waiting ? await waiting : await readValues(request.file!);
    const expected = request.shape.reduce((a, b) => a * b, 1);
    if (data.length !== expected)
      throw new Error(`the staged test set has ${data.length} values, not ${expected}`);
    staged = { shape: request.shape, data };
    // One batch through the model once, so the timed evaluation does not pay this fresh process's
    // first-run costs (compiling this JavaScript, onnxruntime's allocations for a batch that size).
    const rows = Math.min(request.shape[0]!, request.batchSize);
    if (rows > 0) await model.predict(sliceRows(staged, 0, rows));
    return null;
  }
  if (!staged) throw new Error('no test set is staged');
  if (request.kind === 'latency') return singleExampleLatency(model, staged, request.runs);
  return predictClasses(model, staged, request.batchSize);
}

/**
 * A one-node model (float x[1] → Identity → y), in the ONNX protobuf encoding: creating a session for
 * it sets up what onnxruntime sets up once per process (its environment, kernel registry), ~140 ms.
 */
const IDENTITY_MODEL = 'CAc6NwoQCgF4EgF5IghJZGVudGl0eRIBZ1oPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCAhAN';

/**
 * Loads onnxruntime's native library and sets it up with the one-node model above, so that `load`
 * pays only for the student's model. Started as soon as this process starts: while the parent is
 * still reading the model, or while this process waits as a spare (onnx-process.ts). A failure here
 * is left for `load` to meet and report.
 */
async function warmRuntime(): Promise<void> {
  const ort = await import('onnxruntime-node');
  const bytes = Buffer.from(IDENTITY_MODEL, 'base64');
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
  });
  await session.release();
}

if (process.send) {
  warming = warmRuntime().catch(() => undefined);
  process.on('message', (request: OnnxRequest) => {
    answer(request).then(
      (result) => process.send?.({ id: request.id, ok: true, result } satisfies OnnxAnswer),
      (error: unknown) =>
        process.send?.({
          id: request.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        } satisfies OnnxAnswer),
    );
  });
  // The parent going away (its channel closing) ends this process too.
  process.on('disconnect', () => process.exit(0));
}
