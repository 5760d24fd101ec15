/**
 * `reproduce`: re-runs the command the student's experiment config declares, in the sandbox, with
 * its seed, reads the metrics file the run writes, and compares each metric with the value the
 * student committed under a per-metric tolerance. With `seeds: N` it runs N seeds and judges the
 * claim against their mean and spread. Seeds: 002 (a third party reproduces comparable results), 000.
 */
import { InputFileError } from '../files/input-files.js';
import { setupFailure } from '../sandbox/explain-run.js';
import { mergeSandboxSpecs, sandboxPolicy } from '../sandbox/sandbox-spec.js';
import { readExperiment } from './reproduce-experiment.js';
import { compareMetrics, readMetricsFile } from './reproduce-metrics.js';
import { reproduceOutcome } from './reproduce-report.js';
import { runSeeds } from './reproduce-runs.js';
import { REPRODUCE_DESCRIPTION, type ReproduceSpec, reproduceSpecSchema } from './reproduce-spec.js';
import type { CheckDefinition, CheckOutcome } from './types.js';

/** The `reproduce` check definition. */
export const reproduceCheck: CheckDefinition<ReproduceSpec> = {
  kind: 'reproduce',
  description: REPRODUCE_DESCRIPTION,
  spec: reproduceSpecSchema,
  metrics: [
    'compared',
    'within_tolerance',
    'out_of_tolerance',
    'runs',
    'run_seconds',
    'claimed.*',
    'reproduced.*',
    'spread.*',
  ],
  async run(options, context): Promise<CheckOutcome> {
    const experiment = await readExperiment(context.submissionDir, options.experiment ?? 'experiment.yaml');
    if ('failure' in experiment) return experiment.failure;
    const produced = options.metrics_file ?? 'metrics.json';
    const claimedFile = options.claimed ?? produced;
    let claimed: Map<string, number>;
    try {
      claimed = await readMetricsFile(context.submissionDir, claimedFile);
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      const message = `${error.message}; commit the metrics your run produced as ${claimedFile} so they can be compared.`;
      return {
        status: 'fail',
        summary: `No claimed metrics in ${claimedFile}`,
        findings: [
          { level: 'error', file: claimedFile, ...(error.line ? { line: error.line } : {}), message },
        ],
      };
    }
    const policy = sandboxPolicy(mergeSandboxSpecs(context.sandbox, options.sandbox), { wallSeconds: 600 });
    try {
      const runs = await runSeeds({ experiment, options, policy, context, produced });
      const comparisons = compareMetrics(options.metrics, claimed, runs.metrics);
      return reproduceOutcome({ comparisons, runs, claimedFile, experimentFile: experiment.file });
    } catch (error) {
      const failure = setupFailure(error);
      if (!failure) throw error;
      return { status: 'error', ...failure };
    }
  },
};
