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
import { predictClasses } from './predict-classes.js';

/** A request from the parent; `id` pairs it with its answer. */
export type OnnxRequest =
  | { id: number; kind: 'load'; bytes: Uint8Array; threads: number }
  | { id: number; kind: 'predict'; batch: Tensor32 }
  | { id: number; kind: 'classes'; inputs: Tensor32; batchSize: number }
  /** The same, with the inputs' float32 bytes in `file` (a copy through a file beats the IPC pipe). */
  | { id: number; kind: 'classes-from-file'; file: string; shape: number[]; batchSize: number };

/** The answer to a request: its result, or the error's message. */
export type OnnxAnswer =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; message: string };

/** What a `load` answers: the model's description, without its methods. */
export type OnnxDescription = Omit<LoadedModel, 'predict' | 'dispose' | 'predictClasses'>;

let model: LoadedModel | undefined;
/** Chunks of the test set run one after another, in the order they were sent. */
let queue: Promise<unknown> = Promise.resolve();

async function answer(request: OnnxRequest): Promise<unknown> {
  if (request.kind === 'load') {
    model = await loadOnnxModel(request.bytes, request.threads);
    const { predict: _predict, dispose: _dispose, ...description } = model;
    return description satisfies OnnxDescription;
  }
  if (!model) throw new Error('no model is loaded');
  if (request.kind === 'predict') return model.predict(request.batch);
  if (request.kind === 'classes') return predictClasses(model, request.inputs, request.batchSize);
  // The file is read at once (on libuv's threads, while an earlier chunk runs), then run in turn.
  const reading = readFile(request.file);
  const run = queue.then(async () => {
    const bytes = await reading;
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
    const data = new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
    return predictClasses(model!, { shape: request.shape, data }, request.batchSize);
  });
  queue = run.catch(() => undefined);
  return run;
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
