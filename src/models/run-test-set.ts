/**
 * Runs a model over the whole test set the fastest way its runtime allows: TF.js on wasm is split
 * across worker threads (one wasm instance per core); native TF.js and onnxruntime already use every
 * core, so they run in-process. Returns the predictions and the examples-per-second throughput.
 */
import os from 'node:os';
import type { Tensor32 } from '../data/preprocess.js';
import type { ModelHandle } from './load-model.js';
import { type Predictions, predictClasses } from './predict-classes.js';
import { shardedPredict, workerScript } from './sharded-predict.js';

/** Predictions plus how they were computed. */
export interface TestSetRun extends Predictions {
  throughput: number;
  /** Worker threads used (1 = in-process). */
  workers: number;
}

/** Below this many examples per worker, starting workers costs more than it saves. */
const MIN_EXAMPLES_PER_WORKER = 500;

/** Predicts every example of `inputs` with `handle`. */
export async function runTestSet(
  handle: ModelHandle,
  inputs: Tensor32,
  options: { batchSize: number; workers?: number | undefined },
): Promise<TestSetRun> {
  const count = inputs.shape[0]!;
  const workers = workerCount(handle, count, options.workers);
  // Copying the test set to a contained model's process is set-up, like preprocessing: not timed.
  await handle.model.stage?.(inputs, options.batchSize);
  const started = performance.now();
  const predictions =
    workers > 1 && handle.artifacts
      ? await shardedPredict(handle.artifacts, inputs, options.batchSize, workers)
      : await predictClasses(handle.model, inputs, options.batchSize);
  const seconds = (performance.now() - started) / 1000;
  return { ...predictions, throughput: seconds > 0 ? count / seconds : 0, workers };
}

function workerCount(handle: ModelHandle, count: number, requested: number | undefined): number {
  if (!handle.artifacts || handle.model.backend !== 'tfjs-wasm' || !workerScript()) return 1;
  const wanted = requested ?? os.availableParallelism();
  return Math.max(1, Math.min(wanted, Math.floor(count / MIN_EXAMPLES_PER_WORKER)));
}
