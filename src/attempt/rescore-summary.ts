/**
 * The check run an app-side rescore shows on the config commit (course.rescore_on_change): per
 * assignment, who gains or loses points and why, the attempts whose checks must run again, and the
 * criteria the config dropped. Markdown for the check run summary; the title says it in one line.
 */
import { markdownTable } from 'markdown-table';
import { escapeInline } from '../render/escape-markdown.js';
import type { ClassRescore } from './rescore-class.js';

/** One assignment's rescore, as the summary lists it. */
export interface AssignmentRescore {
  assignmentId: string;
  rescore: ClassRescore;
}

/** GitHub caps a check run summary at 65,535 bytes; rows past this many are counted, not listed. */
const MAX_ROWS = 200;

/** Title and Markdown summary for the rescore check run. */
export function rescoreSummary(
  assignments: readonly AssignmentRescore[],
  state: 'preview' | 'applied',
): { title: string; summary: string } {
  const changed = assignments.reduce((sum, { rescore }) => sum + rescore.diffs.length, 0);
  const stale = assignments.reduce((sum, { rescore }) => sum + rescore.stale.length, 0);
  const title =
    changed === 0 && stale === 0
      ? 'Rescore: no graded attempt changes'
      : `${state === 'preview' ? 'Rescore preview' : 'Rescored'}: ${changed} attempt${changed === 1 ? '' : 's'} change${stale > 0 ? `, ${stale} need a regrade` : ''}`;
  const parts: string[] = [
    state === 'preview'
      ? 'The course config changed. Every graded attempt was scored again from its stored results (no check ran). **Nothing is stored or shown to students yet:** an instructor applies it with the **Apply rescore** button.'
      : 'The course config changed. Every graded attempt was scored again from its stored results (no check ran); the new scores are stored, and each student’s check run and pull-request comment are updated.',
  ];
  let rows = 0;
  for (const { assignmentId, rescore } of assignments) {
    const gains = rescore.diffs.filter((diff) => diff.after.points > diff.before.points).length;
    const losses = rescore.diffs.filter((diff) => diff.after.points < diff.before.points).length;
    parts.push(
      `### ${escapeInline(assignmentId, 200)}`,
      `${rescore.diffs.length} change (${gains} gain, ${losses} lose points), ${rescore.unchanged} unchanged${rescore.stale.length > 0 ? `, ${rescore.stale.length} need their checks run again` : ''}.`,
    );
    if (rescore.diffs.length > 0) {
      const listed = rescore.diffs.slice(0, Math.max(0, MAX_ROWS - rows));
      rows += listed.length;
      parts.push(
        markdownTable([
          ['Repository', 'Commit', 'Points', 'Criteria'],
          ...listed.map((diff) => [
            escapeInline(diff.repository, 200),
            `\`${diff.sha.slice(0, 7)}\``,
            `${diff.before.points} → ${diff.after.points} / ${diff.after.maxPoints}`,
            escapeInline(
              diff.changes
                .map((change) => `${change.id} ${show(change.before)} → ${show(change.after)}`)
                .join('; '),
              600,
            ),
          ]),
        ]),
      );
      if (listed.length < rescore.diffs.length)
        parts.push(`…and ${rescore.diffs.length - listed.length} more (\`mlgrade rescore\` lists them all).`);
    }
    if (rescore.stale.length > 0)
      parts.push(
        `Not rescored, because a check's inputs changed since they were graded (regrade them): ${rescore.stale
          .slice(0, 50)
          .map(
            (stale) =>
              `${escapeInline(stale.repository, 200)} (${stale.checks.map((check) => check.id).join(', ')})`,
          )
          .join(', ')}${rescore.stale.length > 50 ? `, and ${rescore.stale.length - 50} more` : ''}.`,
      );
    if (rescore.removedCriteria.length > 0)
      parts.push(
        `Stored scores name criteria the config no longer has: ${rescore.removedCriteria.map((id) => escapeInline(id, 100)).join(', ')}; their points are dropped.`,
      );
  }
  return { title, summary: parts.join('\n\n') };
}

function show(points: number | null | undefined): string {
  if (points === undefined) return '(none)';
  return points === null ? 'pending' : String(points);
}
