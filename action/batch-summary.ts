/**
 * The job summary of a batch step: one row per attempt (repository, assignment, points, or why it was
 * not graded). The full reports go to each student's check run; this page is for whoever watches
 * the grader repository.
 */
import { markdownTable } from 'markdown-table';
import { escapeInline } from '../src/render/escape-markdown.js';
import type { BatchOutput } from './batch.js';

/** Markdown for the job summary; says why when nothing was graded. */
export function batchSummary(output: BatchOutput | undefined, failure: Error | undefined): string {
  const parts: string[] = [];
  if (output) {
    const graded = output.outcomes.filter((outcome) => outcome.status !== 'failed').length;
    parts.push(
      `## mlgrade: ${graded} of ${output.outcomes.length} attempts graded (${escapeInline(output.course.course.title, 200)})`,
      markdownTable([
        ['Repository', 'Assignment', 'Attempt', 'Points', 'Time'],
        ...output.outcomes.map((outcome) => [
          escapeInline(outcome.attempt.repository, 200),
          escapeInline(outcome.attempt.assignment, 200),
          `\`${outcome.attempt.attempt}\``,
          outcome.status === 'failed'
            ? `not graded: ${escapeInline(outcome.error.split('\n')[0] ?? '', 300)}`
            : `${outcome.result.score.points} / ${outcome.result.score.maxPoints}${outcome.result.checksFailed > 0 ? ` (${outcome.result.checksFailed} check(s) did not pass)` : ''}`,
          outcome.status === 'graded' ? `${outcome.seconds.toFixed(1)} s` : '',
        ]),
      ]),
    );
  }
  if (failure) parts.push('## mlgrade could not grade this batch', '```', failure.message, '```');
  return `${parts.join('\n\n')}\n`;
}
