import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Assignment } from '../../src/config/schema.js';
import { scoreAssignment } from '../../src/grading/score-assignment.js';
import type { CheckResult } from '../../src/results/results-schema.js';
import { AssignmentScoreSchema } from '../../src/results/score-types.js';

/** Milestone 4 (Advanced Vision) from the TinyTorch instructor guide's sample rubric. */
const milestone4: Assignment = {
  id: 'tinytorch/milestone-4',
  title: 'Milestone 4: Advanced Vision',
  due: '2026-12-04T23:59',
  timezone: 'America/New_York',
  late: { grace_minutes: 15, per_day: 10, max_penalty: 30, reject_after_days: 7 },
  checks: [{ id: 'hidden-test', kind: 'model', hidden: true }],
  rubric: [
    {
      id: 'cifar10-accuracy',
      title: 'CIFAR-10 Accuracy',
      points: 25,
      metric: 'hidden-test.accuracy',
      // The top of each band of the sample rubric (23–25, 20–22, 17–19, 14–16): the config author's choice.
      levels: [
        { min: 0.8, points: 25, label: 'Exemplary' },
        { min: 0.75, points: 22, label: 'Proficient' },
        { min: 0.7, points: 19, label: 'Developing' },
        { min: 0, points: 16, label: 'Beginning' },
      ],
    },
    { id: 'performance-analysis', title: 'Performance Analysis', points: 25, manual: true },
    { id: 'code-quality', title: 'Code Quality', points: 25, manual: true },
    { id: 'systems-understanding', title: 'Systems Understanding', points: 25, manual: true },
  ],
};

function check(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    id: 'hidden-test',
    kind: 'model',
    status: 'pass',
    summary: 'Accuracy measured on 10000 hidden CIFAR-10 images.',
    metrics: { accuracy: 0.83 },
    findings: [],
    tables: [],
    logs: '',
    logsTruncated: false,
    durationMs: 1200,
    ...overrides,
  };
}

const accuracyScore = (checks: CheckResult[]) => scoreAssignment(milestone4, checks).criteria[0]!;
const withAccuracy = (accuracy: number | null, status: CheckResult['status'] = 'pass') =>
  accuracyScore([check({ status, metrics: { accuracy } })]);

describe('scoreAssignment: Milestone 4 CIFAR-10 accuracy levels', () => {
  it.each([
    [0.83, 25, 'Exemplary'],
    [0.8, 25, 'Exemplary'],
    [0.7999, 22, 'Proficient'],
    [0.75, 22, 'Proficient'],
    [0.71, 19, 'Developing'],
    [0.55, 16, 'Beginning'],
  ])('accuracy %s → %s points, %s', (accuracy, points, level) => {
    const score = withAccuracy(accuracy);
    expect(score).toMatchObject({ points, level, value: accuracy, status: 'scored', source: 'levels' });
    expect(score.explanation).toContain(`→ ${level}, ${points} points`);
  });

  it('scores a failed check by its metric: a low accuracy still earns its level', () => {
    expect(withAccuracy(0.55, 'fail')).toMatchObject({ status: 'scored', points: 16, level: 'Beginning' });
  });

  it('leaves a missing metric pending instead of scoring 0', () => {
    const score = accuracyScore([check({ metrics: {} })]);
    expect(score).toMatchObject({ status: 'pending', points: null, pendingReason: 'metric-missing' });
    expect(score.explanation).toBe(
      'Check hidden-test reported no metric "accuracy"; an instructor must review.',
    );
    expect(withAccuracy(null)).toMatchObject({
      status: 'pending',
      points: null,
      pendingReason: 'metric-missing',
    });
  });

  it('leaves the criterion pending when the check errored, even if it left a metric behind', () => {
    const score = accuracyScore([
      check({ status: 'error', summary: 'CIFAR-10 test batch not found', metrics: { accuracy: 0.1 } }),
    ]);
    expect(score).toMatchObject({ status: 'pending', points: null, pendingReason: 'check-error' });
    expect(score.explanation).toBe(
      'Check hidden-test errored: CIFAR-10 test batch not found; an instructor must review.',
    );
  });

  it('leaves the criterion pending when the check was skipped or did not run', () => {
    expect(accuracyScore([check({ status: 'skipped', metrics: {} })]).pendingReason).toBe('check-skipped');
    const missing = accuracyScore([]);
    expect(missing).toMatchObject({ status: 'pending', pendingReason: 'check-missing' });
    expect(missing.explanation).toContain('did not run');
  });
});

