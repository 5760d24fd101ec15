/**
 * Worker-thread entry for sharded TF.js inference: the wasm backend runs on one thread, so the test
 * set is split across workers, each loading its own copy of the model from the artifacts it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { predictClasses } from './predict-classes.js';
import type { TfjsArtifacts } from './read-tfjs-artifacts.js';
import { loadTfjsModel } from './tfjs-model.js';

/** What the main thread sends each worker. */
export interface ShardJob {
  artifacts: TfjsArtifacts;
  shape: number[];
  data: Float32Array;
  batchSize: number;
}

async function work(job: ShardJob) {
  const model = await loadTfjsModel(job.artifacts);
  const result = await predictClasses(model, { shape: job.shape, data: job.data }, job.batchSize);
  await model.dispose();
  return result;
}

if (parentPort) {
  const port = parentPort;
  work(workerData as ShardJob).then(
    (result) => port.postMessage({ ok: true, ...result }, [result.predicted.buffer as ArrayBuffer]),
    (error: unknown) =>
      port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
}
