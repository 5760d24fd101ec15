/**
 * `predictions`: a student's predictions file scored against hidden labels the student never sees.
 * Reports accuracy, macro and weighted F1, per-class precision/recall/F1/support, the number of zero-F1
 * classes, mean F1 per frequency tier (rare vs common), and the confusion matrix. Seeds: 003.
 *
 * Statuses: `error` when the instructor side is broken (no data directory, labels file missing or
 * malformed, training labels for tiers unreadable); `fail` when the predictions file is unusable
 * (missing, empty, binary, too big, no id/label column) or a `pass_when` threshold is not met;
 * otherwise `pass`. Bad rows never fail the check by themselves: each is scored by the rule its
 * finding states (see predictions-findings.ts) and shows up in the metrics.
 */
import { type Static, Type } from '@sinclair/typebox';
import { alignById } from '../data/align-by-id.js';
import {
  type ClassificationMetrics,
  classificationMetrics,
  confusionMatrix,
} from '../data/classification-metrics.js';
import { type HiddenLabels, loadHiddenLabels, withPredictedClasses } from '../data/hidden-labels.js';
import { type LabelFile, readLabelFile } from '../data/label-file-reader.js';
import { predictedClasses } from '../data/predicted-classes.js';
import { InputFileError } from '../files/input-files.js';
import type { Finding } from '../results/results-schema.js';
import { checkSpec } from './common-spec.js';
import { predictionFindings } from './predictions-findings.js';
import {
  classMetrics,
  headlineMetrics,
  predictionTables,
  summaryLine,
  tierScores,
} from './predictions-report.js';
import type { CheckDefinition, CheckOutcome } from './types.js';

const DESCRIPTION =
  'A predictions file scored against hidden labels: accuracy, macro/weighted F1, per-class scores, zero-F1 classes, tiers, confusion matrix.';

const Path = (description: string) => Type.String({ minLength: 1, description });
const Threshold = (description: string) =>
  Type.Optional(Type.Number({ minimum: 0, maximum: 1, description }));

const spec = checkSpec('predictions', DESCRIPTION, {
  predictions: Type.Optional(Path('Predictions file, relative to the submission (default predictions.csv).')),
  labels: Path('Hidden labels file, relative to the hidden data directory (--data DIR or course.data_dir).'),
  format: Type.Optional(
    Type.Union([Type.Literal('csv'), Type.Literal('jsonl'), Type.Literal('auto')], {
      description:
        'File format of both files: csv (with a header row), jsonl, or auto (default: .jsonl/.ndjson → jsonl, else csv).',
    }),
  ),
  id_column: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'CSV column / JSONL key holding the example id (default "id").',
    }),
  ),
  label_column: Type.Optional(
    Type.String({ minLength: 1, description: 'CSV column / JSONL key holding the label (default "label").' }),
  ),
  classes: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      uniqueItems: true,
      description:
        'The label set, in display order (default: every label of the labels file or of a scored prediction, as in scikit-learn).',
    }),
  ),
  tiers: Type.Optional(
    Type.Object(
      {
        train_labels: Path(
          'Training labels (same format and columns), relative to the hidden data directory.',
        ),
        rare_below: Type.Integer({
          minimum: 1,
          description: 'Classes with fewer training examples than this are "rare", the rest "common".',
        }),
      },
      {
        additionalProperties: false,
        description: 'Frequency tiers: mean F1 and zero-F1 count for rare and common classes.',
      },
    ),
  ),
  pass_when: Type.Optional(
    Type.Object(
      {
        accuracy: Threshold('Lowest accuracy that passes (0–1).'),
        macro_f1: Threshold('Lowest macro F1 that passes (0–1).'),
      },
      {
        additionalProperties: false,
        description:
          'Thresholds that must all be met to pass (default: pass whenever the file can be scored).',
      },
    ),
  ),
});

/** Options of the `predictions` check, derived from its schema. */
export type PredictionsSpec = Static<typeof spec>;

/** Metric names; `class.*` and `tier.*` stand for each class name and for `rare` / `common`. */
export const PREDICTION_METRICS = [
  'accuracy',
  'macro_f1',
  'weighted_f1',
  'zero_f1_classes',
  'classes',
  'rows',
  'prediction_rows',
  'missing',
  'unknown_ids',
  'duplicates',
  'invalid_labels',
  'unknown_labels',
  'skipped_rows',
  'class.*.precision',
  'class.*.recall',
  'class.*.f1',
  'class.*.support',
  'tier.*.f1',
  'tier.*.zero_f1',
  'tier.*.classes',
] as const;

