/**
 * Aligned plain-text tables for the terminal: columns sized to their content, numbers right-aligned,
 * and either one flexible column that shrinks to the terminal width (the rubric's explanation) or
 * trailing columns dropped when they do not fit (a wide confusion matrix).
 */
import { displayWidth, padWidth, truncateWidth, wrapWidth } from './text-width.js';

/** Layout options for {@link layoutTable}. */
export interface TextTableOptions {
  /** Terminal columns available, indent included. */
  width: number;
  /** Spaces before each line. */
  indent?: number;
  /** Index of a column that shrinks to fit, its cells word-wrapped; without one, columns that do not fit are dropped. */
  flex?: number;
  /** Widest a non-flex column may be before its cells are cut. */
  maxCell?: number;
  /** Styles the header line (bold, when colors are on). */
  header?: (text: string) => string;
}

/** The laid-out lines and how many trailing columns did not fit. */
export interface TextTable {
  /** Header line, then every row line. */
  lines: string[];
  /** The lines of each row (more than one when its flexible cell wraps). */
  rowLines: string[][];
  droppedColumns: number;
}

const GAP = 2;
const NUMERIC = /^[-+]?(\d[\d,]*)?(\.\d+)?(e[-+]?\d+)?%?$/i;

/** Lays out `columns` and `rows` (already plain, single-line text) within `options.width`. */
export function layoutTable(
  columns: readonly string[],
  rows: readonly string[][],
  options: TextTableOptions,
): TextTable {
  const indent = ' '.repeat(options.indent ?? 0);
  const { widths, keep } = fitColumns([columns, ...rows], options, options.width - indent.length);
  const align = columns.map((_, i) =>
    rows.length > 0 && rows.every((row) => (row[i] ?? '') === '' || NUMERIC.test(row[i] ?? ''))
      ? 'right'
      : 'left',
  );
  const format = (row: readonly string[]) =>
    widths
      .slice(0, keep)
      .map((w, i) => padWidth(truncateWidth(row[i] ?? '', w), w, align[i]))
      .join(' '.repeat(GAP))
      .trimEnd();
  // A row whose flexible cell wraps continues on lines where only that column is filled.
  const expand = (row: readonly string[]): string[][] => {
    if (options.flex === undefined) return [[...row]];
    const parts = wrapWidth(row[options.flex] ?? '', widths[options.flex] ?? 10);
    return parts.map((part, n) => row.map((cell, i) => (i === options.flex ? part : n === 0 ? cell : '')));
  };
  const style = options.header ?? ((text: string) => text);
  const rowLines = rows.map((row) => expand(row).map((line) => `${indent}${format(line)}`));
  return {
    lines: [`${indent}${style(format(columns))}`, ...rowLines.flat()],
    rowLines,
    droppedColumns: widths.length - keep,
  };
}

/** Column widths within `available` columns, and how many leading columns are kept. */
function fitColumns(
  all: readonly (readonly string[])[],
  options: TextTableOptions,
  available: number,
): { widths: number[]; keep: number } {
  const maxCell = options.maxCell ?? 40;
  const natural = (all[0] ?? []).map((_, i) => Math.max(...all.map((row) => displayWidth(row[i] ?? ''))));
  const widths = natural.map((w, i) => (i === options.flex ? w : Math.min(w, maxCell)));
  if (options.flex !== undefined) {
    const fixed = widths.reduce((sum, w, i) => (i === options.flex ? sum : sum + w + GAP), 0);
    widths[options.flex] = Math.max(10, Math.min(widths[options.flex] ?? 0, available - fixed));
    return { widths, keep: widths.length };
  }
  // Keep as many leading columns as fit (always the first: it labels the rows).
  let used = 0;
  let keep = 0;
  for (const w of widths) {
    if (keep > 0 && used + w > available) break;
    used += w + GAP;
    keep++;
  }
  return { widths, keep };
}
