/**
 * What a predictions check reports besides findings: the metrics, the one-line summary, the tier
 * scores and the tables. Metrics keep full precision (rubrics compare them); the summary and table
 * cells are rounded to 4 decimals because they are for reading.
 */

import type { Alignment } from '../data/align-by-id.js';
import {
  type ClassificationMetrics,
  type ConfusionMatrix,
  type GroupScores,
  groupScores,
} from '../data/classification-metrics.js';
import type { HiddenLabels } from '../data/hidden-labels.js';
import type { LabelFile } from '../data/label-file-reader.js';
import type { PredictedClasses } from '../data/predicted-classes.js';
import type { Finding, Table } from '../results/results-schema.js';

/** Classes beyond this many get no `class.*` metrics (the per-class table still lists them). */
export const MAX_CLASS_METRICS = 200;
/** Largest confusion matrix shown as a table: the most frequent classes beyond it are dropped. */
export const MAX_MATRIX_CLASSES = 50;
/** Rows of the per-class table (the results schema allows 1,000 columns and 10,000 rows). */
const MAX_TABLE_ROWS = 1000;
/** Metric names are capped at 200 characters; longer class names get no `class.*` metrics. */
const MAX_METRIC_NAME = 150;

/** The metrics that do not depend on class names: scores, then how the rows were matched. */
export function headlineMetrics(
  metrics: ClassificationMetrics,
  rows: number,
  predictions: LabelFile,
  alignment: Alignment,
  scored: PredictedClasses,
): Record<string, number | null> {
  return {
    accuracy: metrics.accuracy,
    macro_f1: metrics.macroF1,
    weighted_f1: metrics.weightedF1,
    zero_f1_classes: metrics.zeroF1Classes,
    classes: metrics.perClass.filter((scores) => scores.scored).length,
    rows,
    prediction_rows: predictions.rows.count,
    missing: alignment.missing.count,
    unknown_ids: alignment.unknown.count,
    duplicates: alignment.duplicates.count,
    invalid_labels: scored.invalid.count,
    unknown_labels: scored.unknownLabelRows,
    skipped_rows: predictions.issues.total(),
  };
}

/** "accuracy 0.8123, macro F1 0.7012, 3 zero-F1 classes on 10,000 examples; rare F1 0.41" (+ unmet). */
export function summaryLine(metrics: ClassificationMetrics, tiers: TierScores[], unmet: string[]): string {
  const number = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));
  const zero = `${metrics.zeroF1Classes} zero-F1 class${metrics.zeroF1Classes === 1 ? '' : 'es'}`;
  const parts = [
    `accuracy ${number(metrics.accuracy)}`,
    `macro F1 ${number(metrics.macroF1)}`,
    `${zero} on ${metrics.examples.toLocaleString('en-US')} examples`,
  ];
  const tierText = tiers.map((tier) => `; ${tier.name} F1 ${number(tier.f1)}`).join('');
  const verdict = unmet.length > 0 ? ` (below pass_when: ${unmet.join(', ')})` : '';
  return `${parts.join(', ')}${tierText}${verdict}`;
}

/** `class.<name>.precision|recall|f1|support` for up to {@link MAX_CLASS_METRICS} classes. */
export function classMetrics(metrics: ClassificationMetrics, hidden: HiddenLabels): Record<string, number> {
  const values: Record<string, number> = {};
  for (const k of hidden.displayOrder.slice(0, MAX_CLASS_METRICS)) {
    const name = hidden.classNames[k]!;
    if (name.length > MAX_METRIC_NAME) continue;
    const scores = metrics.perClass[k]!;
    values[`class.${name}.precision`] = scores.precision;
    values[`class.${name}.recall`] = scores.recall;
    values[`class.${name}.f1`] = scores.f1;
    values[`class.${name}.support`] = scores.support;
  }
  return values;
}

/** Scores of one frequency tier, with its metrics named `tier.<name>.*`. */
export interface TierScores extends GroupScores {
  name: 'rare' | 'common';
  metrics: Record<string, number | null>;
}

