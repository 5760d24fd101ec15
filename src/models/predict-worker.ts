/**
 * Worker-thread entry for sharded TF.js inference: the wasm backend runs on one thread, so the test
 * set is split across a pool of workers. Each worker keeps the last model it was sent (by key), so
 * repeated evaluations of the same model do not reload it.
 */
import { parentPort } from 'node:worker_threads';
import type { LoadedModel } from './loaded-model.js';
import { predictClasses } from './predict-classes.js';
import type { TfjsArtifacts } from './read-tfjs-artifacts.js';
import { loadTfjsModel } from './tfjs-model.js';

/** What the main thread sends for one shard; `artifacts` only when the worker may not hold `key` yet. */
export interface ShardJob {
  key: number;
  artifacts: TfjsArtifacts | undefined;
  shape: number[];
  data: Float32Array;
  batchSize: number;
}

let current: { key: number; model: LoadedModel } | undefined;

async function work(job: ShardJob) {
  if (current?.key !== job.key) {
    if (!job.artifacts) throw new Error('the worker was sent a shard for a model it has not loaded');
    await current?.model.dispose();
    current = undefined;
    current = { key: job.key, model: await loadTfjsModel(job.artifacts) };
  }
  return predictClasses(current.model, { shape: job.shape, data: job.data }, job.batchSize);
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: ShardJob) => {
    work(job).then(
      (result) =>
        port.postMessage({ ok: true, key: job.key, ...result }, [result.predicted.buffer as ArrayBuffer]),
      (error: unknown) =>
        port.postMessage({
          ok: false,
          key: job.key,
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  });
}