/** The `predictions` check definition. */
export const predictionsCheck: CheckDefinition<PredictionsSpec> = {
  kind: 'predictions',
  description: DESCRIPTION,
  spec,
  metrics: PREDICTION_METRICS,
  async run(options, context) {
    let started = performance.now();
    const hidden = await loadHiddenLabels(options, context);
    if ('problems' in hidden) return instructorProblem(hidden.problems);
    const log = [
      `read ${hidden.file}: ${hidden.labels.rows.count} rows, ${hidden.classNames.length} classes in ${since(started)}`,
    ];
    const file = options.predictions ?? 'predictions.csv';
    started = performance.now();
    let predictions: LabelFile;
    try {
      predictions = await readLabelFile(context.submissionDir, file, {
        format: options.format ?? 'auto',
        columns: hidden.columns,
        dictionary: hidden.dictionary,
        maxLineBytes: context.limits.maxLineBytes,
        maxFileBytes: context.limits.maxFileBytes,
      });
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      return unusable(file, error, hidden, log);
    }
    log.push(`read ${file}: ${predictions.rows.count} rows (${predictions.parser}) in ${since(started)}`);
    return score(options, file, hidden, predictions, log);
  },
};

/** Aligns, scores and reports a readable predictions file. */
function score(
  options: PredictionsSpec,
  file: string,
  hidden: HiddenLabels,
  predictions: LabelFile,
  log: string[],
): CheckOutcome {
  const started = performance.now();
  const labels = hidden.labels.rows;
  const classCount = hidden.classNames.length;
  const alignment = alignById(labels, predictions.rows);
  if (alignment.labelDuplicates.count > 0) {
    return instructorProblem([duplicateLabelIds(hidden, alignment.labelDuplicates.rows)]);
  }
  const scored = predictedClasses(labels, predictions.rows, alignment, classCount, !hidden.fixedClasses);
  // Without `classes`, labels only the predictions use are classes too (scikit-learn's label set).
  const classes = withPredictedClasses(hidden, scored.addedClasses);
  const matrix = confusionMatrix(labels.labels, scored.predicted, classes.classNames.length);
  const metrics = classificationMetrics(matrix);
  log.push(`aligned (${alignment.strategy}) and scored in ${since(started)}`);
  const findings = predictionFindings({
    file,
    predictions: predictions.rows,
    issues: predictions.issues,
    labels,
    alignment,
    scored,
    classNames: hidden.displayOrder.map((k) => hidden.classNames[k]!),
    labelName: (code) => (code >= classCount ? hidden.dictionary.names[code] : undefined),
  });
  const tiers = tierScores(metrics, classes);
  const unmet = unmetThresholds(options.pass_when, metrics);
  const report = predictionTables(metrics, matrix, classes);
  return {
    status: unmet.length === 0 ? 'pass' : 'fail',
    summary: summaryLine(metrics, tiers, unmet),
    metrics: {
      ...headlineMetrics(metrics, labels.count, predictions, alignment, scored),
      ...classMetrics(metrics, classes),
      ...Object.fromEntries(tiers.flatMap((tier) => Object.entries(tier.metrics))),
    },
    findings: [...findings, ...report.notices],
    tables: report.tables,
    logs: log,
  };
}

/** Thresholds of `pass_when` that the scores miss, as "accuracy 0.7100 < 0.8". */
function unmetThresholds(passWhen: PredictionsSpec['pass_when'], metrics: ClassificationMetrics): string[] {
  const checks: [string, number | undefined, number | null][] = [
    ['accuracy', passWhen?.accuracy, metrics.accuracy],
    ['macro F1', passWhen?.macro_f1, metrics.macroF1],
  ];
  return checks
    .filter(([, threshold, value]) => threshold !== undefined && (value === null || value < threshold))
    .map(([name, threshold, value]) => `${name} ${value === null ? 'n/a' : value.toFixed(4)} < ${threshold}`);
}

function unusable(file: string, error: InputFileError, hidden: HiddenLabels, log: string[]): CheckOutcome {
  const finding: Finding = { level: 'error', file, message: error.message };
  if (error.line !== undefined) finding.line = error.line;
  return {
    status: 'fail',
    summary: `The predictions could not be scored: ${error.message}`,
    metrics: {
      accuracy: null,
      macro_f1: null,
      weighted_f1: null,
      rows: hidden.labels.rows.count,
      prediction_rows: 0,
    },
    findings: [finding],
    logs: log,
  };
}

function instructorProblem(findings: Finding[]): CheckOutcome {
  const first = findings[0]?.message ?? 'the hidden labels could not be read';
  return { status: 'error', summary: `Could not grade (hidden data problem): ${first}`, findings };
}

function duplicateLabelIds(hidden: HiddenLabels, rows: number[]): Finding {
  const lines = rows.map((row) => hidden.labels.rows.lines[row]).join(', ');
  const message = `${hidden.file} (hidden labels) repeats ids on lines ${lines}; each test id must appear once.`;
  return { level: 'error', file: hidden.file, message };
}

function since(started: number): string {
  return `${(performance.now() - started).toFixed(1)} ms`;
}
