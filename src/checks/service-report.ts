/** Builds the `service` outcome: percentile table, SLO and claim findings, metrics by request kind. */

import { type LoadSummary, summariseLoad } from '../load/load-summary.js';
import type { Finding, Table } from '../results/results-schema.js';
import { describeSandbox, explainRun } from '../sandbox/explain-run.js';
import type { SandboxPolicy } from '../sandbox/sandbox-spec.js';
import type { RequestKind, ServiceDeclaration } from './service-declaration.js';
import type { LoadPlan, ServiceRun } from './service-session.js';
import type { ServiceSpec } from './service-spec.js';
import type { CheckOutcome } from './types.js';

interface ReportInput {
  run: ServiceRun;
  declaration: ServiceDeclaration;
  options: ServiceSpec;
  plan: LoadPlan;
  policy: SandboxPolicy;
}

const ROWS: [keyof LoadSummary, string][] = [
  ['p50_ms', 'p50 (ms)'],
  ['p90_ms', 'p90 (ms)'],
  ['p95_ms', 'p95 (ms)'],
  ['p99_ms', 'p99 (ms)'],
  ['max_ms', 'max (ms)'],
  ['uncorrected_p99_ms', 'p99 without CO correction (ms)'],
  ['throughput_rps', 'throughput (req/s)'],
  ['requests', 'requests'],
  ['errors', 'errors'],
  ['timeouts', 'timeouts'],
];

/** The outcome of a load test. */
export function serviceOutcome({ run, declaration, options, plan, policy }: ReportInput): CheckOutcome {
  const logs = [
    describeSandbox(run.exit),
    `device: ${run.device}`,
    `service output (tail):`,
    run.exit.output,
  ];
  if (run.readySeconds === undefined) {
    const findings: Finding[] = [
      {
        level: 'error',
        file: declaration.file,
        message: `The service never answered GET ${declaration.ready} with 2xx within ${plan.readyMs / 1000} s; it must listen on 127.0.0.1:${declaration.port} (or $PORT) and answer the readiness path. Its output is in the log.`,
      },
    ];
    if (!run.exit.stopped) findings.push(...explainRun(run.exit, policy, 'The service'));
    return {
      status: 'fail',
      summary: 'The service did not become ready',
      findings,
      logs,
      environment: { device: run.device },
    };
  }
  const summaries = new Map([...run.phases].map(([kind, result]) => [kind, summariseLoad(result)]));
  const findings = [
    ...sloFindings(summaries, options, plan),
    ...claimFindings(summaries, declaration, options),
  ];
  if (!run.exit.stopped) findings.push(...explainRun(run.exit, policy, 'The service'));
  const metrics: Record<string, number | null> = {
    ready_seconds: round(run.readySeconds),
    slo_violations: findings.filter((f) => f.message.startsWith('SLO')).length,
    claims_off: findings.filter((f) => f.message.startsWith('Reported')).length,
  };
  for (const [kind, summary] of summaries)
    for (const [name, value] of Object.entries(summary)) metrics[`${kind}.${name}`] = value;
  const failed = findings.some((f) => f.level === 'error');
  const single = summaries.get('single') ?? summaries.values().next().value!;
  const summary = `${plan.rate} req/s for ${plan.durationMs / 1000} s: p95 ${single.p95_ms} ms, p99 ${single.p99_ms} ms, ${single.throughput_rps} req/s, ${single.errors + single.timeouts} failed${failed ? ' — not accepted' : ''}`;
  return {
    status: failed ? 'fail' : 'pass',
    summary,
    metrics,
    findings,
    tables: [latencyTable(summaries, declaration, plan)],
    logs,
    environment: { device: run.device },
  };
}

function sloFindings(
  summaries: Map<RequestKind, LoadSummary>,
  options: ServiceSpec,
  plan: LoadPlan,
): Finding[] {
  const slo = options.slo ?? {};
  const findings: Finding[] = [];
  const bound = (kind: RequestKind, stat: keyof LoadSummary, limit: number | undefined, label: string) => {
    const value = summaries.get(kind)?.[stat];
    if (limit !== undefined && typeof value === 'number' && value > limit)
      findings.push({
        level: 'error',
        message: `SLO: ${kind} ${label} is ${value} ms, above the ${limit} ms objective; profile the request path (model loading per request, batching, worker count).`,
      });
  };
  bound('single', 'p95_ms', slo.p95_ms, 'p95');
  bound('single', 'p99_ms', slo.p99_ms, 'p99');
  bound('batch', 'p99_ms', slo.batch_p99_ms, 'p99');
  for (const [kind, summary] of summaries) {
    const maxErrors = slo.max_error_rate ?? 0.01;
    if (summary.error_rate > maxErrors)
      findings.push({
        level: 'error',
        message: `SLO: ${kind} requests failed at a rate of ${summary.error_rate} (${summary.errors} errors, ${summary.timeouts} timeouts), above ${maxErrors}; every request must get a 2xx within ${plan.timeoutMs} ms.`,
      });
    const minRate = (slo.min_throughput_ratio ?? 0.95) * plan.rate;
    if (summary.throughput_rps < minRate)
      findings.push({
        level: 'error',
        message: `SLO: ${kind} throughput was ${summary.throughput_rps} req/s, below ${round(minRate)} req/s of the ${plan.rate} req/s offered.`,
      });
  }
  return findings;
}

function claimFindings(
  summaries: Map<RequestKind, LoadSummary>,
  declaration: ServiceDeclaration,
  options: ServiceSpec,
): Finding[] {
  const tolerance = options.claim_tolerance ?? 1;
  const findings: Finding[] = [];
  for (const [kind, claims] of declaration.reported) {
    for (const stat of ['p95_ms', 'p99_ms'] as const) {
      const claimed = claims[stat];
      const measured = summaries.get(kind)?.[stat];
      if (claimed === undefined || typeof measured !== 'number') continue;
      if (Math.abs(claimed - measured) > tolerance * measured)
        findings.push({
          level: 'warning',
          message: `Reported ${kind} ${stat.replace('_ms', '')} of ${claimed} ms is far from the ${measured} ms measured here (tolerance ${tolerance}× the measured value); say how you measured it (rate, concurrency, coordinated omission) in your report.`,
        });
    }
  }
  return findings;
}

function latencyTable(
  summaries: Map<RequestKind, LoadSummary>,
  declaration: ServiceDeclaration,
  plan: LoadPlan,
): Table {
  const kinds = [...summaries.keys()];
  const reported = (kind: RequestKind, stat: keyof LoadSummary) =>
    stat === 'p95_ms' || stat === 'p99_ms' ? (declaration.reported.get(kind)?.[stat] ?? null) : null;
  return {
    id: 'latency',
    title: `Load test: ${plan.rate} req/s, ${plan.connections} connections, ${plan.durationMs / 1000} s after ${plan.warmupMs / 1000} s warm-up (coordinated-omission corrected)`,
    columns: ['measure', ...kinds.flatMap((kind) => [kind, `${kind} reported`])],
    rows: ROWS.map(([stat, label]) => [
      label,
      ...kinds.flatMap((kind) => [summaries.get(kind)![stat], reported(kind, stat)]),
    ]),
  };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
