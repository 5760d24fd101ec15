/** Left-aligned plain-text tables for terminal output (no colors, no box drawing: safe to pipe). */
import { displayWidth as textWidth } from '../render/text-width.js';

/** Columns padded to their widest cell, two spaces apart; empty trailing columns trimmed. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => textWidth(row[column] ?? ''))));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell + ' '.repeat(Math.max(0, widths[column]! - textWidth(cell))))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
