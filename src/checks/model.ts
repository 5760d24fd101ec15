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

import { classificationMetrics, confusionMatrix } from '../data/classification-metrics.js';
import { sharedDatasetCache } from '../data/dataset-cache.js';
import type { Dataset } from '../data/load-dataset.js';
import type { Tensor32 } from '../data/preprocess.js';
import { InputFileError } from '../files/input-files.js';
import { checkModelIo } from '../models/check-model-io.js';
import { loadModel, type ModelHandle } from '../models/load-model.js';
import { runTestSet, type TestSetRun } from '../models/run-test-set.js';
import { singleExampleLatency } from '../models/time-model.js';
import type { Finding } from '../results/results-schema.js';
import { compareTo, comparisonFindings } from './model-compare.js';
import { unmetThresholds } from './model-pass-when.js';
import {
  type ModelMeasurements,
  modelMetrics,
  modelSummary,
  modelTables,
  sizeMetrics,
} from './model-report.js';
import {
  inferenceLimits,
  MODEL_DESCRIPTION,
  MODEL_METRICS,
  type ModelSpec,
  modelSpecSchema,
} from './model-spec.js';
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
    const file = options.model ?? 'model/model.json';
    // The model loads while the test set is read: an ONNX model starts its own process meanwhile.
    const format = options.format ?? 'auto';
    const loading = loadModel(
      context.submissionDir,
      file,
      format,
      maxModelBytes(options),
      inferenceLimits(options),
    )
      .then((handle) => ({ handle }))
      .catch((error: unknown) => ({ error }));
    let inputs: Tensor32;
    let dataset: Dataset;
    try {
      // Read, verified and preprocessed once per process for every submission graded against it.
      ({ dataset, inputs } = await sharedDatasetCache().prepare(
        options.dataset,
        options.preprocess ?? {},
        context.dataDir,
        context.limits.maxFileBytes,
      ));
    } catch (error) {
      const loaded = await loading;
      if ('handle' in loaded) await loaded.handle.model.dispose();
      return gradingProblem(error instanceof Error ? error.message : String(error), error);
    }
    log.push(
      ...dataset.log,
      `test set: ${inputs.shape[0]} examples of shape [${inputs.shape.slice(1).join(', ')}]`,
    );
    const loaded = await loading;
    if ('error' in loaded) {
      const { error } = loaded;
      if (!(error instanceof InputFileError)) throw error;
      return unusable(
        `The model could not be loaded: ${error.message}`,
        [finding(error.file, error.message)],
        log,
      );
    }
    const { handle } = loaded;
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
  const environment = { backend: model.backend, device: model.device, versions: model.versions };
  log.push(
    `loaded ${file}: ${model.format} on ${model.backend} (${model.device}), ${model.parameters} parameters`,
  );
  const comparison = await compareTo(options, context, maxModelBytes(options), log);
  const classCount = dataset.classNames.length;
  const problems = checkModelIo(model, inputs.shape.slice(1), classCount);
  if (problems.length > 0) {
    const findings = problems.map((problem) => finding(file, problem));
    const outcome = unusable(`The model does not fit the test set: ${problems[0]}`, findings, log);
    return { ...outcome, metrics: { ...outcome.metrics, ...sizeMetrics(model, comparison) }, environment };
  }
  const run = await predictAll(options, loaded, classCount);
  if ('problem' in run) return { ...unusable(run.problem, [finding(file, run.problem)], log), environment };
  log.push(
    `predicted ${inputs.shape[0]} examples on ${run.workers} thread(s): ${Math.round(run.throughput)} examples/s`,
  );
  let latency: { p50: number | null; p95: number | null };
  try {
    latency = await singleExampleLatency(model, inputs, options.latency_runs ?? 50);
  } catch (error) {
    const problem = `${file} failed while timing single examples: ${firstLine(error)}`;
    return { ...unusable(problem, [finding(file, problem)], log), environment };
  }
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
  return { ...report(options, measured), logs: log, environment };
}

/** Runs the model over the test set; a crash or a wrong output width is a problem with the model. */
async function predictAll(options: ModelSpec, loaded: Loaded, classCount: number) {
  const { file, handle, inputs } = loaded;
  let run: TestSetRun;
  try {
    run = await runTestSet(handle, inputs, {
      batchSize: options.batch_size ?? 256,
      workers: options.workers,
    });
  } catch (error) {
    return { problem: `${file} failed while predicting: ${firstLine(error)}` };
  }
  if (run.classes !== classCount) {
    return {
      problem: `${file} outputs ${run.classes} scores per example; the test set has ${classCount} classes`,
    };
  }
  return run;
}

/** Status, summary, metrics, findings and tables of a model that ran. */
function report(options: ModelSpec, measured: ModelMeasurements): CheckOutcome {
  const unmet = unmetThresholds(options.pass_when, measured);
  const tables = modelTables(measured);
  const findings = [...tables.notices, ...comparisonFindings(options, measured.comparison)];
  if (measured.invalidOutputs > 0) {
    const message = `${measured.invalidOutputs} examples got NaN scores and count as wrong; check the model for overflow`;
    findings.push(finding(measured.file, message, 'warning'));
  }
  return {
    status: unmet.length === 0 ? 'pass' : 'fail',
    summary: modelSummary(measured, unmet),
    metrics: modelMetrics(measured),
    findings,
    tables: tables.tables,
  };
}

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

function maxModelBytes(options: ModelSpec): number {
  return options.max_model_bytes ?? DEFAULT_MAX_MODEL_BYTES;
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
