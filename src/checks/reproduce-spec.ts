/** The `reproduce` check's options: its JSON Schema (the config's single source of truth) and derived type. */
import { type Static, Type } from '@sinclair/typebox';
import { SandboxSpecSchema } from '../sandbox/sandbox-spec.js';
import { checkSpec } from './common-spec.js';

/** One sentence for validate messages and the docs. */
export const REPRODUCE_DESCRIPTION =
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

/** The options schema: the config's single source of truth. */
export const reproduceSpecSchema = checkSpec('reproduce', REPRODUCE_DESCRIPTION, {
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
export type ReproduceSpec = Static<typeof reproduceSpecSchema>;
