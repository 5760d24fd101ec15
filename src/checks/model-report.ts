/**
 * What the `model` check reports from its measurements: metrics (full precision, for rubrics), the
 * one-line summary, and the tables (per-class, confusion matrix — shared with the predictions check —
 * and a model table comparing parameter counts when `compare_to` is set).
 */

import type { ClassificationMetrics, ConfusionMatrix } from '../data/classification-metrics.js';
import type { HiddenLabels } from '../data/hidden-labels.js';
import type { LoadedModel } from '../models/loaded-model.js';
import type { Timing } from '../models/time-model.js';
import type { Table } from '../results/results-schema.js';
import { classMetrics, predictionTables } from './predictions-report.js';

/** Size facts of the compare_to model. */
export interface Comparison {
  label: string;
  file: string;
  parameters: number;
  bytesOnDisk: number;
}

/** Everything measured in one run of the check. */
export interface ModelMeasurements {
  file: string;
  model: LoadedModel;
  metrics: ClassificationMetrics;
  matrix: ConfusionMatrix;
  classNames: string[];
  invalidOutputs: number;
  timing: Timing;
  comparison: Comparison | undefined;
}

/** The class-name view the shared per-class and confusion tables need (no tiers in this check). */
function labelView(classNames: string[]): HiddenLabels {
  return { classNames, displayOrder: classNames.map((_, k) => k) } as Pick<
    HiddenLabels,
    'classNames' | 'displayOrder'
  > as HiddenLabels;
}

/** Metric values by name (see MODEL_METRICS). */
export function modelMetrics(m: ModelMeasurements): Record<string, number | null> {
  const size = sizeMetrics(m.model, m.comparison);
  return {
    accuracy: m.metrics.accuracy,
    macro_f1: m.metrics.macroF1,
    weighted_f1: m.metrics.weightedF1,
    zero_f1_classes: m.metrics.zeroF1Classes,
    classes: m.metrics.perClass.filter((scores) => scores.scored).length,
    examples: m.metrics.examples,
    invalid_outputs: m.invalidOutputs,
    ...classMetrics(m.metrics, labelView(m.classNames)),
    ...size,
    latency_p50_ms: m.timing.latencyP50Ms,
    latency_p95_ms: m.timing.latencyP95Ms,
    throughput: m.timing.throughput,
  };
}

/** Parameter and size metrics, also reported when the model cannot run on the test set. */
export function sizeMetrics(
  model: LoadedModel,
  comparison: Comparison | undefined,
): Record<string, number | null> {
  const values: Record<string, number | null> = {
    parameters: model.parameters,
    trainable_parameters: model.trainableParameters,
    model_bytes: model.bytesOnDisk,
  };
  if (comparison) {
    values['compare.parameters'] = comparison.parameters;
    values['compare.model_bytes'] = comparison.bytesOnDisk;
    values.parameter_ratio = comparison.parameters > 0 ? model.parameters / comparison.parameters : null;
    values.parameter_reduction =
      comparison.parameters > 0 ? 1 - model.parameters / comparison.parameters : null;
  }
  return values;
}

/** Per-class table, confusion matrix, and the model table. */
export function modelTables(m: ModelMeasurements) {
  const report = predictionTables(m.metrics, m.matrix, labelView(m.classNames));
  return { tables: [modelTable(m.file, m.model, m.comparison), ...report.tables], notices: report.notices };
}

/** One row per model: parameters (total, trainable), size, format and backend. */
export function modelTable(file: string, model: LoadedModel, comparison: Comparison | undefined): Table {
  const rows: Table['rows'] = [
    [
      cell(file),
      model.parameters,
      model.trainableParameters,
      model.bytesOnDisk,
      `${model.format} on ${model.backend} (${model.device})`,
    ],
  ];
  if (comparison) {
    const ratio =
      comparison.parameters > 0
        ? `${(model.parameters / comparison.parameters).toFixed(3)}× the parameters`
        : '';
    rows.push([
      cell(`${comparison.file} (${comparison.label})`),
      comparison.parameters,
      null,
      comparison.bytesOnDisk,
      ratio,
    ]);
  }
  return {
    id: 'model',
    title: 'Model size',
    columns: ['model', 'parameters', 'trainable', 'bytes on disk', 'notes'],
    rows,
  };
}

/** "accuracy 0.9712, macro F1 0.9709 on 5,000 examples; 12,810 parameters (0.25× dense); p50 0.41 ms; 3,120 examples/s". */
export function modelSummary(m: ModelMeasurements, unmet: string[]): string {
  const number = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));
  const count = (value: number) => value.toLocaleString('en-US');
  const parts = [
    `accuracy ${number(m.metrics.accuracy)}, macro F1 ${number(m.metrics.macroF1)} on ${count(m.metrics.examples)} examples`,
    `${count(m.model.parameters)} parameters${m.comparison ? ` (${(m.model.parameters / Math.max(m.comparison.parameters, 1)).toFixed(2)}× the ${m.comparison.label}'s ${count(m.comparison.parameters)})` : ''}`,
  ];
  if (m.timing.latencyP50Ms !== null) parts.push(`latency p50 ${m.timing.latencyP50Ms.toFixed(2)} ms`);
  if (m.timing.throughput !== null) parts.push(`${count(Math.round(m.timing.throughput))} examples/s`);
  const verdict = unmet.length > 0 ? ` (below pass_when: ${unmet.join(', ')})` : '';
  return `${parts.join('; ')}${verdict}`;
}

function cell(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
