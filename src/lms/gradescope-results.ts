/**
 * mlgrade as a Gradescope autograder: the `results.json` Gradescope reads from
 * /autograder/results/ (https://gradescope-autograders.readthedocs.io/en/latest/specs/). One test per
 * rubric criterion carries the points; one unscored test per check carries its status and findings.
 * Gradescope's own visibility fields do the hiding: a criterion or check that reads a `hidden: true`
 * check gets `course.lms.gradescope.hidden_checks` (default after_due_date), everything else
 * `course.lms.gradescope.visibility` (default visible). The overall output is the report without hidden
 * details, since Gradescope shows it with the whole result.
 */
import type { Assignment, CourseConfig } from '../config/schema.js';
import { criterionCheckIds } from '../grading/score-criterion.js';
import { escapeInline } from '../render/escape-markdown.js';
import { renderMarkdown } from '../render/render-markdown.js';
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore, CriterionScore } from '../results/score-types.js';

/** Gradescope's visibility values. */
export type GradescopeVisibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

/** One test case of results.json. */
export interface GradescopeTest {
  name: string;
  score?: number;
  max_score?: number;
  status: 'passed' | 'failed';
  output: string;
  output_format: 'md';
  visibility: GradescopeVisibility;
  tags?: string[];
}

/** The results.json object. */
export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'md';
  test_output_format: 'md';
  visibility: GradescopeVisibility;
  stdout_visibility: 'hidden';
  tests: GradescopeTest[];
  extra_data: { mlgrade: { course: string; assignment: string; maxPoints: number; pendingPoints: number } };
}

/** Builds results.json from graded results. */
export function gradescopeResults(input: {
  course: CourseConfig;
  assignment: Assignment;
  results: Results;
  score: AssignmentScore;
  executionSeconds: number;
}): GradescopeResults {
  const { course, assignment, results, score } = input;
  const settings = course.course.lms?.gradescope;
  const visible = settings?.visibility ?? 'visible';
  const hiddenVisibility = settings?.hidden_checks ?? 'after_due_date';
  const hiddenChecks = new Set(assignment.checks.filter((check) => check.hidden).map((check) => check.id));
  const criteria = score.criteria.map((criterion) =>
    criterionTest(criterion, readsHidden(criterion, hiddenChecks) ? hiddenVisibility : visible),
  );
  const checks = results.checks.map((check) => ({
    name: `Check: ${check.title ?? check.id}`,
    status: check.status === 'pass' || check.status === 'skipped' ? ('passed' as const) : ('failed' as const),
    output: checkOutput(check),
    output_format: 'md' as const,
    visibility: hiddenChecks.has(check.id) ? hiddenVisibility : visible,
    tags: ['check'],
  }));
  const report = renderMarkdown({
    course: course.course,
    assignment,
    results,
    score,
    options: { showHidden: false },
  });
  return {
    score: score.points,
    execution_time: Math.max(0, Math.round(input.executionSeconds)),
    output: report,
    output_format: 'md',
    test_output_format: 'md',
    visibility: visible,
    // run_autograder's stdout is for the instructor (it may show hidden details); students never see it.
    stdout_visibility: 'hidden',
    tests: [...criteria, ...checks],
    extra_data: {
      mlgrade: {
        course: course.course.id,
        assignment: assignment.id,
        maxPoints: score.maxPoints,
        pendingPoints: score.pendingPoints,
      },
    },
  };
}

/**
 * results.json for a submission that could not be graded (invalid config, a crash): score 0 and what
 * happened, so the student sees a result and the instructor the reason, never an empty page.
 */
export function gradescopeFailure(message: string, executionSeconds: number): GradescopeResults {
  return {
    score: 0,
    execution_time: Math.max(0, Math.round(executionSeconds)),
    output: `**mlgrade could not grade this submission.** This is not a grade: ask your instructor.\n\n\`\`\`text\n${message.replace(/```/g, "'''")}\n\`\`\``,
    output_format: 'md',
    test_output_format: 'md',
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests: [],
    extra_data: { mlgrade: { course: '', assignment: '', maxPoints: 0, pendingPoints: 0 } },
  };
}

function criterionTest(criterion: CriterionScore, visibility: GradescopeVisibility): GradescopeTest {
  const pending = criterion.status === 'pending';
  const points = criterion.points ?? 0;
  return {
    name: criterion.title,
    score: pending ? 0 : points,
    max_score: criterion.maxPoints,
    status: !pending && points >= criterion.maxPoints ? 'passed' : 'failed',
    output: pending
      ? `Pending: ${criterion.explanation} This criterion counts 0 until it is scored.`
      : criterion.explanation,
    output_format: 'md',
    visibility,
    tags: ['rubric', criterion.source],
  };
}

/** A criterion reads a hidden check when its metric or pass names one. */
function readsHidden(criterion: CriterionScore, hidden: ReadonlySet<string>): boolean {
  return criterionCheckIds(criterion).some((id) => hidden.has(id));
}

function checkOutput(check: Results['checks'][number]): string {
  const lines = [`Status: ${check.status}`];
  for (const finding of check.findings.slice(0, 50)) {
    // Findings quote student files: escaped so they cannot add links, images or structure.
    const where = finding.file
      ? ` (${escapeInline(finding.file, 200)}${finding.line ? `:${finding.line}` : ''})`
      : '';
    lines.push(`- ${finding.level}: ${escapeInline(finding.message)}${where}`);
  }
  if (check.findings.length > 50) lines.push(`- … and ${check.findings.length - 50} more findings`);
  return lines.join('\n');
}
