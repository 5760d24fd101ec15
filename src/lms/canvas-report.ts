/**
 * The outcome of a Canvas sync as a table of changes (student, assignment, old, new, state/reason):
 * Markdown for the issue comment that asked for the sync, plain text for `--dry-run` in a terminal.
 */
import { markdownTable } from 'markdown-table';
import { escapeInline } from '../render/escape-markdown.js';
import { layoutTable } from '../render/terminal-table.js';
import type { SyncGradeOutcome, SyncOutcome } from './canvas-sync.js';

const STATE_LABEL: Record<SyncGradeOutcome['state'], string> = {
  planned: 'to send',
  sent: 'sent, not confirmed',
  confirmed: 'sent',
  unchanged: 'unchanged',
  skipped: 'skipped',
  failed: 'FAILED',
};

/** Rows worth a line: everything but unchanged grades (those are counted in the summary). */
function changes(outcome: SyncOutcome): SyncGradeOutcome[] {
  const order: SyncGradeOutcome['state'][] = [
    'failed',
    'sent',
    'planned',
    'confirmed',
    'skipped',
    'unchanged',
  ];
  return outcome.grades
    .filter((grade) => grade.state !== 'unchanged')
    .sort(
      (a, b) =>
        order.indexOf(a.state) - order.indexOf(b.state) ||
        a.assignmentId.localeCompare(b.assignmentId) ||
        a.student.localeCompare(b.student),
    );
}

function cells(grade: SyncGradeOutcome, dryRun: boolean): string[] {
  const state = dryRun && grade.state === 'planned' ? 'would send' : STATE_LABEL[grade.state];
  return [
    grade.student,
    grade.assignmentId,
    grade.oldGrade ?? '–',
    grade.newGrade ?? '–',
    grade.reason ? `${state}: ${grade.reason}` : state,
  ];
}

function title(outcome: SyncOutcome): string {
  const mode = outcome.dryRun
    ? ' (dry run: nothing sent)'
    : outcome.repeated
      ? ' (repeated request: nothing sent)'
      : '';
  return `Canvas sync${mode}: ${outcome.summary}`;
}

/** Names the first `max` and counts the rest, so 300 students do not fill a comment. */
function names(items: readonly string[], max = 50): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function interruptedLines(outcome: SyncOutcome): string[] {
  return outcome.interrupted.map((report) => {
    const sent = names(report.sent.map((g) => `${g.student} (${g.assignmentId}) ${g.grade ?? ''}`.trim()));
    const notSent = names(report.notSent.map((g) => `${g.student} (${g.assignmentId})`));
    return [
      `Sync ${report.syncId} (started ${report.startedAt} by ${report.requestedBy}) was interrupted.`,
      `It had sent ${report.sent.length} grades, which Canvas shows and which were not sent again${sent ? `: ${sent}` : ''}.`,
      notSent ? `${report.notSent.length} of its grades had not reached Canvas: ${notSent}.` : '',
    ]
      .filter(Boolean)
      .join(' ');
  });
}

function requestLine(outcome: SyncOutcome): string {
  const parts = Object.entries(outcome.requests.byLabel).map(([label, count]) => `${count} ${label}`);
  const extra = [
    outcome.requests.retries ? `${outcome.requests.retries} retries` : '',
    outcome.requests.throttled ? `${outcome.requests.throttled} throttled` : '',
  ].filter(Boolean);
  return `Canvas requests: ${outcome.requests.total}${parts.length ? ` (${parts.join(', ')})` : ''}${extra.length ? `; ${extra.join(', ')}` : ''}.`;
}

/** Markdown for an issue comment; at most `maxRows` table rows (the rest are counted). */
export function renderCanvasSyncMarkdown(outcome: SyncOutcome, maxRows = 100): string {
  const rows = changes(outcome);
  const lines = [`### ${escapeInline(title(outcome))}`, ''];
  if (outcome.error) lines.push(`**${escapeInline(outcome.error)}**`, '');
  if (rows.length > 0) {
    lines.push(
      markdownTable([
        ['Student', 'Assignment', 'Old', 'New', 'State'],
        ...rows
          .slice(0, maxRows)
          .map((grade) => cells(grade, outcome.dryRun).map((cell) => escapeInline(cell, 200))),
      ]),
    );
    if (rows.length > maxRows) lines.push('', `…and ${rows.length - maxRows} more rows (see the ledger).`);
    lines.push('');
  }
  for (const line of interruptedLines(outcome)) lines.push(escapeInline(line, 4000), '');
  lines.push(`${requestLine(outcome)} Sync id \`${outcome.syncId}\`.`);
  return `${lines.join('\n')}\n`;
}

/** Plain text for the terminal (`mlgrade lms sync --dry-run`). */
export function renderCanvasSyncText(outcome: SyncOutcome, width = 100): string {
  const rows = changes(outcome);
  const lines = [title(outcome)];
  if (outcome.error) lines.push(outcome.error);
  if (rows.length > 0) {
    const table = layoutTable(
      ['student', 'assignment', 'old', 'new', 'state'],
      rows.map((grade) => cells(grade, outcome.dryRun)),
      { width, indent: 2, flex: 4 },
    );
    lines.push('', ...table.lines);
  }
  const interrupted = interruptedLines(outcome);
  if (interrupted.length > 0) lines.push('', ...interrupted);
  lines.push('', `${requestLine(outcome)} Sync id ${outcome.syncId}.`);
  return `${lines.join('\n')}\n`;
}
