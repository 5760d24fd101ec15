/**
 * One check in the terminal report: a status line, then (indented) its summary, metrics, tables,
 * findings as `file:line  level  message`, and the log tail of checks that did not pass.
 */

import { formatMetricValue } from '../grading/score-criterion.js';
import type { CheckResult, Finding } from '../results/results-schema.js';
import { capTable } from './cap-table.js';
import { type CheckView, HIDDEN_NOTE, listedMetrics } from './report-model.js';
import { type Paint, plainLine, plainLines, type Style, TERMINAL_MARKS } from './terminal-style.js';
import { layoutTable } from './terminal-table.js';
import { displayWidth, padWidth } from './text-width.js';

const INDENT = 6;
const MAX_FINDINGS = 50;
const LOG_LINES = 20;
const LEVEL_STYLE: Record<Finding['level'], Style> = { error: 'red', warning: 'yellow', notice: 'cyan' };

/** Renders one check as terminal lines within `width` columns. */
export function renderCheckTerminal(check: CheckView, width: number, paint: Paint): string[] {
  const [glyph, style] = TERMINAL_MARKS[check.mark];
  const title = plainLine(check.title);
  if (check.hidden) return [`  ${paint(style, glyph)} ${paint('bold', title)}  ${paint('dim', HIDDEN_NOTE)}`];
  const result = check.result;
  const seconds = paint('dim', `${(result.durationMs / 1000).toFixed(1)} s`);
  const pad = ' '.repeat(INDENT);
  const lines = [
    `  ${paint(style, glyph)} ${paint('bold', title)}  ${paint(style, result.status)}  ${seconds}`,
  ];
  if (result.summary.trim()) lines.push(`${pad}${plainLine(result.summary)}`);
  lines.push(...metricLines(listedMetrics(result), width));
  for (const table of result.tables) lines.push(...tableLines(table, width, paint));
  lines.push(...findingLines(result.findings, paint));
  if (result.status !== 'pass') lines.push(...logLines(result, paint));
  return lines;
}

/** Metrics as `name value` pairs, wrapped to the width. */
function metricLines(metrics: [string, number | null][], width: number): string[] {
  const pairs = metrics.map(
    ([name, value]) => `${plainLine(name)} ${value === null ? '—' : formatMetricValue(value)}`,
  );
  const lines: string[] = [];
  let line = '';
  for (const pair of pairs) {
    if (line && INDENT + displayWidth(line) + 3 + displayWidth(pair) > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line}   ${pair}` : pair;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${' '.repeat(INDENT)}${l}`);
}

function tableLines(table: CheckResult['tables'][number], width: number, paint: Paint): string[] {
  const capped = capTable(table, 30, 60);
  if (capped.columns.length === 0) return [];
  const clean = (row: string[]) => row.map(plainLine);
  const laid = layoutTable(clean(capped.columns), capped.rows.map(clean), {
    width,
    indent: INDENT + 2,
    maxCell: 24,
    header: (text) => paint('bold', text),
  });
  const notes = [
    capped.note ?? '',
    laid.droppedColumns > 0 ? `${laid.droppedColumns} more columns did not fit the terminal width.` : '',
  ].filter(Boolean);
  return [
    `${' '.repeat(INDENT)}${paint('bold', plainLine(capped.title))}`,
    ...laid.lines,
    ...notes.map((note) => `${' '.repeat(INDENT + 2)}${paint('dim', note)}`),
  ];
}

function findingLines(findings: readonly Finding[], paint: Paint): string[] {
  if (findings.length === 0) return [];
  const shown = findings.slice(0, MAX_FINDINGS);
  const where = shown.map((f) => plainLine(`${f.file ?? '-'}${f.file && f.line ? `:${f.line}` : ''}`));
  const whereWidth = Math.min(50, Math.max(...where.map(displayWidth)));
  const lines = shown.map(
    (f, i) =>
      `${' '.repeat(INDENT)}${padWidth(where[i] ?? '', whereWidth)}  ${paint(LEVEL_STYLE[f.level], padWidth(f.level, 7))}  ${plainLine(f.message)}`,
  );
  if (findings.length > MAX_FINDINGS) {
    lines.push(
      `${' '.repeat(INDENT)}${paint('dim', `… and ${findings.length - MAX_FINDINGS} more findings`)}`,
    );
  }
  return lines;
}

function logLines(result: CheckResult, paint: Paint): string[] {
  if (result.logs.trim() === '') return [];
  const all = plainLines(result.logs);
  const tail = all.slice(-LOG_LINES);
  const label = tail.length < all.length || result.logsTruncated ? `log (last ${tail.length} lines)` : 'log';
  return [
    `${' '.repeat(INDENT)}${paint('bold', label)}`,
    ...tail.map((l) => `${' '.repeat(INDENT + 2)}${paint('dim', l)}`),
  ];
}
