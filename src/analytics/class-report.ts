/**
 * The class report's one computation: from a course's ledger records and its config, the figures of
 * each assignment (completion, attempts, lateness, score distribution, criteria, pending manual work)
 * and the early-warning list. Each student's counting score is worked out as the gradebook does (the
 * stored check results scored again against the current config with the current manual scores, one
 * entry per commit at its first submission time, the attempt policy applied). Cohort figures about
 * fewer than 5 students are withheld here, so no renderer can show them.
 */
import { matchRepository } from '../config/match-repository.js';
import type { Assignment, CourseConfig } from '../config/schema.js';
import { parseDue } from '../grading/due-date.js';
import { scoreResults } from '../grading/grade-and-score.js';
import { selectAttempt } from '../grading/select-attempt.js';
import type { CheckResult } from '../results/results-schema.js';
import type { AssignmentScore } from '../results/score-types.js';
import type { ClassAttempt, ClassRecords, SlimCheck } from '../store/class-records.js';
import {
  type AssignmentSummary,
  type ClassReport,
  type CriterionSummary,
  type EarlyWarning,
  type Figure,
  type HistogramBin,
  isSuppressed,
  MIN_GROUP_SIZE,
  SUPPRESSED,
} from './report-model.js';
import { histogram, maximum, mean, median, quantile, round2 } from './statistics.js';

/** Triggers a student starts; an instructor's regrade is not the student's attempt. */
const STUDENT_TRIGGERS = new Set(['push', 'pull_request', 'rerequested']);
/** Consecutive failures of one check that put a student on the list. */
export const FAILING_STREAK = 3;
const DAY_MS = 86_400_000;

/** What the report is computed for. */
export interface ReportOptions {
  /** The instant "now" (due dates are measured from it). */
  now: Date;
  /** Percent of an assignment's points below which a student is listed (default 50). */
  threshold?: number;
  /** Students without an attempt at an assignment due within this many days (or past due) are listed (default 7). */
  inactiveDays?: number;
  /** Assignments to report (default: every assignment of the config). */
  assignmentIds?: readonly string[];
  /** The label a student is shown under: the anonymous id with `--anonymous`; default the login. */
  label?: (login: string) => string;
  anonymous?: boolean;
}

/** One student's work on one assignment. */
interface StudentWork {
  login: string;
  attempts: ClassAttempt[];
  /** Graded attempts the student started. */
  studentGraded: number;
  counting?: { score: AssignmentScore; checks: SlimCheck[] };
}

/** Computes the report. Pure: the same records, config and options give the same report. */
export function computeClassReport(
  course: CourseConfig,
  records: ClassRecords,
  options: ReportOptions,
): ClassReport {
  const threshold = options.threshold ?? 50;
  const inactiveDays = options.inactiveDays ?? 7;
  const label = options.label ?? ((login: string) => login);
  const wanted = options.assignmentIds ?? course.assignments.map((assignment) => assignment.id);
  const assignments = course.assignments.filter((assignment) => wanted.includes(assignment.id));

  // Every student seen in any assignment of the course, by lower-cased login (logins ignore case).
  const logins = new Map<string, string>();
  const byAssignment = new Map<string, Map<string, ClassAttempt[]>>();
  for (const attempt of records.attempts) {
    const assignment = course.assignments.find((a) => a.id === attempt.assignmentId);
    if (!assignment) continue;
    const login = studentLogin(attempt, assignment);
    const key = login.toLowerCase();
    if (!logins.has(key)) logins.set(key, login);
    const students = byAssignment.get(assignment.id) ?? new Map<string, ClassAttempt[]>();
    byAssignment.set(assignment.id, students);
    students.set(key, [...(students.get(key) ?? []), attempt]);
  }

  const earlyWarning: EarlyWarning[] = [];
  const summaries = assignments.map((assignment) => {
    const work = [...(byAssignment.get(assignment.id) ?? new Map()).entries()].map(
      ([key, attempts]): StudentWork => studentWork(course, assignment, logins.get(key)!, attempts, records),
    );
    earlyWarning.push(...warnings(course, assignment, work, logins, options.now, threshold, inactiveDays));
    // A small course or a small group of submitters: every figure is withheld, zeros too (a 0 in a
    // group of 3 tells something about each of the 3).
    const withhold =
      (logins.size > 0 && logins.size < MIN_GROUP_SIZE) || (work.length > 0 && work.length < MIN_GROUP_SIZE);
    return summarize(course, assignment, work, withhold);
  });

  const notes: string[] = [];
  if (logins.size === 0)
    notes.push(
      `The ledger has no attempts for course ${course.course.id}${assignments.length < course.assignments.length ? ' in the chosen assignment' : ''}: there is nothing to report yet.`,
    );
  else if (logins.size < MIN_GROUP_SIZE)
    notes.push(
      `The course has ${logins.size === 1 ? 'one student' : 'fewer than 5 students'} in the ledger: every cohort figure is withheld, because a figure about fewer than ${MIN_GROUP_SIZE} students could identify them. The early-warning list still names students to the instructor.`,
    );

  return {
    course: { id: course.course.id, title: course.course.title },
    now: options.now.toISOString(),
    anonymous: options.anonymous === true,
    students: countFigure(logins.size),
    privacy: `Cohort figures about fewer than ${MIN_GROUP_SIZE} students are withheld and shown as "fewer than 5" (a group that small could identify its members); a count of 0 is shown. There is no ranking.`,
    settings: { threshold, inactiveDays },
    assignments: summaries,
    earlyWarning: earlyWarning
      .map((row) => ({ ...row, student: label(row.student) }))
      .sort(
        (a, b) =>
          a.student.localeCompare(b.student) ||
          wanted.indexOf(a.assignment) - wanted.indexOf(b.assignment) ||
          a.kind.localeCompare(b.kind) ||
          a.reason.localeCompare(b.reason),
      ),
    notes,
  };
}

