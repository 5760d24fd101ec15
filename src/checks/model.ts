/**
 * `model`: a trained model from the submission (TF.js LayersModel/GraphModel or ONNX) evaluated on a
 * hidden test set pinned by sha256. Reports the predictions metrics (accuracy, macro F1, per-class,
 * zero-F1 classes, confusion matrix), parameters, size on disk, single-example latency (p50/p95),
 * batched throughput, and optionally the parameter count of a second model (`compare_to`). Seeds: 000.
 *
 * Statuses: `error` when the grading side is broken (no data directory, a dataset file missing or not
 * matching its sha256, preprocessing that does not fit the data); `fail` when the model is missing,
 * too big, malformed, does not fit the test set's shape, crashes while running, or misses `pass_when`;
 * otherwise `pass`. Model problems are findings on the model file, never crashes.
 */
import { type Dataset, loadDataset } from '../data/load-dataset.js';
import { preprocess, type Tensor32 } from '../data/preprocess.js';
import { classificationMetrics, confusionMatrix } from '../grading/classification-metrics.js';
import type { Finding } from '../grading/results-schema.js';
import { checkModelIo } from '../models/check-model-io.js';
import { loadModel, type ModelHandle } from '../models/load-model.js';
import { runTestSet } from '../models/run-test-set.js';
import { singleExampleLatency } from '../models/time-model.js';
import {
  type Comparison,
  type ModelMeasurements,
  modelMetrics,
  modelSummary,
  modelTables,
  sizeMetrics,
} from './model-report.js';
import { MODEL_DESCRIPTION, MODEL_METRICS, type ModelSpec, modelSpecSchema } from './model-spec.js';
import { InputFileError } from './submission-files.js';
import type { CheckDefinition, CheckOutcome, GradingContext } from './types.js';

const DEFAULT_MAX_MODEL_BYTES = 100 * 1024 * 1024;

/** The `model` check definition. */
export const modelCheck: CheckDefinition<ModelSpec> = {
  kind: 'model',
  description: MODEL_DESCRIPTION,
  spec: modelSpecSchema,
  metrics: MODEL_METRICS,
  async run(options, context) {
    if (!context.dataDir) {
      return gradingProblem('no hidden data directory was given; pass --data DIR or set course.data_dir');
    }
    const log: string[] = [];
    let inputs: Tensor32;
    let dataset: Dataset;
    try {
      dataset = await loadDataset(options.dataset, context.dataDir, context.limits.maxFileBytes);
      inputs = preprocess(dataset.examples, options.preprocess ?? {});
    } catch (error) {
      return gradingProblem(error instanceof Error ? error.message : String(error), error);
    }
    log.push(
      ...dataset.log,
      `test set: ${inputs.shape[0]} examples of shape [${inputs.shape.slice(1).join(', ')}]`,
    );
    const file = options.model ?? 'model/model.json';
    const maxBytes = options.max_model_bytes ?? DEFAULT_MAX_MODEL_BYTES;
    let handle: ModelHandle;
    try {
      handle = await loadModel(context.submissionDir, file, options.format ?? 'auto', maxBytes);
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      return unusable(
        `The model could not be loaded: ${error.message}`,
        [finding(error.file, error.message)],
        log,
      );
    }
    try {
      return await evaluate(options, context, { file, handle, inputs, dataset, log });
    } finally {
      await handle.model.dispose();
    }
  },
};

interface Loaded {
  file: string;
  handle: ModelHandle;
  inputs: Tensor32;
  dataset: Dataset;
  log: string[];
}

