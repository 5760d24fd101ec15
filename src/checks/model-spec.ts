/** The `model` check's options: its JSON Schema (the config's single source of truth) and derived type. */
import { type Static, Type } from '@sinclair/typebox';
import { DEFAULT_INFERENCE_LIMITS, type InferenceLimits } from '../models/onnx-process.js';
import { checkSpec } from './common-spec.js';

/** One sentence for validate messages and the docs. */
export const MODEL_DESCRIPTION =
  'A trained model (TF.js or ONNX) evaluated on a hidden test set: accuracy, macro F1, per-class scores, confusion matrix, parameters, size, latency and throughput.';

const Path = (description: string) => Type.String({ minLength: 1, description });
const Pinned = (description: string) =>
  Type.Object(
    {
      path: Path('File relative to the hidden data directory (--data DIR or course.data_dir).'),
      sha256: Type.String({
        pattern: '^[0-9a-fA-F]{64}$',
        description: 'SHA-256 the file must have; verified before use.',
      }),
    },
    { additionalProperties: false, description },
  );
const Format = Type.Optional(
  Type.Union([Type.Literal('auto'), Type.Literal('tfjs'), Type.Literal('onnx')], {
    description:
      'tfjs (model.json + weight shards, LayersModel or GraphModel), onnx, or auto (default: .onnx → onnx, else tfjs).',
  }),
);
const Threshold = (description: string) =>
  Type.Optional(Type.Number({ minimum: 0, maximum: 1, description }));

const dataset = Type.Object(
  {
    format: Type.Union(
      [Type.Literal('idx'), Type.Literal('cifar10'), Type.Literal('npy'), Type.Literal('csv')],
      {
        description:
          'idx (MNIST, raw or .gz), cifar10 (binary batch), npy (float32/uint8), csv (header row, numeric features).',
      },
    ),
    inputs: Pinned(
      'The examples: IDX images, a CIFAR-10 batch (labels included), an .npy array, or the CSV file.',
    ),
    labels: Type.Optional(Pinned('The labels (idx and npy formats): IDX labels or an .npy integer array.')),
    label_column: Type.Optional(
      Type.String({ minLength: 1, description: 'CSV column holding the label (default "label").' }),
    ),
    classes: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 2,
        uniqueItems: true,
        description:
          'Class names by index (default: 0…n-1; CIFAR-10 names for cifar10; sorted labels for csv).',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Evaluate only the first N examples.' })),
  },
  { additionalProperties: false, description: 'The hidden test set, pinned by sha256.' },
);

const preprocess = Type.Object(
  {
    scale: Type.Optional(
      Type.Boolean({ description: 'Divide pixel bytes by 255 (to 0–1) first (default false).' }),
    ),
    mean: Type.Optional(
      Type.Array(Type.Number(), {
        minItems: 1,
        description: 'Mean to subtract, one value or one per channel.',
      }),
    ),
    std: Type.Optional(
      Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
        minItems: 1,
        description: 'Std to divide by, one value or one per channel.',
      }),
    ),
    layout: Type.Optional(
      Type.Union([Type.Literal('nhwc'), Type.Literal('nchw')], {
        description: 'Image layout the model takes (default nhwc).',
      }),
    ),
    flatten: Type.Optional(
      Type.Boolean({ description: 'Flatten each example to a vector (default false).' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'How examples are turned into the float32 input the model takes.',
  },
);

/** JSON Schema of the `model` check spec. */
export const modelSpecSchema = checkSpec('model', MODEL_DESCRIPTION, {
  model: Type.Optional(
    Path('Model file in the submission (default model/model.json; a .onnx file for ONNX).'),
  ),
  format: Format,
  max_model_bytes: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Largest model accepted, model.json plus shards (default 104857600, 100 MiB).',
    }),
  ),
  dataset,
  preprocess: Type.Optional(preprocess),
  batch_size: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 65536, description: 'Examples per inference batch (default 256).' }),
  ),
  workers: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 256,
      description: 'Worker threads for TF.js on wasm (default: one per core).',
    }),
  ),
  max_inference_seconds: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 86400,
      description:
        'ONNX: seconds of inference in all (loading, the test set, latency runs) before the model is stopped and fails (default 600).',
    }),
  ),
  max_inference_memory_mib: Type.Optional(
    Type.Integer({
      minimum: 64,
      maximum: 1048576,
      description:
        'ONNX: MiB of memory the inference process may use before the model is stopped and fails (default 4096).',
    }),
  ),
  latency_runs: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 10000,
      description: 'Single-example runs timed for p50/p95 latency (default 50; 0 skips).',
    }),
  ),
  compare_to: Type.Optional(
    Type.Object(
      {
        model: Path('Second model in the submission whose parameters are counted (e.g. the dense network).'),
        format: Format,
        label: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 100,
            description: 'Name shown in reports (default "comparison model").',
          }),
        ),
      },
      {
        additionalProperties: false,
        description: 'Report the parameter count of a second model beside this one.',
      },
    ),
  ),
  pass_when: Type.Optional(
    Type.Object(
      {
        accuracy: Threshold('Lowest accuracy that passes (0–1).'),
        macro_f1: Threshold('Lowest macro F1 that passes (0–1).'),
        max_parameters: Type.Optional(Type.Integer({ minimum: 1, description: 'Most parameters allowed.' })),
        fewer_parameters: Type.Optional(
          Type.Boolean({
            description: 'Must have fewer parameters than the compare_to model (default false).',
          }),
        ),
      },
      {
        additionalProperties: false,
        description: 'Thresholds that must all be met to pass (default: pass whenever the model runs).',
      },
    ),
  ),
});

/** Options of the `model` check. */
export type ModelSpec = Static<typeof modelSpecSchema>;

/** Time and memory limits of ONNX inference, from the options or their defaults. */
export function inferenceLimits(options: ModelSpec): InferenceLimits {
  return {
    seconds: options.max_inference_seconds ?? DEFAULT_INFERENCE_LIMITS.seconds,
    memoryMiB: options.max_inference_memory_mib ?? DEFAULT_INFERENCE_LIMITS.memoryMiB,
  };
}

/** Metric names; `class.*` stands for each class name. */
export const MODEL_METRICS = [
  'accuracy',
  'macro_f1',
  'weighted_f1',
  'zero_f1_classes',
  'classes',
  'examples',
  'invalid_outputs',
  'class.*.precision',
  'class.*.recall',
  'class.*.f1',
  'class.*.support',
  'parameters',
  'trainable_parameters',
  'model_bytes',
  'latency_p50_ms',
  'latency_p95_ms',
  'throughput',
  'compare.parameters',
  'compare.model_bytes',
  'parameter_ratio',
  'parameter_reduction',
] as const;
