/**
 * Classification metrics from a confusion matrix: accuracy, per-class precision/recall/F1, macro and
 * weighted F1, the number of zero-F1 classes, and F1 per group of classes (frequency tiers).
 *
 * Rules, chosen to match scikit-learn's defaults where it has one:
 * - Every example counts: a missing or unusable prediction is wrong (it is a false negative for the
 *   true class and a false positive for no class), so it lowers accuracy and that class's recall.
 * - A 0/0 precision or recall is 0 (scikit-learn's `zero_division=0`).
 * - Macro F1, the zero-F1 count and tier means are taken over the *scored* classes: those with at least
 *   one example (support > 0) or at least one prediction. A class that is neither in the labels nor
 *   predicted has no defined F1 and is left out (scikit-learn's default label set behaves the same).
 *   A label that only the predictions use is a class of support 0 and F1 0 when the caller's class set
 *   includes it, as the predictions check's does without `classes` (see hidden-labels.ts).
 * - Weighted F1 weights each class's F1 by its support.
 */

/** Counts of (true class, predicted class) pairs, with one extra column for "no usable prediction". */
export interface ConfusionMatrix {
  classCount: number;
  /** Row-major, `classCount` rows × `classCount + 1` columns; row = true class, column = predicted. */
  counts: Float64Array;
}

/** Builds the matrix from true class indexes (all in range) and predicted ones (out of range = none). */
export function confusionMatrix(
  truth: Int32Array,
  predicted: Int32Array,
  classCount: number,
): ConfusionMatrix {
  const width = classCount + 1;
  const counts = new Float64Array(classCount * width);
  for (let row = 0; row < truth.length; row++) {
    const guess = predicted[row]!;
    const column = guess >= 0 && guess < classCount ? guess : classCount;
    counts[truth[row]! * width + column]!++;
  }
  return { classCount, counts };
}

/** Scores of one class. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Examples whose true class this is. */
  support: number;
  /** Examples predicted as this class. */
  predicted: number;
  /** Has support or predictions: counted in macro F1, the zero-F1 count and tier means. */
  scored: boolean;
}

/** Everything computed from one confusion matrix. */
export interface ClassificationMetrics {
  examples: number;
  correct: number;
  /** Null when there are no examples. */
  accuracy: number | null;
  /** Null when no class is scored. */
  macroF1: number | null;
  weightedF1: number | null;
  /** Scored classes whose F1 is exactly 0. */
  zeroF1Classes: number;
  perClass: ClassScores[];
}

/** Computes the metrics of a confusion matrix (see the module comment for the rules). */
export function classificationMetrics(matrix: ConfusionMatrix): ClassificationMetrics {
  const { classCount, counts } = matrix;
  const width = classCount + 1;
  const support = new Float64Array(classCount);
  const predicted = new Float64Array(classCount);
  for (let truth = 0; truth < classCount; truth++) {
    for (let column = 0; column < width; column++) {
      const count = counts[truth * width + column]!;
      support[truth]! += count;
      if (column < classCount) predicted[column]! += count;
    }
  }
  const perClass: ClassScores[] = [];
  let correct = 0;
  let examples = 0;
  for (let k = 0; k < classCount; k++) {
    const hits = counts[k * width + k]!;
    correct += hits;
    examples += support[k]!;
    perClass.push(classScores(hits, support[k]!, predicted[k]!));
  }
  const scored = perClass.filter((scores) => scores.scored);
  const weighted = perClass.reduce((sum, scores) => sum + scores.f1 * scores.support, 0);
  return {
    examples,
    correct,
    accuracy: examples > 0 ? correct / examples : null,
    macroF1: mean(scored.map((scores) => scores.f1)),
    weightedF1: examples > 0 ? weighted / examples : null,
    zeroF1Classes: scored.filter((scores) => scores.f1 === 0).length,
    perClass,
  };
}

function classScores(hits: number, support: number, predicted: number): ClassScores {
  const precision = predicted > 0 ? hits / predicted : 0;
  const recall = support > 0 ? hits / support : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support, predicted, scored: support > 0 || predicted > 0 };
}

/** Mean F1 and zero-F1 count over the scored classes of one group (e.g. the rare tier). */
export interface GroupScores {
  /** Scored classes in the group. */
  classes: number;
  /** Null when the group has no scored class. */
  f1: number | null;
  zeroF1: number;
}

/** Scores of the classes whose indexes `members` holds. */
export function groupScores(metrics: ClassificationMetrics, members: readonly number[]): GroupScores {
  const scored = members.map((k) => metrics.perClass[k]!).filter((scores) => scores.scored);
  return {
    classes: scored.length,
    f1: mean(scored.map((scores) => scores.f1)),
    zeroF1: scored.filter((scores) => scores.f1 === 0).length,
  };
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}
