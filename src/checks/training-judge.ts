/** The training-dynamics judgments: convergence, non-finite values and overfitting. */
import type { LogPoint } from './training-log.js';

/** What the log shows. */
export interface TrainingVerdict {
  steps: number;
  initialLoss: number | null;
  finalLoss: number | null;
  /** final / initial smoothed loss. */
  lossRatio: number | null;
  converged: boolean;
  /**
   * Lines whose loss or val_loss is NaN, infinite, or beyond ±{@link MAX_LOSS_MAGNITUDE} (where
   * averaging a few of them overflows to Infinity): all are divergence.
   */
  nonFiniteLines: number[];
  /** Lines whose (usable) loss is below 0, which no training loss the ratio test suits can be. */
  negativeLines: number[];
  /** The loss on the first of `negativeLines`, or null. */
  firstNegativeLoss: number | null;
  /** Line of the first usable loss (where the initial smoothed loss starts), or null. */
  firstLine: number | null;
  overfitting: boolean;
  bestValLoss: number | null;
  finalValLoss: number | null;
  finalValAccuracy: number | null;
  /** Step where val_loss was lowest, when overfitting was flagged. */
  bestValStep: number | null;
}

/**
 * Largest |loss| taken as a number. Beyond it, a sum of a few values overflows to Infinity, and an
 * initial loss of Infinity made final / initial = 0 read as "converged"; such values are divergence.
 * At 1e300 even 10^8 of them sum without overflow, more points than a log under the size cap holds.
 */
export const MAX_LOSS_MAGNITUDE = 1e300;

/** A loss value that can be averaged and divided without overflow. */
const usable = (value: number) => Number.isFinite(value) && Math.abs(value) <= MAX_LOSS_MAGNITUDE;

/** Judges the points: smoothed over `window` points, converged when final ≤ `ratio` × initial. */
export function judgeTraining(
  points: LogPoint[],
  window: number,
  ratio: number,
  overfitTolerance: number,
): TrainingVerdict {
  const nonFiniteLines = points
    .filter((p) => !usable(p.loss) || (p.valLoss !== undefined && !usable(p.valLoss)))
    .map((p) => p.line);
  const finite = points.filter((p) => usable(p.loss));
  const negativeLines = finite.filter((p) => p.loss < 0).map((p) => p.line);
  const size = Math.max(1, Math.min(window, Math.floor(finite.length / 2)));
  const initialLoss = finite.length >= 2 ? mean(finite.slice(0, size).map((p) => p.loss)) : null;
  const finalLoss = finite.length >= 2 ? mean(finite.slice(-size).map((p) => p.loss)) : null;
  const lossRatio =
    initialLoss !== null && finalLoss !== null && initialLoss > 0 ? finalLoss / initialLoss : null;
  const converged =
    nonFiniteLines.length === 0 &&
    negativeLines.length === 0 &&
    lossRatio !== null &&
    Number.isFinite(lossRatio) &&
    lossRatio <= ratio;
  const validation = points.filter((p) => p.valLoss !== undefined && usable(p.valLoss));
  const best = validation.reduce<LogPoint | undefined>(
    (low, p) => (low === undefined || p.valLoss! < low.valLoss! ? p : low),
    undefined,
  );
  const last = validation.at(-1);
  const lastAccuracy = points.filter((p) => p.valAccuracy !== undefined).at(-1)?.valAccuracy;
  const overfitting =
    best !== undefined &&
    last !== undefined &&
    last !== best &&
    last.valLoss! > best.valLoss! * (1 + overfitTolerance) &&
    trainLossFellAfter(finite, best.step, size);
  return {
    steps: points.length,
    initialLoss,
    finalLoss,
    lossRatio,
    converged,
    nonFiniteLines,
    negativeLines,
    firstNegativeLoss: finite.find((p) => p.loss < 0)?.loss ?? null,
    firstLine: finite[0]?.line ?? null,
    overfitting,
    bestValLoss: best?.valLoss ?? null,
    finalValLoss: last?.valLoss ?? null,
    finalValAccuracy: lastAccuracy ?? null,
    bestValStep: overfitting ? best!.step : null,
  };
}

/** True when the smoothed training loss after `step` ends lower than around `step`. */
function trainLossFellAfter(points: LogPoint[], step: number, window: number): boolean {
  const at = points.findIndex((p) => p.step >= step);
  if (at < 0) return false;
  const around = mean(points.slice(Math.max(0, at - window + 1), at + 1).map((p) => p.loss));
  return mean(points.slice(-window).map((p) => p.loss)) < around;
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
