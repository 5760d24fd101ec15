/**
 * Caps a check's table (a per-class table, a confusion matrix over 100 classes) to what a report can
 * show, turning cells into text and saying what was left out. Shared by both renderers.
 */

import { formatMetricValue } from '../grading/score-criterion.js';
import type { Table } from '../results/results-schema.js';

/** A table cut to size, cells as raw (unescaped) text. */
export interface CappedTable {
  title: string;
  columns: string[];
  rows: string[][];
  /** Says what was left out; undefined when the whole table fits. */
  note?: string;
}

/** Keeps the first `maxRows` rows and `maxColumns` columns of `table`. */
export function capTable(table: Table, maxRows: number, maxColumns: number): CappedTable {
  const width = Math.max(table.columns.length, ...table.rows.map((row) => row.length));
  const keepColumns = Math.min(width, maxColumns);
  const keepRows = Math.min(table.rows.length, maxRows);
  const columns = Array.from({ length: keepColumns }, (_, i) => table.columns[i] ?? '');
  const rows = table.rows
    .slice(0, keepRows)
    .map((row) => Array.from({ length: keepColumns }, (_, i) => formatCell(row[i])));
  const cut = [
    keepColumns < width ? `${keepColumns} of ${width} columns` : '',
    keepRows < table.rows.length ? `${keepRows} of ${table.rows.length} rows` : '',
  ].filter(Boolean);
  const capped: CappedTable = { title: table.title, columns, rows };
  if (cut.length > 0) capped.note = `Showing ${cut.join(' and ')}; the full table is in the results file.`;
  return capped;
}

/** Numbers as in the rubric, null and missing cells as empty. */
export function formatCell(cell: string | number | null | undefined): string {
  if (cell === null || cell === undefined) return '';
  return typeof cell === 'number' ? formatMetricValue(cell) : cell;
}
