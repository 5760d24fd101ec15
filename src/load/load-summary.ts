/** Reduces a load phase to the numbers reports and rubrics use (milliseconds, requests/second). */
import type { LoadResult } from './load-run.js';

/** Percentiles are coordinated-omission corrected unless named `uncorrected_*`. */
export interface LoadSummary {
  p50_ms: number | null;
  p90_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  uncorrected_p99_ms: number | null;
  throughput_rps: number;
  requests: number;
  errors: number;
  timeouts: number;
  error_rate: number;
}

/** Summary of one phase. */
export function summariseLoad(result: LoadResult): LoadSummary {
  const empty = result.corrected.totalCount === 0;
  const at = (p: number) => (empty ? null : round(result.corrected.getValueAtPercentile(p) / 1000));
  const failed = result.errors + result.timeouts;
  const total = result.completed + failed;
  return {
    p50_ms: at(50),
    p90_ms: at(90),
    p95_ms: at(95),
    p99_ms: at(99),
    max_ms: empty ? null : round(result.corrected.maxValue / 1000),
    uncorrected_p99_ms: empty ? null : round(result.uncorrected.getValueAtPercentile(99) / 1000),
    throughput_rps: result.elapsedMs > 0 ? round((result.completed * 1000) / result.elapsedMs) : 0,
    requests: total,
    errors: result.errors,
    timeouts: result.timeouts,
    error_rate: total > 0 ? round(failed / total) : 0,
  };
}

function round(value: number): number {
  return Number(value.toPrecision(5));
}
