/** The one interface the `model` check uses for every model format and backend. */
import type { Tensor32 } from '../data/preprocess.js';

/** A model ready to run, with what the check reports about it. */
export interface LoadedModel {
  format: 'tfjs-layers' | 'tfjs-graph' | 'onnx';
  /** Runtime that executes it, e.g. `tfjs-wasm`, `onnxruntime-node`. */
  backend: string;
  /** `cpu`, `gpu` or `cuda`. */
  device: string;
  /** Versions of the runtime's packages, for the results environment (e.g. `@tensorflow/tfjs`). */
  versions: Record<string, string>;
  /** Input shape including the batch dimension; null (or a name, for ONNX) marks a free dimension. */
  inputShape: (number | null)[];
  /** Output shape including the batch dimension, when the format declares it. */
  outputShape: (number | null)[] | undefined;
  /** Element type of the input the model takes (float32 is the only one the check feeds). */
  inputDtype: string;
  parameters: number;
  /** Null when the format does not say which weights are trainable. */
  trainableParameters: number | null;
  bytesOnDisk: number;
  /** Class scores for a batch: row-major [batch, classes]. */
  predict(batch: Tensor32): Promise<{ scores: Float32Array; classes: number }>;
  /**
   * The predicted class of every example, batch by batch, when the model runs elsewhere (a child
   * process) and one request for the whole test set is cheaper than one per batch.
   */
  predictClasses?(inputs: Tensor32, batchSize: number): Promise<{ predicted: Int32Array; classes: number }>;
  /**
   * Hands the test set to where the model runs (a child process) ahead of the timed evaluation, as
   * preprocessing is done ahead of it, and runs one batch of `batchSize` there as a warm-up;
   * predictClasses on the same inputs then copies nothing.
   */
  stage?(inputs: Tensor32, batchSize: number): Promise<void>;
  /** p50/p95 of single-example predictions, timed where the model runs (see time-model.ts). */
  singleExampleLatency?(inputs: Tensor32, runs: number): Promise<{ p50: number | null; p95: number | null }>;
  dispose(): Promise<void>;
}

/** Index of the largest score in each row. */
export function argmaxRows(scores: Float32Array, classes: number, out: Int32Array, offset: number): void {
  const rows = scores.length / classes;
  for (let row = 0; row < rows; row++) {
    let best = 0;
    let bestScore = scores[row * classes]!;
    for (let k = 1; k < classes; k++) {
      const score = scores[row * classes + k]!;
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    out[offset + row] = Number.isNaN(bestScore) ? -1 : best;
  }
}
