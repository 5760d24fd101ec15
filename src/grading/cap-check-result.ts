/**
 * Bounds what a check returns so the results file always fits its schema: a check that reports a
 * million findings or a 200 MB log still yields a valid, readable result.
 */
import type { CheckOutcome } from '../checks/types.js';
import { clip } from '../clip-text.js';
import {
  type CheckResult,
  type Finding,
  MAX_FINDINGS,
  MAX_LOG_CHARS,
  type Table,
} from '../results/results-schema.js';

/** Keeps the last MAX_LOG_CHARS of the log: the end of a log is where failures show. */
export function tailLog(lines: readonly string[]): { logs: string; logsTruncated: boolean } {
  const text = lines.join('\n');
  if (text.length <= MAX_LOG_CHARS) return { logs: text, logsTruncated: false };
  const marker = '[… earlier log lines cut …]\n';
  return { logs: marker + text.slice(text.length - (MAX_LOG_CHARS - marker.length)), logsTruncated: true };
}

function capFindings(findings: readonly Finding[]): Finding[] {
  const kept = findings.slice(0, MAX_FINDINGS).map((finding) => ({
    ...finding,
    message: clip(finding.message, 4000),
    ...(finding.file === undefined ? {} : { file: clip(finding.file, 1024) }),
  }));
  if (findings.length > MAX_FINDINGS) {
    kept.push({
      level: 'warning',
      message: `${findings.length - MAX_FINDINGS} more findings were not kept.`,
    });
  }
  return kept;
}

function capTable(table: Table): Table {
  const cell = (value: string | number | null) => (typeof value === 'string' ? clip(value, 200) : value);
  return {
    id: clip(table.id, 100),
    title: clip(table.title, 200),
    columns: table.columns.slice(0, 1000).map((column) => clip(column, 200)),
    rows: table.rows.slice(0, 10_000).map((row) => row.slice(0, 1000).map(cell)),
  };
}

/** Turns a check's outcome into a CheckResult that satisfies every bound of the results schema. */
export function toCheckResult(
  identity: { id: string; kind: string; title?: string | undefined },
  outcome: CheckOutcome,
  durationMs: number,
): CheckResult {
  const metrics: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(outcome.metrics ?? {})) {
    // JSON has no NaN or Infinity; an undefined measurement is null.
    metrics[clip(name, 200)] = typeof value === 'number' && Number.isFinite(value) ? value : null;
  }
  return {
    id: identity.id,
    kind: identity.kind,
    ...(identity.title === undefined ? {} : { title: clip(identity.title, 200) }),
    status: outcome.status,
    summary: clip(outcome.summary, 2000),
    metrics,
    findings: capFindings(outcome.findings ?? []),
    tables: (outcome.tables ?? []).slice(0, 50).map(capTable),
    ...tailLog(outcome.logs ?? []),
    durationMs,
  };
}