/** The student an attempt belongs to: its recorded login, else the login its repository name names. */
export function studentLogin(
  attempt: Pick<ClassAttempt, 'studentLogin' | 'repository'>,
  assignment: Assignment,
) {
  if (attempt.studentLogin) return attempt.studentLogin;
  const name = attempt.repository.split('/')[1] ?? attempt.repository;
  const fromName = assignment.repository ? matchRepository(assignment.repository, name) : undefined;
  return fromName || name;
}

function studentWork(
  course: CourseConfig,
  assignment: Assignment,
  login: string,
  attempts: ClassAttempt[],
  records: ClassRecords,
): StudentWork {
  const graded = attempts.filter((attempt) => attempt.state === 'completed' && attempt.checks !== null);
  // One entry per commit: its newest grading, submitted when the commit first reached mlgrade.
  const commits = new Map<string, { attempt: ClassAttempt; submittedAt: Date }>();
  for (const attempt of graded) {
    const earlier = commits.get(attempt.sha);
    const submittedAt =
      earlier && earlier.submittedAt < attempt.createdAt ? earlier.submittedAt : attempt.createdAt;
    commits.set(attempt.sha, { attempt, submittedAt });
  }
  const candidates = [...commits.values()].map(({ attempt, submittedAt }) => {
    const manualScores = records.manualScores.get(attempt.repository.toLowerCase())?.get(assignment.id) ?? {};
    return {
      id: attempt.id,
      submittedAt,
      checks: attempt.checks!,
      score: scoreResults(course, assignment, attempt.checks!.map(asCheckResult), {
        submittedAt,
        manualScores,
      }),
    };
  });
  const { selected } = selectAttempt(candidates, assignment.attempts);
  return {
    login,
    attempts,
    studentGraded: graded.filter((attempt) => STUDENT_TRIGGERS.has(attempt.trigger)).length,
    ...(selected ? { counting: { score: selected.score, checks: selected.checks } } : {}),
  };
}

/** A stored check as scoring reads it; the parts the report does not read are left empty. */
function asCheckResult(check: SlimCheck): CheckResult {
  return { ...check, findings: [], tables: [], logs: '', logsTruncated: false, durationMs: 0 };
}

const failing = (check: SlimCheck) => check.status === 'fail' || check.status === 'error';

