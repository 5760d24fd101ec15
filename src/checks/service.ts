/**
 * `service`: the student's inference service, started in the sandbox from its declared command and
 * port, load-tested at a constant rate with coordinated-omission correction (single and batched
 * requests from the declared request file), judged against the instructor's SLO and compared with
 * the p95/p99 the student reported. Seeds: 002 (C6 load test with p95/p99), 003 (latency).
 */
import { setupFailure } from '../sandbox/explain-run.js';
import { mergeSandboxSpecs, sandboxPolicy } from '../sandbox/sandbox-spec.js';
import { readServiceDeclaration } from './service-declaration.js';
import { serviceOutcome } from './service-report.js';
import { runService } from './service-session.js';
import { SERVICE_DESCRIPTION, type ServiceSpec, serviceSpecSchema } from './service-spec.js';
import type { CheckDefinition, CheckOutcome } from './types.js';

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
  description: SERVICE_DESCRIPTION,
  spec: serviceSpecSchema,
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
    const policy = sandboxPolicy(mergeSandboxSpecs(context.sandbox, options.sandbox), {
      wallSeconds: needed,
    });
    try {
      const hidden = context.dataDir ? [context.dataDir] : [];
      const run = await runService(context.submissionDir, declaration, plan, policy, hidden);
      return serviceOutcome({ run, declaration, options, plan, policy });
    } catch (error) {
      const failure = setupFailure(error);
      if (!failure) throw error;
      return { status: 'error', ...failure };
    }
  },
};
