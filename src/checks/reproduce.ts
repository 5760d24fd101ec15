/**
 * `reproduce`: re-runs the command the student's experiment config declares, in the sandbox, with
 * its seed, reads the metrics file the run writes, and compares each metric with the value the
 * student committed under a per-metric tolerance. With `seeds: N` it runs N seeds and judges the
 * claim against their mean and spread. Seeds: 002 (a third party reproduces comparable results), 000.
 */
import { type Static, Type } from '@sinclair/typebox';
import { InputFileError } from '../files/input-files.js';
import type { Finding } from '../results/results-schema.js';
import { SandboxUnavailableError } from '../sandbox/sandbox-mode.js';
import { SandboxSpecSchema, sandboxPolicy } from '../sandbox/sandbox-spec.js';
import { checkSpec } from './common-spec.js';
import { readExperiment } from './reproduce-experiment.js';
import { compareMetrics, readMetricsFile } from './reproduce-metrics.js';
import { reproduceOutcome } from './reproduce-report.js';
import { runSeeds } from './reproduce-runs.js';
import type { CheckDefinition, CheckOutcome } from './types.js';

const DESCRIPTION =
  "Re-runs the experiment's declared command in the sandbox and compares the metrics it produces with the committed ones.";

const Tolerance = Type.Object(
  {
    abs: Type.Optional(Type.Number({ minimum: 0, description: 'Largest absolute difference accepted.' })),
    rel: Type.Optional(
      Type.Number({ minimum: 0, description: 'Largest difference as a fraction of the claimed value.' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Within abs or within rel × |claimed| (either suffices; default exact).',
  },
);

const spec = checkSpec('reproduce', DESCRIPTION, {
  experiment: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'The experiment config declaring command and seed (default experiment.yaml).',
    }),
  ),
  metrics_file: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Metrics file the command writes, relative to the repository (default metrics.json); removed from the copy before the run.',
    }),
  ),
  claimed: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Committed metrics file with the claimed values (default: metrics_file as committed).',
    }),
  ),
  metrics: Type.Record(Type.String({ minLength: 1 }), Tolerance, {
    minProperties: 1,
    description: 'Metrics to compare (dotted names for nested keys) and their tolerances.',
  }),
  seeds: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 20,
      description:
        'Runs with this many seeds (the declared ones, then the next integers) and judges the claim against mean ± (tolerance + 2 × std) (default 1).',
    }),
  ),
  sandbox: Type.Optional(SandboxSpecSchema),
});

/** Options of the `reproduce` check. */
export type ReproduceSpec = Static<typeof spec>;

/** The `reproduce` check definition. */
export const reproduceCheck: CheckDefinition<ReproduceSpec> = {
  kind: 'reproduce',
  description: DESCRIPTION,
  spec,
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
        findings: [{ level: 'error', file: claimedFile, message }],
      };
    }
    const policy = sandboxPolicy(options.sandbox, { wallSeconds: 600 });
    try {
      const runs = await runSeeds({ experiment, options, policy, context, produced });
      const comparisons = compareMetrics(options.metrics, claimed, runs.metrics);
      return reproduceOutcome({ comparisons, runs, claimedFile, experimentFile: experiment.file });
    } catch (error) {
      if (!(error instanceof SandboxUnavailableError)) throw error;
      const findings: Finding[] = [{ level: 'error', message: `${error.message}.` }];
      return { status: 'error', summary: 'Student code cannot be run safely on this runner', findings };
    }
  },
};
