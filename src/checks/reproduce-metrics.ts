/**
 * Reads a metrics file (JSON object, nested objects flattened with dots; or YAML) and compares
 * claimed with reproduced values under per-metric tolerances, over one or several seeded runs.
 */
import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import { parseLocatedOrThrow } from './yaml-locate.js';

/** Allowed difference for one metric: within `abs` or within `rel` × |claimed| (either suffices). */
export interface Tolerance {
  abs?: number;
  rel?: number;
}

/** One metric's comparison. */
export interface MetricComparison {
  name: string;
  claimed: number | undefined;
  /** Mean over the runs that produced it. */
  reproduced: number | undefined;
  /** Sample standard deviation over runs (0 for a single run). */
  spread: number;
  runs: number;
  allowed: number | undefined;
  within: boolean;
}

/** Reads `relative` under `root` as a flat map of numeric metrics. */
export async function readMetricsFile(root: string, relative: string): Promise<Map<string, number>> {
  const absolute = await resolveInside(root, relative);
  const text = (await readInputFile(absolute, relative, { maxBytes: 4 * 1024 * 1024 })).toString('utf8');
  const document = parseLocatedOrThrow(text, relative);
  if (typeof document.value !== 'object' || document.value === null || Array.isArray(document.value)) {
    throw new InputFileError(
      relative,
      `${relative} must be a JSON (or YAML) object of metric names to numbers, e.g. {"accuracy": 0.91}`,
    );
  }
  const metrics = new Map<string, number>();
  flatten(document.value as Record<string, unknown>, '', metrics);
  return metrics;
}

function flatten(value: Record<string, unknown>, prefix: string, out: Map<string, number>, depth = 0) {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof item === 'number') out.set(name, item);
    else if (typeof item === 'object' && item !== null && !Array.isArray(item) && depth < 5) {
      flatten(item as Record<string, unknown>, name, out, depth + 1);
    }
  }
}

/** Compares each toleranced metric: the claim must lie within tolerance + 2 × spread of the mean. */
export function compareMetrics(
  tolerances: Record<string, Tolerance>,
  claimed: Map<string, number>,
  runs: Map<string, number>[],
): MetricComparison[] {
  return Object.entries(tolerances).map(([name, tolerance]) => {
    const values = runs
      .map((run) => run.get(name))
      .filter((value): value is number => Number.isFinite(value));
    const claim = claimed.get(name);
    const mean = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
    const spread =
      values.length > 1
        ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean!) ** 2, 0) / (values.length - 1))
        : 0;
    const allowed =
      claim === undefined
        ? undefined
        : Math.max(tolerance.abs ?? 0, (tolerance.rel ?? 0) * Math.abs(claim)) + 2 * spread;
    const within = claim !== undefined && mean !== undefined && Math.abs(claim - mean) <= allowed! + 1e-12;
    return { name, claimed: claim, reproduced: mean, spread, runs: values.length, allowed, within };
  });
}
