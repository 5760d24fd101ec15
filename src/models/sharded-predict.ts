/**
 * Splits a test set into contiguous shards and predicts each on its own worker thread, then joins the
 * predictions in order. Used for TF.js on wasm (single-threaded per instance); native backends and
 * onnxruntime use every core themselves and run in-process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Tensor32 } from '../data/preprocess.js';
import { packageRoot } from '../package-root.js';
import { type Predictions, sliceRows } from './predict-classes.js';
import type { ShardJob } from './predict-worker.js';
import type { TfjsArtifacts } from './read-tfjs-artifacts.js';

/** Predicts `inputs` on `workers` threads. Throws the first worker's error. */
export async function shardedPredict(
  artifacts: TfjsArtifacts,
  inputs: Tensor32,
  batchSize: number,
  workers: number,
): Promise<Predictions> {
  const script = workerScript();
  if (!script) throw new Error('the inference worker script is missing; run `npm run build`');
  const count = inputs.shape[0]!;
  const per = Math.ceil(count / workers);
  const shards = Array.from(
    { length: workers },
    (_, i) => [i * per, Math.min(count, (i + 1) * per)] as const,
  ).filter(([start, end]) => end > start);
  const results = await Promise.all(
    shards.map(([start, end]) => runShard(script, artifacts, sliceRows(inputs, start, end), batchSize)),
  );
  const predicted = new Int32Array(count);
  for (const [i, result] of results.entries()) predicted.set(result.predicted, shards[i]![0]);
  return { predicted, classes: results[0]?.classes ?? 0 };
}

function runShard(
  script: string,
  artifacts: TfjsArtifacts,
  shard: Tensor32,
  batchSize: number,
): Promise<Predictions> {
  const data = shard.data.slice(); // a copy the worker can own
  const job: ShardJob = {
    artifacts: { ...artifacts, weightData: artifacts.weightData.slice(0) },
    shape: shard.shape,
    data,
    batchSize,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, {
      workerData: job,
      transferList: [data.buffer as ArrayBuffer, job.artifacts.weightData],
    });
    worker.once('message', (message: { ok: boolean; message?: string } & Predictions) => {
      void worker.terminate();
      if (message.ok) resolve({ predicted: message.predicted, classes: message.classes });
      else reject(new Error(message.message));
    });
    worker.once('error', reject);
  });
}

/** The compiled worker beside this module, or under build/ when this module runs from source (tests). */
export function workerScript(): string | undefined {
  const beside = fileURLToPath(new URL('./predict-worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = path.join(packageRoot(), 'build', 'src', 'models', 'predict-worker.js');
  return existsSync(built) ? built : undefined;
}
