/**
 * One check's section of the Markdown report (`templates/check.md`): status, summary, metrics,
 * tables, findings and the log tail, each cut according to a detail level so the whole report can be
 * shrunk to fit GitHub's size limit.
 */
import { markdownTable } from 'markdown-table';
import { formatMetricValue } from '../grading/score-criterion.js';
import type { CheckResult, Finding } from '../results/results-schema.js';
import { capTable } from './cap-table.js';
import { escapeHtml, escapeInline, escapeParagraph, fencedBlock } from './escape-markdown.js';
import { fillTemplate, loadTemplate } from './fill-template.js';
import { type CheckView, listedMetrics, type Mark } from './report-model.js';

/** How much of each check to show; the report walks down these until it fits. */
export interface DetailLevel {
  /** Log lines kept from the end; 0 leaves logs out. */
  logLines: number;
  tables: boolean;
  maxFindings: number;
  /** False keeps only the status line and summary. */
  details: boolean;
}

/** Status marks in Markdown. */
export const MARKS: Record<Mark, string> = {
  pass: '✅',
  fail: '❌',
  warn: '⚠️',
  pending: '⏳',
  skip: '⏭️',
  hidden: '🔒',
};
const FINDING_MARKS: Record<Finding['level'], string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };
const MAX_METRICS = 50;
const MAX_TABLE_ROWS = 50;
const MAX_TABLE_COLUMNS = 16;
const MAX_LOG_CHARS = 6000;

/** Renders one check at `level`; hidden checks render only that they are hidden. */
export function renderCheckMarkdown(check: CheckView, level: DetailLevel): string {
  if (check.hidden)
    return fillTemplate(loadTemplate('check-hidden'), { title: escapeInline(check.title, 200) });
  const result = check.result;
  const seconds = result.durationMs >= 100 ? ` (${(result.durationMs / 1000).toFixed(1)} s)` : '';
  return fillTemplate(loadTemplate('check'), {
    mark: MARKS[check.mark],
    title: escapeHtml(check.title, 200),
    status: `${result.status}${seconds}`,
    summary: escapeParagraph(result.summary, 2000),
    metrics: level.details ? metricsTable(listedMetrics(result)) : '',
    tables: level.details && level.tables ? result.tables.map(tableSection).join('\n\n') : '',
    findings: level.details ? findingsList(result.findings, level.maxFindings) : '',
    logs: level.details && level.logLines > 0 ? logTail(result, level.logLines) : '',
  });
}

function metricsTable(entries: [string, number | null][]): string {
  if (entries.length === 0) return '';
  const rows = entries
    .slice(0, MAX_METRICS)
    .map(([name, value]) => [escapeInline(name, 200), value === null ? '—' : formatMetricValue(value)]);
  const table = markdownTable([['Metric', 'Value'], ...rows], { align: ['l', 'r'] });
  const more =
    entries.length > MAX_METRICS
      ? `\n\n_${entries.length - MAX_METRICS} more metrics in the results file._`
      : '';
  return `${table}${more}`;
}

function tableSection(table: CheckResult['tables'][number]): string {
  const capped = capTable(table, MAX_TABLE_ROWS, MAX_TABLE_COLUMNS);
  if (capped.columns.length === 0) return '';
  const cells = [capped.columns, ...capped.rows].map((row) => row.map((cell) => escapeInline(cell, 200)));
  // No delimiter alignment: padding every cell of a large table costs bytes for no rendered benefit.
  const body = markdownTable(cells, { alignDelimiters: false });
  const note = capped.note ? `\n\n_${escapeInline(capped.note)}_` : '';
  return `**${escapeInline(capped.title, 200)}**\n\n${body}${note}`;
}

function findingsList(findings: readonly Finding[], max: number): string {
  if (findings.length === 0) return '';
  const items = findings.slice(0, max).map((f) => {
    const where = f.file
      ? ` ${escapeInline(`${f.file}${f.line ? `:${f.line}` : ''}${f.column ? `:${f.column}` : ''}`, 300)}`
      : '';
    return `- ${FINDING_MARKS[f.level]} **${f.level}**${where}: ${escapeInline(f.message, 1000)}`;
  });
  if (findings.length > max)
    items.push(`- … and ${findings.length - max} more findings in the results file.`);
  return `**Findings**\n\n${items.join('\n')}`;
}

function logTail(result: CheckResult, lines: number): string {
  if (result.logs.trim() === '') return '';
  const all = result.logs.replace(/\s+$/, '').split('\n');
  let tail = all.slice(-lines).join('\n');
  // Cut long tails at a line start so the first line shown is whole.
  if (tail.length > MAX_LOG_CHARS) tail = tail.slice(-MAX_LOG_CHARS).replace(/^[^\n]*\n/, '');
  const shown = tail.split('\n').length;
  const cut = result.logsTruncated || shown < all.length ? `last ${shown} lines` : 'complete';
  return `**Log** (${cut})\n\n${fencedBlock(tail, 'text')}`;
}
