/**
 * ANSI styling for the terminal report, and the plain-text cleaning every student-controlled string
 * goes through first (so a log line cannot move the cursor, clear the screen or fake colors).
 */
import { stripControl } from './escape-markdown.js';
import type { Mark } from './report-model.js';

/** Style names the terminal report uses. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

/** Applies a style when colors are on, else returns the text unchanged. */
export type Paint = (style: Style, text: string) => string;

/** A painter that colors only when `color` is true. */
export function painter(color: boolean): Paint {
  return (style, text) =>
    color && text !== '' ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text;
}

/** Terminal marks and their colors; plain glyphs that are one column wide in common terminals. */
export const TERMINAL_MARKS: Record<Mark, [string, Style]> = {
  pass: ['✓', 'green'],
  fail: ['✗', 'red'],
  warn: ['!', 'yellow'],
  pending: ['…', 'cyan'],
  skip: ['-', 'dim'],
  hidden: ['#', 'dim'],
};

/** One line of plain text: controls and ANSI removed, whitespace runs collapsed. */
export function plainLine(text: string): string {
  return stripControl(text).replace(/\s+/g, ' ').trim();
}

/** Log text for the terminal: controls and ANSI removed, tabs expanded, lines kept. */
export function plainLines(text: string): string[] {
  return stripControl(text).replace(/\t/g, '  ').replace(/\s+$/, '').split('\n');
}
