/** The class report as CSV for spreadsheets: one row per figure (report-rows.ts), RFC 4180 quoting. */
import type { ClassReport } from './report-model.js';
import { figureText, reportRows } from './report-rows.js';

export const REPORT_CSV_HEADER = ['section', 'assignment', 'item', 'figure', 'value'] as const;

/** The CSV text, CRLF line ends, a header row first. */
export function renderReportCsv(report: ClassReport): string {
  const lines = [
    [...REPORT_CSV_HEADER],
    ...reportRows(report).map((row) => [
      row.section,
      row.assignment,
      row.item,
      row.figure,
      figureText(row.value),
    ]),
  ];
  return `${lines.map((line) => line.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** Quotes a field when it holds a comma, quote or line break; a leading = + @ is defused (CSV injection). */
function quote(field: string): string {
  const safe = /^[=+@]/.test(field) ? `'${field}` : field;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
