/**
 * The predicted class of every labelled example, after matching by id, with the rows whose label cannot
 * be scored: empty/NaN ("invalid") or not one of the classes ("unknown label"). Both count as wrong.
 *
 * With an open class set (no `classes` configured) a label that only the predictions use becomes a
 * class of its own, as in scikit-learn, whose label set is the union of the true and predicted labels:
 * its rows still count as wrong (no test example has that label), and it is still listed as an unknown
 * label so that the student is told. Only the labels of rows that are scored count: a label used only
 * by an ignored row (an id not in the test set, a repeated id) does not make a class.
 */
import type { Alignment, RowExamples } from './align-by-id.js';
import { INVALID_LABEL, type LabelRows } from './label-rows.js';

/** How many distinct unknown labels are kept with their counts. */
const KEPT_UNKNOWN_LABELS = 1000;

/** One label value outside the class set and the prediction rows that used it. */
export interface UnknownLabel {
  /** Label code: a dictionary index at or past the class count, or LABEL_OVERFLOW. */
  code: number;
  count: number;
  /** First prediction row (0-based) with this label. */
  firstRow: number;
  /** True when the label was scored as a class of its own (open class set); see {@link PredictedClasses.addedClasses}. */
  asClass: boolean;
}

/** Per-example predicted classes plus what could not be scored. */
export interface PredictedClasses {
  /** For each label row: the predicted class index, or -1 (missing, invalid, or an unknown label not scored as a class). */
  predicted: Int32Array;
  /** Prediction rows used for scoring whose label is empty or NaN. */
  invalid: RowExamples;
  /** Prediction rows used for scoring whose label is not a class, grouped by label. */
  unknownLabels: UnknownLabel[];
  unknownLabelRows: number;
  /**
   * Open class set only: label codes (dictionary indexes past the classes) that became classes; code
   * `addedClasses[j]` is class index `classCount + j` in `predicted`. Empty when the set is fixed.
   */
  addedClasses: number[];
}

/**
 * Predicted class per label row from the alignment; codes at or past `classCount` are unknown labels,
 * which become classes `classCount, classCount + 1, …` when `openClasses` (LABEL_OVERFLOW never does).
 */
export function predictedClasses(
  labels: LabelRows,
  predictions: LabelRows,
  alignment: Alignment,
  classCount: number,
  openClasses = false,
): PredictedClasses {
  const predicted = new Int32Array(labels.count);
  const invalid: RowExamples = { count: 0, rows: [] };
  const unknown = new Map<number, UnknownLabel>();
  const addedClasses: number[] = [];
  const classOf = new Map<number, number>();
  let unknownLabelRows = 0;
  const answeredBy = alignment.answeredBy;
  const codes = predictions.labels;
  for (let row = 0; row < labels.count; row++) {
    const answer = answeredBy[row]! - 1;
    const code = answer < 0 ? -1 : codes[answer]!;
    if (code >= 0 && code < classCount) {
      predicted[row] = code;
      continue;
    }
    predicted[row] = -1;
    if (answer < 0) continue; // missing: reported from the alignment
    if (code === INVALID_LABEL) {
      if (invalid.count++ < 20) invalid.rows.push(answer);
    } else {
      unknownLabelRows++;
      const asClass = openClasses && code >= classCount;
      if (asClass) {
        let k = classOf.get(code);
        if (k === undefined) {
          k = classCount + addedClasses.push(code) - 1;
          classOf.set(code, k);
        }
        predicted[row] = k;
      }
      const seen = unknown.get(code);
      if (seen) seen.count++;
      else if (unknown.size < KEPT_UNKNOWN_LABELS || asClass)
        unknown.set(code, { code, count: 1, firstRow: answer, asClass });
    }
  }
  const unknownLabels = [...unknown.values()].sort((a, b) => b.count - a.count || a.firstRow - b.firstRow);
  return { predicted, invalid, unknownLabels, unknownLabelRows, addedClasses };
}
