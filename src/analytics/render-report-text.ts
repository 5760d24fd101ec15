/**
 * The class report for a terminal: a block per assignment (completion, attempts, lateness, the score
 * distribution with a text bar per histogram bin, the criteria table) and the early-warning list.
 * Plain text (no colors, no box drawing), safe to pipe.
 */
import { displayWidth } from '../render/text-width.js';
import type { AssignmentSummary, ClassReport, Figure } from './report-model.js';
import { binName, figureText } from './report-rows.js';

/** Widest histogram bar, in characters. */
const BAR_WIDTH = 30;

/** The report as terminal text. */
export function renderReportText(report: ClassReport): string {
  const lines: string[] = [
    `Class report: ${report.course.title} (${report.course.id}), as of ${report.now}${report.anonymous ? ', anonymous' : ''}`,
    `Students with an attempt: ${show(report.students)}`,
    `Privacy: ${report.privacy}`,
  ];
  for (const note of report.notes) lines.push(`Note: ${note}`);
  for (const assignment of report.assignments) lines.push('', ...assignmentBlock(assignment));
  lines.push('', ...warningBlock(report));
  return `${lines.join('\n')}\n`;
}

function assignmentBlock(a: AssignmentSummary): string[] {
  const lines = [
    `${a.id}  ${a.title}  (${a.maxPoints} points${a.due ? `, due ${a.due}` : ', no due date'})`,
    `  submitted ${show(a.submitted)}   graded ${show(a.graded)}   passing ${show(a.passing)}   complete ${show(a.complete)}`,
    `  attempts per student: mean ${show(a.attempts.mean)}, median ${show(a.attempts.median)}, max ${show(a.attempts.max)} (over ${show(a.attempts.students)} students)`,
    `  late: ${show(a.late.late)} late (${show(a.late.rejected)} rejected); mean ${show(a.late.meanDaysLate)} days late; penalties ${show(a.late.totalPenaltyPoints)} points in all, mean ${show(a.late.meanPenaltyPoints)}`,
    `  scores (% of max): count ${show(a.scores.count)}, mean ${show(a.scores.mean)}, median ${show(a.scores.median)}, Q1 ${show(a.scores.q1)}, Q3 ${show(a.scores.q3)}`,
  ];
  const top = Math.max(
    0,
    ...a.scores.histogram.map((bin) => (typeof bin.students === 'number' ? bin.students : 0)),
  );
  const labelWidth = Math.max(...a.scores.histogram.map((bin) => binName(bin).length));
  for (const bin of a.scores.histogram) {
    const n = bin.students;
    // A withheld bin gets no bar: its length would tell the count.
    const bar = typeof n === 'number' && top > 0 ? '█'.repeat(Math.round((n / top) * BAR_WIDTH)) : '';
    lines.push(`    ${binName(bin).padStart(labelWidth)} |${bar} ${show(n)}`.trimEnd());
  }
  const header = ['criterion', 'max', 'scored', 'mean points', 'mean lost', 'total lost', 'pending (manual)'];
  const rows = a.criteria.map((c) => [
    c.id,
    String(c.maxPoints),
    show(c.scored),
    show(c.meanPoints),
    show(c.meanLost),
    show(c.totalLost),
    show(c.pendingManual),
  ]);
  lines.push(...table(header, rows).map((line) => `  ${line}`));
  if (a.costliestCriterion) lines.push(`  costs the class most points: ${a.costliestCriterion}`);
  lines.push(
    `  manual criteria pending: ${show(a.pendingManual.criteria)} across ${show(a.pendingManual.students)} students`,
  );
  if (a.suppressed.length > 0)
    lines.push(`  withheld (about fewer than 5 students): ${a.suppressed.join(', ')}`);
  return lines;
}

function warningBlock(report: ClassReport): string[] {
  const { threshold, inactiveDays } = report.settings;
  const title = `Early warning (below ${threshold}%, no attempt with a due date ${inactiveDays} days away or past, a check failing 3 times in a row):`;
  if (report.earlyWarning.length === 0) return [title, '  nobody'];
  const rows = report.earlyWarning.map((w) => [w.student, w.assignment, w.kind, w.reason]);
  return [title, ...table(['student', 'assignment', 'warning', 'why'], rows).map((line) => `  ${line}`)];
}

function show(figure: Figure): string {
  return figureText(figure) || '–';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => displayWidth(row[column] ?? ''))));
  return all.map((row) =>
    row
      .map((cell, column) => cell + ' '.repeat(Math.max(0, widths[column]! - displayWidth(cell))))
      .join('  ')
      .trimEnd(),
  );
}