function summarize(
  course: CourseConfig,
  assignment: Assignment,
  work: StudentWork[],
  withhold: boolean,
): AssignmentSummary {
  const count = (students: number) => (withhold ? SUPPRESSED : countFigure(students));
  const over = (students: number, value: number | undefined) =>
    withhold ? SUPPRESSED : overFigure(students, value);
  const counted = work.flatMap((student) => (student.counting ? [student.counting] : []));
  const scores = counted.map(({ score }) => score);
  const percents = scores.map((score) => score.percent);
  const attemptCounts = work.filter((s) => s.studentGraded > 0).map((s) => s.studentGraded);
  const late = scores.filter((score) => score.late.status === 'late' || score.late.status === 'rejected');
  const penalties = late.map((score) => round2(score.earnedPoints - score.points));
  const pendingManual = scores.map(
    (score) =>
      score.criteria.filter(
        (criterion) => criterion.status === 'pending' && criterion.pendingReason === 'manual',
      ).length,
  );
  const waiting = pendingManual.filter((n) => n > 0);
  const criteria = assignment.rubric.map((criterion): CriterionSummary => {
    const scored = scores.flatMap((score) =>
      score.criteria.filter((c) => c.id === criterion.id && c.status === 'scored' && c.points !== null),
    );
    const lost = scored.map((c) => round2(c.maxPoints - c.points!));
    const pending = scores.filter((score) =>
      score.criteria.some(
        (c) => c.id === criterion.id && c.status === 'pending' && c.pendingReason === 'manual',
      ),
    ).length;
    return {
      id: criterion.id,
      title: criterion.title,
      maxPoints: criterion.points,
      scored: count(scored.length),
      meanPoints: over(scored.length, mean(scored.map((c) => c.points!))),
      meanLost: over(scored.length, mean(lost)),
      totalLost: over(scored.length, round2(lost.reduce((a, b) => a + b, 0))),
      pendingManual: count(pending),
    };
  });
  const shownLosses = criteria.filter(
    (c): c is CriterionSummary & { totalLost: number } => typeof c.totalLost === 'number' && c.totalLost > 0,
  );
  const costliest = shownLosses.reduce<(typeof shownLosses)[number] | undefined>(
    (top, c) => (!top || c.totalLost > top.totalLost ? c : top),
    undefined,
  );
  const timeZone = assignment.timezone ?? course.course.timezone ?? 'UTC';
  const summary: AssignmentSummary = {
    id: assignment.id,
    title: assignment.title,
    due: assignment.due === undefined ? null : parseDue(assignment.due, timeZone).toISOString(),
    maxPoints: assignment.rubric.reduce((total, criterion) => round2(total + criterion.points), 0),
    submitted: count(work.length),
    graded: count(counted.length),
    passing: count(counted.filter(({ checks }) => !checks.some(failing)).length),
    complete: count(scores.filter((score) => score.complete).length),
    attempts: {
      students: count(attemptCounts.length),
      mean: over(attemptCounts.length, mean(attemptCounts)),
      median: over(attemptCounts.length, median(attemptCounts)),
      max: over(attemptCounts.length, maximum(attemptCounts)),
    },
    late: {
      late: count(late.length),
      rejected: count(late.filter((score) => score.late.status === 'rejected').length),
      meanDaysLate: over(late.length, mean(late.map((score) => score.late.daysLate))),
      totalPenaltyPoints: over(late.length, round2(penalties.reduce((a, b) => a + b, 0))),
      meanPenaltyPoints: over(late.length, mean(penalties)),
    },
    scores: {
      count: count(percents.length),
      mean: over(percents.length, mean(percents)),
      median: over(percents.length, median(percents)),
      q1: over(percents.length, quantile(percents, 0.25)),
      q3: over(percents.length, quantile(percents, 0.75)),
      histogram: withholdComplement(
        histogram(percents).map((bin) => ({ from: bin.from, to: bin.to, students: count(bin.count) })),
      ),
    },
    criteria,
    costliestCriterion: costliest?.id ?? null,
    pendingManual: {
      criteria:
        waiting.length === 0 && !withhold
          ? 0
          : over(
              waiting.length,
              pendingManual.reduce((a, b) => a + b, 0),
            ),
      students: count(waiting.length),
    },
    suppressed: [],
  };
  summary.suppressed = suppressedNames(summary);
  return summary;
}

/**
 * With the total shown, a single withheld bin would be the total minus the others: withhold the
 * smallest shown non-empty bin too.
 */
