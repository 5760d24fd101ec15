/** Single-example latency of a loaded model: p50 and p95 over N timed runs after a short warm-up. */
import type { Tensor32 } from '../data/preprocess.js';
import type { LoadedModel } from './loaded-model.js';
import { sliceRows } from './predict-classes.js';

/** Timing figures reported by the `model` check (null when not measured). */
export interface Timing {
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Examples per second over the whole batched evaluation. */
  throughput: number | null;
}

const WARMUP = 3;

/** Times `runs` predictions of one example each (the first examples of `inputs`, cycling). */
export async function singleExampleLatency(
  model: LoadedModel,
  inputs: Tensor32,
  runs: number,
): Promise<{ p50: number | null; p95: number | null }> {
  if (model.singleExampleLatency) return model.singleExampleLatency(inputs, runs);
  const count = inputs.shape[0]!;
  if (runs === 0 || count === 0) return { p50: null, p95: null };
  const times: number[] = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const example = sliceRows(inputs, i % count, (i % count) + 1);
    const started = performance.now();
    await model.predict(example);
    if (i >= WARMUP) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}
