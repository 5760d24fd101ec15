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
  /** Read the test set's float32 bytes from `file` (a file copy beats the IPC pipe for megabytes). */
  | { id: number; kind: 'stage'; file: string; shape: number[]; batchSize: number }
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

async function answer(request: OnnxRequest): Promise<unknown> {
  if (request.kind === 'load') {
    model = await loadOnnxModel(request.bytes, request.threads);
    const { predict: _predict, dispose: _dispose, ...description } = model;
    return description satisfies OnnxDescription;
  }
  if (!model) throw new Error('no model is loaded');
  if (request.kind === 'predict') return model.predict(request.batch);
  if (request.kind === 'stage') {
    staged = undefined;
    const bytes = await readFile(request.file);
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
    const data = new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
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

if (process.send) {
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
