/**
 * What a report shows, decided once for both renderers: the headline, the rubric rows, which checks
 * are hidden. Strings here are raw; each renderer escapes them for its medium.
 *
 * Hidden checks (`hidden: true` in the assignment) keep their details to themselves until the caller
 * passes `showHidden` (after the due date): their sections say only "hidden until the due date", and
 * rubric rows that read them show points and level but not the measured value or its explanation,
 * so students cannot tune a model against the hidden test set one push at a time.
 */
import type { Assignment, CourseConfig } from '../config/schema.js';
import { criterionCheckIds, formatMetricValue } from '../grading/score-criterion.js';
import type { CheckResult, CheckStatus, Results } from '../results/results-schema.js';
import type { AssignmentScore, CriterionScore } from '../results/score-types.js';

/** What both renderers take. */
export interface RenderInput {
  course: Pick<CourseConfig['course'], 'id' | 'title'>;
  assignment: Assignment;
  results: Results;
  score: AssignmentScore;
}

/** A status mark; each renderer draws it its own way. */
export type Mark = 'pass' | 'fail' | 'warn' | 'pending' | 'skip' | 'hidden';

/** One rubric table row, as text. */
export interface RubricRow {
  title: string;
  value: string;
  level: string;
  points: string;
  explanation: string;
  pending: boolean;
}

/** One check as the report shows it. */
export interface CheckView {
  id: string;
  title: string;
  mark: Mark;
  /** True when its details must not be shown. */
  hidden: boolean;
  result: CheckResult;
}

/** Everything a report says, before formatting. */
export interface ReportModel {
  mark: Mark;
  courseTitle: string;
  assignmentTitle: string;
  /** "72 / 100 points (72%)", with the late penalty when one applied. */
  total: string;
  pendingNote?: string;
  lateNote?: string;
  rubric: RubricRow[];
  checks: CheckView[];
  footer: string;
}

/** Text shown in place of a hidden check's details. */
export const HIDDEN_NOTE = 'hidden until the due date';
const STATUS_MARK: Record<CheckStatus, Mark> = { pass: 'pass', fail: 'fail', error: 'warn', skipped: 'skip' };

/** Builds the report model; `showHidden` reveals hidden checks (pass it once the due date is past). */
export function buildReportModel(input: RenderInput, showHidden = false): ReportModel {
  const { assignment, results, score } = input;
  const hiddenIds = new Set(showHidden ? [] : assignment.checks.filter((c) => c.hidden).map((c) => c.id));
  const checks = results.checks.map((result): CheckView => {
    const hidden = hiddenIds.has(result.id);
    const spec = assignment.checks.find((c) => c.id === result.id);
    return {
      id: result.id,
      title: spec?.title ?? result.title ?? result.id,
      mark: hidden ? 'hidden' : STATUS_MARK[result.status],
      hidden,
      result,
    };
  });
  const model: ReportModel = {
    mark: overallMark(score, checks),
    courseTitle: input.course.title,
    assignmentTitle: assignment.title,
    total: totalLine(score),
    rubric: score.criteria.map((c) => rubricRow(c, hiddenIds)),
    checks,
    footer: footerLine(input),
  };
  const pendingNote = pendingLine(score);
  if (pendingNote) model.pendingNote = pendingNote;
  if (['late', 'rejected', 'unknown'].includes(score.late.status)) model.lateNote = score.late.explanation;
  return model;
}

function overallMark(score: AssignmentScore, checks: readonly CheckView[]): Mark {
  if (score.late.status === 'rejected') return 'fail';
  if (!score.complete) return 'pending';
  // Hidden checks are left out so the headline mark does not give their outcome away.
  return checks.some((c) => c.mark === 'fail' || c.mark === 'warn') ? 'warn' : 'pass';
}

function totalLine(score: AssignmentScore): string {
  const base = `${score.points} / ${score.maxPoints} points (${score.percent}%)`;
  if (score.late.status === 'rejected') return `${base}, late submission not accepted`;
  if (score.late.deduction > 0) return `${base} after a late penalty of ${score.late.deduction} points`;
  return base;
}

function pendingLine(score: AssignmentScore): string | undefined {
  if (score.complete) return undefined;
  const pending = score.criteria.filter((c) => c.status === 'pending');
  const manual = sum(pending.filter((c) => c.pendingReason === 'manual'));
  const review = sum(pending.filter((c) => c.pendingReason !== 'manual'));
  const parts = [
    manual > 0 ? `${manual} await an instructor's score` : '',
    review > 0 ? `${review} need an instructor's review because a value could not be measured` : '',
  ].filter(Boolean);
  return `${score.pendingPoints} points pending: ${parts.join('; ')}.`;
}

function rubricRow(c: CriterionScore, hiddenIds: ReadonlySet<string>): RubricRow {
  const hidden = criterionCheckIds(c).some((id) => hiddenIds.has(id));
  const pending = c.status === 'pending';
  let explanation = c.explanation;
  if (hidden)
    explanation = pending
      ? `Pending: an instructor must review (details ${HIDDEN_NOTE}).`
      : `Details ${HIDDEN_NOTE}.`;
  return {
    title: c.title,
    value: hidden ? 'hidden' : typeof c.value === 'number' ? formatMetricValue(c.value) : '—',
    level: c.level ?? '—',
    points: `${c.points ?? '—'} / ${c.maxPoints}`,
    explanation,
    pending,
  };
}

function footerLine({ course, results }: RenderInput): string {
  const { repository, sha } = results.submission;
  const commit = sha ? `commit ${sha.slice(0, 7)}` : undefined;
  return [
    `mlgrade ${results.environment.mlgradeVersion}`,
    course.title,
    repository,
    commit,
    `graded ${results.finishedAt}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

function sum(criteria: readonly CriterionScore[]): number {
  return Math.round(criteria.reduce((total, c) => total + c.maxPoints, 0) * 100) / 100;
}

/**
 * The metrics worth listing beside a check: per-class metrics (`class.<name>.<metric>`) are left out
 * when the check reports a `per-class` table, which shows the same numbers readably.
 */
export function listedMetrics(result: CheckResult): [string, number | null][] {
  const entries = Object.entries(result.metrics);
  if (!result.tables.some((table) => table.id === 'per-class')) return entries;
  return entries.filter(([name]) => !name.startsWith('class.'));
}
