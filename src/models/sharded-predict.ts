/**
 * Splits a test set into contiguous shards and predicts each on a pooled worker thread, then joins
 * the predictions in order. Used for TF.js on wasm (single-threaded per instance); native backends and
 * onnxruntime use every core themselves and run in-process. Workers start once per process, keep the
 * last model they loaded, and are unref'd while idle so they never keep the process alive.
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

interface PooledWorker {
  worker: Worker;
  /** Key of the model this worker holds. */
  loaded: number | undefined;
}

const pool: PooledWorker[] = [];
const keys = new WeakMap<TfjsArtifacts, number>();
let nextKey = 1;

/** Predicts `inputs` on `workers` pooled threads. Throws the first worker's error. */
export async function shardedPredict(
  artifacts: TfjsArtifacts,
  inputs: Tensor32,
  batchSize: number,
  workers: number,
): Promise<Predictions> {
  const script = workerScript();
  if (!script) throw new Error('the inference worker script is missing; run `npm run build`');
  if (!keys.has(artifacts)) keys.set(artifacts, nextKey++);
  const key = keys.get(artifacts)!;
  while (pool.length < workers) pool.push({ worker: startWorker(script), loaded: undefined });
  const count = inputs.shape[0]!;
  const per = Math.ceil(count / workers);
  const shards = Array.from(
    { length: workers },
    (_, i) => [i * per, Math.min(count, (i + 1) * per)] as const,
  );
  const used = shards.filter(([start, end]) => end > start);
  const results = await Promise.all(
    used.map(([start, end], i) =>
      runShard(pool[i]!, key, artifacts, sliceRows(inputs, start, end), batchSize),
    ),
  );
  const predicted = new Int32Array(count);
  for (const [i, result] of results.entries()) predicted.set(result.predicted, used[i]![0]);
  return { predicted, classes: results[0]?.classes ?? 0 };
}

function startWorker(script: string): Worker {
  const worker = new Worker(script);
  worker.unref();
  // A worker that dies is dropped from the pool; the shard it was running rejects through 'error'.
  worker.once('exit', () => {
    const index = pool.findIndex((entry) => entry.worker === worker);
    if (index >= 0) pool.splice(index, 1);
  });
  return worker;
}

function runShard(
  entry: PooledWorker,
  key: number,
  artifacts: TfjsArtifacts,
  shard: Tensor32,
  batchSize: number,
): Promise<Predictions> {
  const data = shard.data.slice(); // a copy the worker can own
  const job: ShardJob = {
    key,
    artifacts: entry.loaded === key ? undefined : artifacts,
    shape: shard.shape,
    data,
    batchSize,
  };
  const { worker } = entry;
  worker.ref();
  return new Promise<Predictions>((resolve, reject) => {
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(error);
    };
    const onMessage = (message: { ok: boolean; message?: string } & Predictions) => {
      worker.off('error', onError);
      entry.loaded = message.ok ? key : undefined;
      if (message.ok) resolve({ predicted: message.predicted, classes: message.classes });
      else reject(new Error(message.message));
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage(job, [data.buffer as ArrayBuffer]);
  }).finally(() => worker.unref());
}

/** The compiled worker beside this module, or under build/ when this module runs from source (tests). */
export function workerScript(): string | undefined {
  const beside = fileURLToPath(new URL('./predict-worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = path.join(packageRoot(), 'build', 'src', 'models', 'predict-worker.js');
  return existsSync(built) ? built : undefined;
}
