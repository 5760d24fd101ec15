/**
 * The late policy: how far past the deadline a submission came in and what that costs.
 *
 * The deduction is a percentage of the assignment's *maximum* points, not of the points earned: a
 * student can then know the cost of a late day before grading ("one day late costs 10 points"), and a
 * strong late submission is not punished more than a weak one.
 */
import type { LatePolicy } from '../config/schema.js';
import { type LateAssessment, roundPoints } from '../results/score-types.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** What the late policy needs to know about one submission. */
export interface LateInput {
  /** The assignment's late policy; without one, lateness is reported but costs nothing. */
  policy: LatePolicy | undefined;
  /** Due instant (see parseDue); undefined when the assignment has no deadline. */
  due: Date | undefined;
  /** When the submission was made; undefined when unknown (then no penalty is applied). */
  submittedAt: Date | undefined;
  /** The assignment's maximum points, which the percentage applies to. */
  maxPoints: number;
}

/**
 * Assesses lateness: days late = ceil((submittedAt − due − grace) / 24 h) when positive; deduction =
 * min(per_day × days, max_penalty ?? 100) percent of `maxPoints`; later than `reject_after_days`
 * (measured from the end of grace) → the whole score.
 */
export function assessLate(input: LateInput): LateAssessment {
  const { policy, due, submittedAt, maxPoints } = input;
  const base = { minutesLate: 0, daysLate: 0, percent: 0, deduction: 0 };
  if (!due) return { status: 'no-deadline', ...base, explanation: 'No due date: late policy not applied.' };
  const dueIso = due.toISOString();
  if (!submittedAt) {
    return {
      status: 'unknown',
      due: dueIso,
      ...base,
      explanation: 'Late policy not applied: submission time unknown.',
    };
  }
  const times = { due: dueIso, submittedAt: submittedAt.toISOString() };
  const graceMinutes = policy?.grace_minutes ?? 0;
  const pastDue = submittedAt.getTime() - due.getTime();
  const lateMs = pastDue - graceMinutes * MINUTE_MS;
  if (lateMs <= 0) {
    const explanation =
      pastDue > 0
        ? `Submitted ${formatDuration(pastDue)} after the due time, within the ${graceMinutes}-minute grace period.`
        : 'Submitted on time.';
    return { status: 'on-time', ...times, ...base, explanation };
  }
  const daysLate = Math.ceil(lateMs / DAY_MS);
  const late = { ...times, minutesLate: Math.ceil(lateMs / MINUTE_MS), daysLate };
  const howLate = `Submitted ${formatDuration(lateMs)} late${graceMinutes > 0 ? ` (after the ${graceMinutes}-minute grace period)` : ''}`;
  if (!policy) {
    return {
      status: 'late',
      ...late,
      percent: 0,
      deduction: 0,
      explanation: `${howLate}; no late policy, so no deduction.`,
    };
  }
  if (policy.reject_after_days !== undefined && lateMs > policy.reject_after_days * DAY_MS) {
    return {
      status: 'rejected',
      ...late,
      percent: 100,
      deduction: maxPoints,
      explanation: `${howLate}, more than the ${plural(policy.reject_after_days, 'day')} late submissions are accepted: scored 0.`,
    };
  }
  const cap = policy.max_penalty ?? 100;
  const percent = Math.min(policy.per_day * daysLate, cap);
  const deduction = roundPoints((maxPoints * percent) / 100);
  const capped = policy.per_day * daysLate > cap ? ` (capped at ${cap}%)` : '';
  return {
    status: 'late',
    ...late,
    percent,
    deduction,
    explanation: `${howLate}: ${plural(daysLate, 'started day')} × ${policy.per_day}% = ${percent}%${capped} of ${maxPoints} points, −${deduction} points.`,
  };
}

/** Formats a positive duration roughly, e.g. "1 day 3 h", "2 h 5 min", "40 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(ms / MINUTE_MS);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [
    days ? plural(days, 'day') : '',
    hours ? `${hours} h` : '',
    mins && !days ? `${mins} min` : '',
  ];
  return parts.filter(Boolean).join(' ') || '0 min';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
