/** Builds the `reproduce` outcome: the claimed vs reproduced table, metrics and findings. */
import type { Finding, Table } from '../results/results-schema.js';
import { unsandboxedWarning } from '../sandbox/explain-run.js';
import type { MetricComparison } from './reproduce-metrics.js';
import type { SeedRuns } from './reproduce-runs.js';
import type { CheckOutcome } from './types.js';

interface ReportInput {
  comparisons: MetricComparison[];
  runs: SeedRuns;
  claimedFile: string;
  experimentFile: string;
}

/** The outcome: `fail` when any run failed or any metric is out of tolerance or missing. */
export function reproduceOutcome({ comparisons, runs, claimedFile }: ReportInput): CheckOutcome {
  const findings: Finding[] = [...unsandboxedWarning(runs.mode), ...runs.findings];
  const ran = runs.metrics.length > 0;
  if (ran) for (const comparison of comparisons) findings.push(...compareFindings(comparison, claimedFile));
  const within = ran ? comparisons.filter((c) => c.within).length : 0;
  const failed = findings.some((f) => f.level === 'error');
  const metrics: Record<string, number | null> = {
    compared: comparisons.length,
    within_tolerance: within,
    out_of_tolerance: comparisons.length - within,
    runs: runs.metrics.length,
    run_seconds: round(runs.seconds),
  };
  for (const c of comparisons) {
    metrics[`claimed.${c.name}`] = c.claimed ?? null;
    metrics[`reproduced.${c.name}`] = c.reproduced ?? null;
    metrics[`spread.${c.name}`] = ran ? c.spread : null;
  }
  const seeds =
    runs.seeds.length === 1 ? `seed ${runs.seeds[0]}` : `${runs.metrics.length}/${runs.seeds.length} seeds`;
  const summary = !ran
    ? 'The declared command did not produce metrics'
    : failed
      ? `${comparisons.length - within} of ${comparisons.length} claimed metric(s) not reproduced (${seeds})`
      : `All ${comparisons.length} claimed metric(s) reproduced within tolerance (${seeds})`;
  return {
    status: failed ? 'fail' : 'pass',
    summary,
    metrics,
    findings,
    tables: ran ? [comparisonTable(comparisons, runs)] : [],
    logs: runs.logs,
    environment: { device: runs.device },
  };
}

function compareFindings(c: MetricComparison, claimedFile: string): Finding[] {
  if (c.claimed === undefined)
    return [
      {
        level: 'error',
        file: claimedFile,
        message: `${claimedFile} has no numeric "${c.name}"; commit the value your run produced.`,
      },
    ];
  if (c.reproduced === undefined)
    return [{ level: 'error', message: `The re-run did not write "${c.name}" to its metrics file.` }];
  if (c.within) return [];
  const message = `${c.name}: claimed ${fmt(c.claimed)} but the re-run gives ${fmt(c.reproduced)}${c.runs > 1 ? ` ± ${fmt(c.spread)} over ${c.runs} seeds` : ''}; the difference ${fmt(Math.abs(c.claimed - c.reproduced))} exceeds the ${fmt(c.allowed!)} allowed. Commit the metrics your declared command actually produces, or fix the command and seed in the experiment config.`;
  return [{ level: 'error', file: claimedFile, message }];
}

function comparisonTable(comparisons: MetricComparison[], runs: SeedRuns): Table {
  return {
    id: 'claimed-vs-reproduced',
    title: `Claimed vs reproduced (${runs.metrics.length} run${runs.metrics.length === 1 ? '' : 's'}, seeds ${runs.seeds.slice(0, runs.metrics.length).join(', ')})`,
    columns: ['metric', 'claimed', 'reproduced', 'std', '|difference|', 'allowed', 'verdict'],
    rows: comparisons.map((c) => [
      c.name,
      c.claimed ?? null,
      c.reproduced === undefined ? null : round(c.reproduced),
      round(c.spread),
      c.claimed === undefined || c.reproduced === undefined
        ? null
        : round(Math.abs(c.claimed - c.reproduced)),
      c.allowed === undefined ? null : round(c.allowed),
      c.within ? 'within' : 'NOT reproduced',
    ]),
  };
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

function fmt(value: number): string {
  return String(Number(value.toPrecision(4)));
}
