/** The `service` check's options: its JSON Schema (the config's single source of truth) and derived type. */
import { type Static, Type } from '@sinclair/typebox';
import { SandboxSpecSchema } from '../sandbox/sandbox-spec.js';
import { checkSpec } from './common-spec.js';

/** One sentence for validate messages and the docs. */
export const SERVICE_DESCRIPTION =
  "Load-tests the student's inference service in the sandbox at a constant rate: p50–p99, throughput, errors against an SLO and the student's claims.";
const Ms = (description: string) => Type.Optional(Type.Number({ exclusiveMinimum: 0, description }));

/** The options schema: the config's single source of truth. */
export const serviceSpecSchema = checkSpec('service', SERVICE_DESCRIPTION, {
  file: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        "The student's service declaration (default service.yaml): command, port, ready, requests, reported.",
    }),
  ),
  rate: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      description: 'Requests per second, sent on schedule whether or not the service keeps up (default 50).',
    }),
  ),
  connections: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1000,
      description: 'Concurrent keep-alive connections (default 8).',
    }),
  ),
  duration_seconds: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 600,
      description: 'Measured duration per request kind (default 10).',
    }),
  ),
  warmup_seconds: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 120,
      description: 'Unmeasured warm-up before each kind (default 2).',
    }),
  ),
  timeout_ms: Ms('A request unanswered after this long counts as a timeout (default 2000).'),
  ready_seconds: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      description: 'Deadline for the readiness path to answer 2xx (default 30).',
    }),
  ),
  slo: Type.Optional(
    Type.Object(
      {
        p95_ms: Ms('Highest p95 latency (corrected) that passes, for single requests.'),
        p99_ms: Ms('Highest p99 latency (corrected) that passes, for single requests.'),
        batch_p99_ms: Ms('Highest p99 latency for batched requests.'),
        max_error_rate: Type.Optional(
          Type.Number({
            minimum: 0,
            maximum: 1,
            description: 'Largest share of errors + timeouts (default 0.01).',
          }),
        ),
        min_throughput_ratio: Type.Optional(
          Type.Number({
            minimum: 0,
            maximum: 1,
            description: 'Achieved throughput must reach this share of `rate` (default 0.95).',
          }),
        ),
      },
      {
        additionalProperties: false,
        description: 'Service-level objective; every stated bound must hold to pass.',
      },
    ),
  ),
  claim_tolerance: Type.Optional(
    Type.Number({
      minimum: 0,
      description:
        'Reported p95/p99 may differ from the measured ones by this factor of the measured value (default 1: within 2x either way).',
    }),
  ),
  sandbox: Type.Optional(SandboxSpecSchema),
});

/** Options of the `service` check. */
export type ServiceSpec = Static<typeof serviceSpecSchema>;