function withholdComplement(bins: HistogramBin[]): HistogramBin[] {
  if (bins.filter((bin) => isSuppressed(bin.students)).length !== 1) return bins;
  const shown = bins.filter(
    (bin): bin is HistogramBin & { students: number } => typeof bin.students === 'number' && bin.students > 0,
  );
  const smallest = shown.reduce<(typeof shown)[number] | undefined>(
    (low, bin) => (!low || bin.students < low.students ? bin : low),
    undefined,
  );
  return bins.map((bin) => (bin === smallest ? { ...bin, students: SUPPRESSED } : bin));
}

/** A count of students: shown when 0 or at least 5, else withheld. */
export function countFigure(students: number): Figure {
  return students === 0 || students >= MIN_GROUP_SIZE ? students : SUPPRESSED;
}

/** A figure computed over `students` students: null for none, withheld for fewer than 5. */
function overFigure(students: number, value: number | undefined): Figure {
  if (students === 0 || value === undefined) return null;
  return students < MIN_GROUP_SIZE ? SUPPRESSED : value;
}

/** Dotted names of every withheld figure in an assignment's summary. */
function suppressedNames(summary: AssignmentSummary): string[] {
  const names: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (isFigureObject(value)) {
      names.push(path);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        const key =
          item && typeof item === 'object' && 'id' in item
            ? String((item as { id: string }).id)
            : item && typeof item === 'object' && 'from' in item
              ? `${(item as { from: number }).from}-${(item as { to: number }).to}%`
              : String(index);
        walk(item, `${path}[${key}]`);
      });
      return;
    }
    if (value && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
  };
  const { suppressed: _ignored, ...figures } = summary;
  walk(figures, '');
  return names;
}

function isFigureObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && isSuppressed(value as Figure)
  );
}

function warnings(
  course: CourseConfig,
  assignment: Assignment,
  work: StudentWork[],
  logins: Map<string, string>,
  now: Date,
  threshold: number,
  inactiveDays: number,
): EarlyWarning[] {
  const rows: EarlyWarning[] = [];
  for (const student of work) {
    const score = student.counting?.score;
    if (score && score.maxPoints > 0) {
      const best = ((score.points + score.pendingPoints) / score.maxPoints) * 100;
      if (best < threshold)
        rows.push({
          student: student.login,
          assignment: assignment.id,
          kind: 'below-threshold',
          reason: `${score.percent}% on ${assignment.id}, below the ${threshold}% threshold${score.pendingPoints > 0 ? ` even if its ${score.pendingPoints} pending points were all given` : ''}`,
        });
    }
    rows.push(...streaks(student, assignment));
  }
  if (assignment.due !== undefined) {
    const due = parseDue(assignment.due, assignment.timezone ?? course.course.timezone ?? 'UTC');
    const untilDue = due.getTime() - now.getTime();
    if (untilDue <= inactiveDays * DAY_MS) {
      const submitted = new Set(work.map((student) => student.login.toLowerCase()));
      const when =
        untilDue >= 0
          ? `due in ${days(untilDue)} (${due.toISOString()})`
          : `due ${days(-untilDue)} ago (${due.toISOString()})`;
      for (const [key, login] of logins)
        if (!submitted.has(key))
          rows.push({
            student: login,
            assignment: assignment.id,
            kind: 'no-attempt',
            reason: `no attempt at ${assignment.id}, ${when}`,
          });
    }
  }
  return rows;
}

/** Checks that failed (or errored) in each of the student's last 3 or more graded attempts. */
function streaks(student: StudentWork, assignment: Assignment): EarlyWarning[] {
  const graded = student.attempts
    .filter((attempt) => attempt.state === 'completed' && attempt.checks !== null)
    .sort((a, b) => a.seq - b.seq);
  const rows: EarlyWarning[] = [];
  const ids = new Set(graded.flatMap((attempt) => attempt.checks!.map((check) => check.id)));
  for (const id of ids) {
    let run = 0;
    for (let i = graded.length - 1; i >= 0; i--) {
      const check = graded[i]!.checks!.find((c) => c.id === id);
      if (!check || !failing(check)) break;
      run++;
    }
    if (run >= FAILING_STREAK)
      rows.push({
        student: student.login,
        assignment: assignment.id,
        kind: 'failing-streak',
        reason: `check ${id} failed in each of the last ${run} graded attempts at ${assignment.id}`,
      });
  }
  return rows;
}

function days(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  if (n === 0) return `less than a day`;
  return `${n} day${n === 1 ? '' : 's'}`;
}
