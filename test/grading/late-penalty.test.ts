import { describe, expect, it } from 'vitest';
import type { LatePolicy } from '../../src/config/schema.js';
import { parseDue } from '../../src/grading/due-date.js';
import { assessLate, formatDuration } from '../../src/grading/late-penalty.js';

const due = new Date('2026-12-05T04:59:00Z');
const at = (minutesAfterDue: number) => new Date(due.getTime() + minutesAfterDue * 60_000);
const policy: LatePolicy = { grace_minutes: 15, per_day: 10, max_penalty: 30, reject_after_days: 5 };
const late = (
  submittedAt: Date | undefined,
  options: { policy?: LatePolicy; due?: Date } = { policy, due },
) => assessLate({ policy: options.policy, due: options.due, submittedAt, maxPoints: 100 });

describe('assessLate', () => {
  it('is on time before the due time and within grace', () => {
    expect(late(at(-60))).toMatchObject({
      status: 'on-time',
      deduction: 0,
      explanation: 'Submitted on time.',
    });
    const inGrace = late(at(15));
    expect(inGrace).toMatchObject({ status: 'on-time', daysLate: 0, deduction: 0 });
    expect(inGrace.explanation).toContain('within the 15-minute grace period');
  });

  it('counts started days after grace', () => {
    expect(late(at(16))).toMatchObject({
      status: 'late',
      daysLate: 1,
      minutesLate: 1,
      percent: 10,
      deduction: 10,
    });
    expect(late(at(15 + 24 * 60))).toMatchObject({ daysLate: 1, deduction: 10 });
    expect(late(at(16 + 24 * 60))).toMatchObject({ daysLate: 2, percent: 20, deduction: 20 });
  });

  it('takes a percentage of the maximum points, not of the points earned', () => {
    const result = assessLate({ policy, due, submittedAt: at(60), maxPoints: 80 });
    expect(result.deduction).toBe(8);
    expect(result.explanation).toContain('10% of 80 points, −8 points');
  });

  it('caps the deduction at max_penalty and says so', () => {
    const result = late(at(4 * 24 * 60));
    expect(result).toMatchObject({ status: 'late', daysLate: 4, percent: 30, deduction: 30 });
    expect(result.explanation).toContain('capped at 30%');
  });

  it('defaults the cap to 100%', () => {
    expect(late(at(20 * 24 * 60), { policy: { per_day: 10 }, due })).toMatchObject({
      percent: 100,
      deduction: 100,
    });
  });

  it('rejects submissions later than reject_after_days, counted from the end of grace', () => {
    expect(late(at(15 + 5 * 24 * 60))).toMatchObject({ status: 'late', daysLate: 5 });
    const rejected = late(at(16 + 5 * 24 * 60));
    expect(rejected).toMatchObject({ status: 'rejected', daysLate: 6, percent: 100, deduction: 100 });
    expect(rejected.explanation).toContain('more than the 5 days late submissions are accepted: scored 0');
  });

  it('reports lateness without a policy but deducts nothing', () => {
    const result = late(at(3 * 24 * 60), { due });
    expect(result).toMatchObject({ status: 'late', daysLate: 3, deduction: 0 });
    expect(result.explanation).toContain('no late policy');
  });

  it('does not apply without a due date or without a submission time', () => {
    expect(late(at(100), { policy })).toMatchObject({ status: 'no-deadline', deduction: 0 });
    const unknown = late(undefined);
    expect(unknown).toMatchObject({ status: 'unknown', deduction: 0, due: '2026-12-05T04:59:00.000Z' });
    expect(unknown.explanation).toBe('Late policy not applied: submission time unknown.');
  });

  it('measures real elapsed time across the November DST switch (New York)', () => {
    const dueNy = parseDue('2026-10-31T23:59', 'America/New_York'); // EDT
    // Same wall-clock time one calendar day later is 25 hours later: that is a second started day.
    const nextDay = parseDue('2026-11-01T23:59', 'America/New_York'); // EST
    expect(nextDay.getTime() - dueNy.getTime()).toBe(25 * 3_600_000);
    expect(
      assessLate({ policy: { per_day: 10 }, due: dueNy, submittedAt: nextDay, maxPoints: 100 }).daysLate,
    ).toBe(2);
    const sameEvening = parseDue('2026-11-01T22:58', 'America/New_York'); // 23 h 59 min later
    expect(
      assessLate({ policy: { per_day: 10 }, due: dueNy, submittedAt: sameEvening, maxPoints: 100 }).daysLate,
    ).toBe(1);
  });

  it('measures real elapsed time across the March DST switch (New York)', () => {
    const dueNy = parseDue('2026-03-07T23:59', 'America/New_York'); // EST
    const nextDay = parseDue('2026-03-08T23:30', 'America/New_York'); // EDT: 22 h 31 min later
    const result = assessLate({ policy: { per_day: 10 }, due: dueNy, submittedAt: nextDay, maxPoints: 100 });
    expect(result).toMatchObject({ daysLate: 1, minutesLate: 22 * 60 + 31 });
  });
});

describe('formatDuration', () => {
  it('reads like a person wrote it', () => {
    expect(formatDuration(40_000)).toBe('40 s');
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(27 * 3_600_000)).toBe('1 day 3 h');
    expect(formatDuration(3 * 24 * 3_600_000)).toBe('3 days');
  });
});
