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
/** Chunks per worker: enough to rebalance when a core is busy, few enough to keep messages cheap. */
const CHUNKS_PER_WORKER = 4;
const keys = new WeakMap<TfjsArtifacts, number>();
let nextKey = 1;

/** The prediction running now; the next waits for it (see shardedPredict). */
let running: Promise<unknown> = Promise.resolve();

/**
 * Predicts `inputs` on `workers` pooled threads. Throws the first worker's error. Calls run one at a
 * time: the pool's workers keep the model they loaded last, and two models predicting at once in one
 * process (`mlgrade grade-all` grades several submissions concurrently) would send one model's shards
 * to a worker loading the other. Each call uses every worker, so waiting costs no throughput.
 */
export function shardedPredict(
  artifacts: TfjsArtifacts,
  inputs: Tensor32,
  batchSize: number,
  workers: number,
): Promise<Predictions> {
  const turn = running.then(() => predictExclusive(artifacts, inputs, batchSize, workers));
  running = turn.catch(() => undefined);
  return turn;
}

async function predictExclusive(
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
  // Several chunks per worker, handed out as workers free up: a core that another process is using
  // must not hold the whole run back, as one fixed half per worker would.
  const size = Math.max(1, Math.ceil(count / (workers * CHUNKS_PER_WORKER * batchSize))) * batchSize;
  const starts = Array.from({ length: Math.ceil(count / size) }, (_, i) => i * size);
  const predicted = new Int32Array(count);
  let classes = 0;
  let next = 0;
  const drain = async (entry: PooledWorker) => {
    while (next < starts.length) {
      const start = starts[next++]!;
      const end = Math.min(count, start + size);
      const result = await runShard(entry, key, artifacts, sliceRows(inputs, start, end), batchSize);
      predicted.set(result.predicted, start);
      classes = result.classes;
    }
  };
  await Promise.all(pool.slice(0, Math.min(workers, starts.length)).map(drain));
  return { predicted, classes };
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