/** Mean F1 and zero-F1 count of the rare and common tiers, or none when tiers are not configured. */
export function tierScores(metrics: ClassificationMetrics, hidden: HiddenLabels): TierScores[] {
  const tierOf = hidden.tierOf;
  if (!tierOf) return [];
  return (['rare', 'common'] as const).map((name) => {
    const members = tierOf.flatMap((tier, k) => (tier === name ? [k] : []));
    const scores = groupScores(metrics, members);
    const values = {
      [`tier.${name}.f1`]: scores.f1,
      [`tier.${name}.zero_f1`]: scores.zeroF1,
      [`tier.${name}.classes`]: scores.classes,
    };
    return { name, ...scores, metrics: values };
  });
}

/** The `per-class` and `confusion-matrix` tables, and notices saying what they leave out. */
export function predictionTables(
  metrics: ClassificationMetrics,
  matrix: ConfusionMatrix,
  hidden: HiddenLabels,
) {
  const notices: Finding[] = [];
  const order = hidden.displayOrder;
  if (order.length > MAX_CLASS_METRICS) {
    notices.push(
      notice(`class.* metrics are reported for the first ${MAX_CLASS_METRICS} of ${order.length} classes.`),
    );
  }
  if (order.length > MAX_TABLE_ROWS) {
    notices.push(notice(`The per-class table lists the first ${MAX_TABLE_ROWS} of ${order.length} classes.`));
  }
  const columns = ['class', 'precision', 'recall', 'f1', 'support', ...(hidden.tierOf ? ['tier'] : [])];
  const rows = order.slice(0, MAX_TABLE_ROWS).map((k) => {
    const scores = metrics.perClass[k]!;
    const cells = [
      cell(hidden.classNames[k]!),
      round(scores.precision),
      round(scores.recall),
      round(scores.f1),
      scores.support,
    ];
    return hidden.tierOf ? [...cells, hidden.tierOf[k]!] : cells;
  });
  const perClass: Table = { id: 'per-class', title: 'Per-class precision, recall and F1', columns, rows };
  return { tables: [perClass, confusionTable(metrics, matrix, hidden, notices)], notices };
}

/** Rows are true classes, columns predicted ones; the last column counts examples with no usable prediction. */
function confusionTable(
  metrics: ClassificationMetrics,
  matrix: ConfusionMatrix,
  hidden: HiddenLabels,
  notices: Finding[],
): Table {
  let shown = hidden.displayOrder;
  if (shown.length > MAX_MATRIX_CLASSES) {
    const frequent = new Set(
      [...shown]
        .sort((a, b) => metrics.perClass[b]!.support - metrics.perClass[a]!.support)
        .slice(0, MAX_MATRIX_CLASSES),
    );
    shown = shown.filter((k) => frequent.has(k));
    const message = `The confusion matrix table shows the ${MAX_MATRIX_CLASSES} most frequent of ${hidden.displayOrder.length} classes; predictions of the others are summed under "(other classes)".`;
    notices.push(notice(message));
  }
  const width = matrix.classCount + 1;
  const truncated = shown.length < matrix.classCount;
  const columns = [
    'true \\ predicted',
    ...shown.map((k) => cell(hidden.classNames[k]!)),
    ...(truncated ? ['(other classes)'] : []),
    '(no valid prediction)',
  ];
  const rows = shown.map((truth) => {
    const counts = matrix.counts.subarray(truth * width, truth * width + width);
    const visible = shown.map((k) => counts[k]!);
    const other =
      counts.reduce((sum, count, k) => sum + (k < matrix.classCount ? count : 0), 0) -
      visible.reduce((a, b) => a + b, 0);
    return [
      cell(hidden.classNames[truth]!),
      ...visible,
      ...(truncated ? [other] : []),
      counts[matrix.classCount]!,
    ];
  });
  return {
    id: 'confusion-matrix',
    title: 'Confusion matrix (rows: true class, columns: predicted)',
    columns,
    rows,
  };
}

function notice(message: string): Finding {
  return { level: 'notice', message };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Table cells hold at most 200 characters. */
function cell(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