async function evaluate(options: ModelSpec, context: GradingContext, loaded: Loaded): Promise<CheckOutcome> {
  const { file, handle, inputs, dataset, log } = loaded;
  const { model } = handle;
  const environment = { backend: model.backend, device: model.device };
  log.push(
    `loaded ${file}: ${model.format} on ${model.backend} (${model.device}), ${model.parameters} parameters`,
  );
  const comparison = await compareTo(options, context, log);
  const classCount = dataset.classNames.length;
  const problems = checkModelIo(model, inputs.shape.slice(1), classCount);
  if (problems.length > 0) {
    const outcome = unusable(
      `The model does not fit the test set: ${problems[0]}`,
      problems.map((p) => finding(file, p)),
      log,
    );
    return { ...outcome, metrics: { ...outcome.metrics, ...sizeMetrics(model, comparison) }, environment };
  }
  let run: Awaited<ReturnType<typeof runTestSet>>;
  try {
    run = await runTestSet(handle, inputs, {
      batchSize: options.batch_size ?? 256,
      workers: options.workers,
    });
  } catch (error) {
    const message = `${file} failed while predicting: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    return { ...unusable(message, [finding(file, message)], log), environment };
  }
  if (run.classes !== classCount) {
    const message = `${file} outputs ${run.classes} scores per example; the test set has ${classCount} classes`;
    return { ...unusable(message, [finding(file, message)], log), environment };
  }
  log.push(
    `predicted ${inputs.shape[0]} examples on ${run.workers} thread(s): ${Math.round(run.throughput)} examples/s`,
  );
  const latency = await singleExampleLatency(model, inputs, options.latency_runs ?? 50);
  const matrix = confusionMatrix(dataset.labels, run.predicted, classCount);
  const measured: ModelMeasurements = {
    file,
    model,
    metrics: classificationMetrics(matrix),
    matrix,
    classNames: dataset.classNames,
    invalidOutputs: run.predicted.reduce((sum, k) => sum + (k < 0 ? 1 : 0), 0),
    timing: { latencyP50Ms: latency.p50, latencyP95Ms: latency.p95, throughput: run.throughput },
    comparison,
  };
  const unmet = unmetThresholds(options.pass_when, measured);
  const report = modelTables(measured);
  const findings = [...report.notices, ...comparisonFindings(options, comparison)];
  if (measured.invalidOutputs > 0) {
    findings.push(
      finding(
        file,
        `${measured.invalidOutputs} examples got NaN scores and count as wrong; check the model for overflow`,
        'warning',
      ),
    );
  }
  return {
    status: unmet.length === 0 ? 'pass' : 'fail',
    summary: modelSummary(measured, unmet),
    metrics: modelMetrics(measured),
    findings,
    tables: report.tables,
    logs: log,
    environment,
  };
}

/** Loads the compare_to model only to count its parameters; a problem with it becomes a warning. */
async function compareTo(
  options: ModelSpec,
  context: GradingContext,
  log: string[],
): Promise<Comparison | undefined> {
  const spec = options.compare_to;
  if (!spec) return undefined;
  const maxBytes = options.max_model_bytes ?? DEFAULT_MAX_MODEL_BYTES;
  try {
    const other = await loadModel(context.submissionDir, spec.model, spec.format ?? 'auto', maxBytes);
    await other.model.dispose();
    log.push(`compare_to ${spec.model}: ${other.model.parameters} parameters`);
    return {
      label: spec.label ?? 'comparison model',
      file: spec.model,
      parameters: other.model.parameters,
      bytesOnDisk: other.model.bytesOnDisk,
    };
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    log.push(`compare_to ${spec.model}: ${error.message}`);
    return undefined;
  }
}

function comparisonFindings(options: ModelSpec, comparison: Comparison | undefined): Finding[] {
  if (!options.compare_to || comparison) return [];
  const file = options.compare_to.model;
  return [
    finding(
      file,
      `${file} (compare_to) could not be loaded, so no parameter comparison is reported; commit it as a loadable model`,
      'warning',
    ),
  ];
}

/** pass_when thresholds the measurements miss, as "accuracy 0.8100 < 0.85". */
function unmetThresholds(passWhen: ModelSpec['pass_when'], m: ModelMeasurements): string[] {
  const unmet: string[] = [];
  const below = (name: string, threshold: number | undefined, value: number | null) => {
    if (threshold !== undefined && (value === null || value < threshold))
      unmet.push(`${name} ${value === null ? 'n/a' : value.toFixed(4)} < ${threshold}`);
  };
  below('accuracy', passWhen?.accuracy, m.metrics.accuracy);
  below('macro F1', passWhen?.macro_f1, m.metrics.macroF1);
  if (passWhen?.max_parameters !== undefined && m.model.parameters > passWhen.max_parameters) {
    unmet.push(`parameters ${m.model.parameters} > ${passWhen.max_parameters}`);
  }
  if (passWhen?.fewer_parameters && (!m.comparison || m.model.parameters >= m.comparison.parameters)) {
    unmet.push(
      m.comparison
        ? `parameters ${m.model.parameters} ≥ ${m.comparison.parameters} of the ${m.comparison.label}`
        : 'no comparison model to have fewer parameters than',
    );
  }
  return unmet;
}

function finding(file: string, message: string, level: Finding['level'] = 'error'): Finding {
  return { level, file, message };
}

function unusable(summary: string, findings: Finding[], log: string[]): CheckOutcome {
  return { status: 'fail', summary, metrics: { accuracy: null, macro_f1: null }, findings, logs: log };
}

function gradingProblem(message: string, error?: unknown): CheckOutcome {
  const file = error instanceof InputFileError ? error.file : undefined;
  const summary = `Could not grade (hidden data or config problem): ${message}`;
  return { status: 'error', summary, findings: [{ level: 'error', message, ...(file ? { file } : {}) }] };
}
