/**
 * The report as flat rows (section, assignment, item, figure, value): the CSV is exactly these rows,
 * and anything that wants the figures without the model's nesting can read them.
 */
import type { ClassReport, Figure } from './report-model.js';

/** One figure of the report. */
export interface ReportRow {
  section: 'course' | 'assignment' | 'histogram' | 'criterion' | 'early-warning';
  assignment: string;
  /** The histogram bin (`0-10%`), criterion id or student; empty for assignment-wide figures. */
  item: string;
  figure: string;
  value: Figure | string;
}

/** Every figure of the report, in a stable order. */
export function reportRows(report: ClassReport): ReportRow[] {
  const rows: ReportRow[] = [
    { section: 'course', assignment: '', item: '', figure: 'students', value: report.students },
  ];
  for (const a of report.assignments) {
    const add = (figure: string, value: Figure | string) =>
      rows.push({ section: 'assignment', assignment: a.id, item: '', figure, value });
    add('due', a.due ?? '');
    add('maxPoints', a.maxPoints);
    add('submitted', a.submitted);
    add('graded', a.graded);
    add('passing', a.passing);
    add('complete', a.complete);
    for (const [key, value] of Object.entries(a.attempts)) add(`attempts.${key}`, value);
    for (const [key, value] of Object.entries(a.late)) add(`late.${key}`, value);
    for (const key of ['count', 'mean', 'median', 'q1', 'q3'] as const) add(`scores.${key}`, a.scores[key]);
    add('pendingManual.criteria', a.pendingManual.criteria);
    add('pendingManual.students', a.pendingManual.students);
    add('costliestCriterion', a.costliestCriterion ?? '');
    for (const bin of a.scores.histogram)
      rows.push({
        section: 'histogram',
        assignment: a.id,
        item: binName(bin),
        figure: 'students',
        value: bin.students,
      });
    for (const c of a.criteria)
      for (const figure of [
        'maxPoints',
        'scored',
        'meanPoints',
        'meanLost',
        'totalLost',
        'pendingManual',
      ] as const)
        rows.push({ section: 'criterion', assignment: a.id, item: c.id, figure, value: c[figure] });
  }
  for (const warning of report.earlyWarning)
    rows.push({
      section: 'early-warning',
      assignment: warning.assignment,
      item: warning.student,
      figure: warning.kind,
      value: warning.reason,
    });
  return rows;
}

/** `0-10%`, …, `90-100%`. */
export function binName(bin: { from: number; to: number }): string {
  return `${bin.from}-${bin.to}%`;
}

/** A figure as text: the number, `fewer than 5`, or empty for no data. */
export function figureText(value: Figure | string): string {
  if (value === null) return '';
  if (typeof value === 'object') return value.suppressed;
  return String(value);
}
