/**
 * Turns scored results into what GitHub shows: the check-run report (title, summary from
 * templates/result.md, annotations from findings) and the PR comment's Markdown. Hidden checks keep
 * their findings out of annotations until the due date, like the rendered report does.
 */
import type { Assignment, CourseConfig } from '../config/schema.js';
import { parseDue } from '../grading/due-date.js';
import { renderMarkdown } from '../render/render-markdown.js';
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore } from '../results/score-types.js';

/** One annotation as GitHub takes it (findings pinned to a file and line). */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

/** What the completed check run of an attempt says; the GitHub adapter sends it as it is. */
export interface CheckReport {
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  annotations?: readonly Annotation[];
}

/** What a report is made from. */
export interface ScoredResults {
  course: CourseConfig;
  assignment: Assignment;
  results: Results;
  score: AssignmentScore;
  now?: Date;
}

/** True once the assignment's due date has passed (hidden checks are revealed then). */
export function pastDue(course: CourseConfig, assignment: Assignment, now = new Date()): boolean {
  if (assignment.due === undefined) return false;
  const due = parseDue(assignment.due, assignment.timezone ?? course.course.timezone ?? 'UTC');
  return now.getTime() > due.getTime();
}

/** The Markdown report (≤ 65,000 bytes, with a truncation note when cut). */
export function reportMarkdown(input: ScoredResults): string {
  return renderMarkdown({
    course: input.course.course,
    assignment: input.assignment,
    results: input.results,
    score: input.score,
    options: { showHidden: pastDue(input.course, input.assignment, input.now) },
  });
}

/** The completed check run for scored results. */
export function checkRunReport(input: ScoredResults): CheckReport {
  const { score, results } = input;
  const passed = results.checks.every((check) => check.status === 'pass' || check.status === 'skipped');
  return {
    conclusion: passed ? 'success' : 'failure',
    title: `${score.points} / ${score.maxPoints} points${score.pendingPoints > 0 ? ` (${score.pendingPoints} pending review)` : ''}`,
    summary: reportMarkdown(input),
    annotations: annotations(input),
  };
}

const LEVELS = { error: 'failure', warning: 'warning', notice: 'notice' } as const;

function annotations(input: ScoredResults): Annotation[] {
  const reveal = pastDue(input.course, input.assignment, input.now);
  const hidden = new Set(input.assignment.checks.filter((check) => check.hidden).map((check) => check.id));
  const out: Annotation[] = [];
  for (const check of input.results.checks) {
    if (hidden.has(check.id) && !reveal) continue;
    for (const finding of check.findings) {
      if (!finding.file) continue;
      const line = finding.line ?? 1;
      out.push({
        path: finding.file,
        start_line: line,
        end_line: line,
        annotation_level: LEVELS[finding.level],
        title: check.title ?? check.id,
        message: finding.message,
      });
    }
  }
  return out;
}