describe('scoreAssignment: totals', () => {
  it('sums scored criteria and reports manual criteria as pending', () => {
    const score = scoreAssignment(milestone4, [check()]);
    expect(score).toMatchObject({
      assignment: 'tinytorch/milestone-4',
      earnedPoints: 25,
      points: 25,
      maxPoints: 100,
      percent: 25,
      pendingPoints: 75,
      complete: false,
    });
    expect(score.criteria.slice(1).map((c) => c.pendingReason)).toEqual(['manual', 'manual', 'manual']);
    expect(score.late).toMatchObject({
      status: 'unknown',
      explanation: 'Late policy not applied: submission time unknown.',
    });
  });

  it('completes with manual scores, clamping them and keeping the note', () => {
    const score = scoreAssignment(milestone4, [check({ metrics: { accuracy: 0.77 } })], {
      manualScores: {
        'performance-analysis': { points: 21, note: 'Good benchmarks; no profiling.', by: 'ta-jo' },
        'code-quality': { points: 30 },
        'systems-understanding': { points: 18.5 },
        'not-in-rubric': { points: 10 },
      },
    });
    expect(score).toMatchObject({
      earnedPoints: 86.5,
      points: 86.5,
      percent: 86.5,
      pendingPoints: 0,
      complete: true,
    });
    expect(score.criteria[1]).toMatchObject({
      points: 21,
      source: 'manual',
      note: 'Good benchmarks; no profiling.',
      by: 'ta-jo',
    });
    expect(score.criteria[1]!.explanation).toBe('Scored by ta-jo: Good benchmarks; no profiling.');
    expect(score.criteria[2]).toMatchObject({ points: 25 });
    expect(score.criteria[2]!.explanation).toContain('30 given, clamped to 0–25');
  });

  it('lets an instructor resolve a pending automatic criterion', () => {
    const score = scoreAssignment(milestone4, [check({ status: 'error', metrics: {} })], {
      manualScores: { 'cifar10-accuracy': { points: 22, note: 'Re-ran by hand: 0.76', by: 'prof' } },
    });
    expect(score.criteria[0]).toMatchObject({ status: 'scored', points: 22, source: 'manual' });
    expect(score.criteria[0]!.explanation).toContain(
      'Replaces the automatic result: Check hidden-test errored',
    );
  });

  it('applies the late penalty as a percent of max points, after grace', () => {
    const all = {
      'performance-analysis': { points: 20 },
      'code-quality': { points: 20 },
      'systems-understanding': { points: 20 },
    };
    // Due 2026-12-04 23:59 EST = 2026-12-05T04:59Z; 15 min grace; submitted 1 day 2 h after grace.
    const submittedAt = new Date('2026-12-06T07:14:00Z');
    const score = scoreAssignment(milestone4, [check()], { submittedAt, manualScores: all });
    expect(score.late).toMatchObject({ status: 'late', daysLate: 2, percent: 20, deduction: 20 });
    expect(score).toMatchObject({ earnedPoints: 85, points: 65, percent: 65, complete: true });
  });

  it('never goes below 0 points', () => {
    const score = scoreAssignment(milestone4, [check({ metrics: { accuracy: 0.1 } })], {
      submittedAt: new Date('2026-12-08T06:00:00Z'),
    });
    expect(score.late.deduction).toBe(30);
    expect(score).toMatchObject({ earnedPoints: 16, points: 0, percent: 0 });
  });

  it('scores 0 past reject_after_days and says why', () => {
    const score = scoreAssignment(milestone4, [check()], { submittedAt: new Date('2026-12-20T00:00:00Z') });
    expect(score).toMatchObject({ earnedPoints: 25, points: 0, percent: 0 });
    expect(score.late.status).toBe('rejected');
    expect(score.late.explanation).toMatch(/more than the 7 days late submissions are accepted: scored 0/);
  });

  it('is on time at the due minute in the assignment zone, not in UTC', () => {
    const submittedAt = new Date('2026-12-05T04:00:00Z'); // 23:00 in New York, already the 5th in UTC
    expect(scoreAssignment(milestone4, [check()], { submittedAt }).late.status).toBe('on-time');
  });

  it('falls back to the course time zone, then UTC', () => {
    const { timezone: _tz, ...noZone } = milestone4;
    const submittedAt = new Date('2026-12-05T01:00:00Z');
    expect(scoreAssignment(noZone, [check()], { submittedAt }).late.status).toBe('late');
    expect(
      scoreAssignment(noZone, [check()], { submittedAt, courseTimezone: 'America/Los_Angeles' }).late.status,
    ).toBe('on-time');
  });

  it('applies no penalty without a due date', () => {
    const { due: _due, ...noDue } = milestone4;
    const score = scoreAssignment(noDue, [check()], { submittedAt: new Date('2030-01-01T00:00:00Z') });
    expect(score.late.status).toBe('no-deadline');
    expect(score.points).toBe(25);
  });

  it('produces a score that validates against the score schema', () => {
    const scores = [
      scoreAssignment(milestone4, [check()]),
      scoreAssignment(milestone4, [], { submittedAt: new Date('2026-12-06T00:00:00Z') }),
      scoreAssignment(milestone4, [check()], { submittedAt: new Date('2027-01-01T00:00:00Z') }),
    ];
    const isDateTime = (text: string) => !Number.isNaN(Date.parse(text));
    const validate = new Ajv({ strict: false, formats: { 'date-time': isDateTime } }).compile(
      AssignmentScoreSchema,
    );
    for (const score of scores) {
      validate(JSON.parse(JSON.stringify(score)));
      expect(validate.errors ?? []).toEqual([]);
    }
  });
});
