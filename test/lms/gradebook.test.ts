/**
 * The gradebook: the grade that counts per student, from stored results scored again with today's
 * manual scores. Expected points are worked out by hand from the fixture rubric: hidden accuracy
 * 0.8312 is Exemplary (25), validation macro F1 0.7712 is Exemplary (25), two manual criteria of 25
 * are pending; due 2026-12-04 23:59 New York = 2026-12-05T04:59Z, 15 minutes' grace, 10 points per
 * started day late.
 */
import { describe, expect, it } from 'vitest';
import type { CourseConfig } from '../../src/config/schema.js';
import { type GradebookSource, type GradedAttempt, gradebook } from '../../src/lms/gradebook.js';
import type { Results } from '../../src/results/results-schema.js';
import type { ManualScore } from '../../src/results/score-types.js';
import { checkResult, course as header, hiddenCheck, milestone4, results } from '../render/fixtures.js';

const assignment = { ...milestone4, repository: 'm4-{login}' };
const course: CourseConfig = { course: header, assignments: [assignment] };

function attempt(
  id: string,
  repository: string,
  sha: string,
  createdAt: string,
  extra: Partial<GradedAttempt> = {},
) {
  return {
    id,
    repository,
    studentLogin: null,
    sha,
    trigger: 'push',
    createdAt: new Date(createdAt),
    checkRunId: null,
    ...extra,
  };
}

function source(
  rows: { attempt: GradedAttempt; results: Results }[],
  manual: Record<string, Record<string, ManualScore>> = {},
): GradebookSource {
  return {
    listAssignmentResults: async () => rows.map((row) => ({ ...row, score: {} as never })),
    listManualScores: async (repository) => manual[repository] ?? {},
  };
}

const lowAccuracy = results([{ ...hiddenCheck, metrics: { accuracy: 0.72 } }, checkResult()]);

describe('gradebook', () => {
  it('keeps the best attempt with manual scores applied, and names the pending criteria', async () => {
    const grades = await gradebook(
      source(
        [
          {
            attempt: attempt('a1', 'org/m4-ada', '1'.repeat(40), '2026-12-01T12:00:00Z', { checkRunId: 71 }),
            results: results(),
          },
          // 46 minutes past the grace period: one day late; accuracy 0.72 is Developing (19).
          {
            attempt: attempt('a2', 'org/m4-ada', '2'.repeat(40), '2026-12-05T06:00:00Z'),
            results: lowAccuracy,
          },
        ],
        { 'org/m4-ada': { 'code-quality': { points: 20, by: 'prof' } } },
      ),
      course,
      assignment,
    );
    // a1: 25 + 25 + 20 = 70; a2: 19 + 25 + 20 - 10 = 54.
    expect(grades).toEqual([
      {
        assignmentId: 'tinytorch/milestone-4',
        login: 'ada',
        repository: 'org/m4-ada',
        points: 70,
        maxPoints: 100,
        complete: false,
        pending: [{ id: 'performance-analysis', title: 'Performance Analysis', maxPoints: 25 }],
        attemptId: 'a1',
        sha: '1'.repeat(40),
        reportUrl: 'https://github.com/org/m4-ada/runs/71',
      },
    ]);
  });

  it('counts a regraded commit once, at its first submission time, and sorts students by login', async () => {
    const sha = '3'.repeat(40);
    const grades = await gradebook(
      source(
        [
          {
            attempt: attempt('b1', 'org/m4-bo', sha, '2026-12-05T06:00:00Z', { studentLogin: 'Bo' }),
            results: results(),
          },
          {
            attempt: attempt('b2', 'org/m4-bo', sha, '2026-12-09T06:00:00Z', {
              studentLogin: 'Bo',
              trigger: 'regrade',
            }),
            results: results(),
          },
          { attempt: attempt('c1', 'org/m4-al', '4'.repeat(40), '2026-12-01T00:00:00Z'), results: results() },
        ],
        {
          'org/m4-bo': {
            'code-quality': { points: 25, by: 'p' },
            'performance-analysis': { points: 25, by: 'p' },
          },
        },
      ),
      course,
      assignment,
    );
    // Bo: 100 - 10 (one day late, from the first submission, not the regrade four days later).
    expect(grades.map((grade) => [grade.login, grade.attemptId, grade.points, grade.complete])).toEqual([
      ['al', 'c1', 50, false],
      ['Bo', 'b2', 90, true],
    ]);
  });

  it('honours attempts.max and keep: last', async () => {
    const limited = { ...assignment, attempts: { max: 1, keep: 'last' as const } };
    const grades = await gradebook(
      source([
        { attempt: attempt('d1', 'org/m4-cy', '5'.repeat(40), '2026-12-01T00:00:00Z'), results: lowAccuracy },
        { attempt: attempt('d2', 'org/m4-cy', '6'.repeat(40), '2026-12-02T00:00:00Z'), results: results() },
      ]),
      { course: header, assignments: [limited] },
      limited,
    );
    // Only the first attempt is within the budget: 19 + 25.
    expect(grades.map((grade) => [grade.attemptId, grade.points])).toEqual([['d1', 44]]);
  });
});
