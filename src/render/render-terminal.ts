/**
 * The terminal report for the CLI: the same information as the Markdown report (headline, rubric,
 * checks with metrics, tables and findings), laid out in aligned columns for a given width, with ANSI
 * colors only when asked for (the CLI decides from the TTY, `NO_COLOR` and `--color`).
 */
import { buildReportModel, type RenderInput, type ReportModel } from './report-model.js';
import { renderCheckTerminal } from './terminal-check.js';
import { type Paint, painter, plainLine, TERMINAL_MARKS } from './terminal-style.js';
import { layoutTable } from './terminal-table.js';

/** Display options for {@link renderTerminal}. */
export interface TerminalOptions {
  /** Emit ANSI colors. */
  color: boolean;
  /** Terminal width in columns (default 100; at least 40 is used). */
  width?: number;
}

/** Renders the report as terminal text, one string ending in a newline. */
export function renderTerminal(
  input: RenderInput & { options?: { showHidden?: boolean } },
  display: TerminalOptions,
): string {
  const width = Math.max(40, display.width ?? 100);
  const paint = painter(display.color);
  const model = buildReportModel(input, input.options?.showHidden ?? false);
  const lines = [
    ...headerLines(model, paint),
    '',
    paint('bold', 'Rubric'),
    ...rubricLines(model, width, paint),
    '',
    paint('bold', 'Checks'),
    ...model.checks.flatMap((check) => renderCheckTerminal(check, width, paint)),
    '',
    paint('dim', plainLine(model.footer)),
  ];
  return `${lines.join('\n')}\n`;
}

function headerLines(model: ReportModel, paint: Paint): string[] {
  const [glyph, style] = TERMINAL_MARKS[model.mark];
  const lines = [
    `${paint('bold', plainLine(model.assignmentTitle))}  ${paint('dim', plainLine(model.courseTitle))}`,
    `${paint(style, glyph)} ${paint('bold', 'Total')}  ${plainLine(model.total)}`,
  ];
  if (model.pendingNote)
    lines.push(`${paint('cyan', TERMINAL_MARKS.pending[0])} ${plainLine(model.pendingNote)}`);
  if (model.lateNote) lines.push(`${paint('yellow', TERMINAL_MARKS.warn[0])} ${plainLine(model.lateNote)}`);
  return lines;
}

function rubricLines(model: ReportModel, width: number, paint: Paint): string[] {
  const rows = model.rubric.map((row) =>
    [row.title, row.value, row.level, row.points, row.explanation].map((cell) => plainLine(cell)),
  );
  const table = layoutTable(['Criterion', 'Value', 'Level', 'Points', 'Explanation'], rows, {
    width,
    indent: 2,
    flex: 4,
    maxCell: 32,
    header: (text) => paint('bold', text),
  });
  // Pending rows in cyan so what is still open stands out.
  const rowLines = table.rowLines.flatMap((lines, i) =>
    model.rubric[i]?.pending ? lines.map((line) => paint('cyan', line)) : lines,
  );
  return [table.lines[0] ?? '', ...rowLines];
}
