/**
 * `service`: the student's inference service, started in the sandbox from its declared command and
 * port, load-tested at a constant rate with coordinated-omission correction (single and batched
 * requests from the declared request file), judged against the instructor's SLO and compared with
 * the p95/p99 the student reported. Seeds: 002 (C6 load test with p95/p99), 003 (latency).
 */
import { type Static, Type } from '@sinclair/typebox';
import { SandboxUnavailableError } from '../sandbox/sandbox-mode.js';
import { SandboxSpecSchema, sandboxPolicy } from '../sandbox/sandbox-spec.js';
import { checkSpec } from './common-spec.js';
import { readServiceDeclaration } from './service-declaration.js';
import { serviceOutcome } from './service-report.js';
import { runService } from './service-session.js';
import type { CheckDefinition, CheckOutcome } from './types.js';

const DESCRIPTION =
  "Load-tests the student's inference service in the sandbox at a constant rate: p50–p99, throughput, errors against an SLO and the student's claims.";
const Ms = (description: string) => Type.Optional(Type.Number({ exclusiveMinimum: 0, description }));

const spec = checkSpec('service', DESCRIPTION, {
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
export type ServiceSpec = Static<typeof spec>;

const STATS = [
  'p50_ms',
  'p90_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
  'uncorrected_p99_ms',
  'throughput_rps',
  'requests',
  'errors',
  'timeouts',
  'error_rate',
];

/** The `service` check definition. */
export const serviceCheck: CheckDefinition<ServiceSpec> = {
  kind: 'service',
  description: DESCRIPTION,
  spec,
  metrics: [
    'ready_seconds',
    'slo_violations',
    'claims_off',
    ...STATS.map((s) => `single.${s}`),
    ...STATS.map((s) => `batch.${s}`),
  ],
  async run(options, context): Promise<CheckOutcome> {
    const file = options.file ?? 'service.yaml';
    const declaration = await readServiceDeclaration(context.submissionDir, file);
    if (Array.isArray(declaration))
      return { status: 'fail', summary: `No usable service declaration in ${file}`, findings: declaration };
    const plan = {
      rate: options.rate ?? 50,
      connections: options.connections ?? 8,
      durationMs: (options.duration_seconds ?? 10) * 1000,
      warmupMs: (options.warmup_seconds ?? 2) * 1000,
      timeoutMs: options.timeout_ms ?? 2000,
      readyMs: (options.ready_seconds ?? 30) * 1000,
    };
    // The service must outlive the whole test: wall limit = readiness + every phase + a margin.
    const needed =
      Math.ceil(
        (plan.readyMs + declaration.requests.size * (plan.durationMs + plan.warmupMs + plan.timeoutMs)) /
          1000,
      ) + 30;
    const policy = sandboxPolicy(options.sandbox, { wallSeconds: needed });
    try {
      const hidden = context.dataDir ? [context.dataDir] : [];
      const run = await runService(context.submissionDir, declaration, plan, policy, hidden);
      return serviceOutcome({ run, declaration, options, plan, policy });
    } catch (error) {
      if (!(error instanceof SandboxUnavailableError)) throw error;
      return {
        status: 'error',
        summary: 'Student code cannot be run safely on this runner',
        findings: [{ level: 'error', message: `${error.message}.` }],
      };
    }
  },
};
