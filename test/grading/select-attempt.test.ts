import { describe, expect, it } from 'vitest';
import { type AttemptLike, selectAttempt } from '../../src/grading/select-attempt.js';

const attempt = (
  id: string,
  day: number,
  points: number,
  complete = true,
  pendingPoints = 0,
): AttemptLike => ({
  id,
  submittedAt: new Date(Date.UTC(2026, 11, day)),
  score: { points, complete, pendingPoints },
});

// Given out of order on purpose: selection orders by submission time.
const attempts = [
  attempt('a3', 3, 70),
  attempt('a1', 1, 60),
  attempt('a2', 2, 80),
  attempt('a4', 4, 80),
  attempt('a5', 5, 95),
];

describe('selectAttempt', () => {
  it('keeps the best by default, ties going to the earliest', () => {
    const result = selectAttempt(attempts.slice(0, 4));
    expect(result.selected?.id).toBe('a2');
    expect(result.keep).toBe('best');
    expect(result.notes).toEqual(['The best of 4 attempts counts: a2 (80 points).']);
  });

  it('ignores attempts beyond max, with a note', () => {
    const result = selectAttempt(attempts, { max: 3, keep: 'best' });
    expect(result.counted.map((a) => a.id)).toEqual(['a1', 'a2', 'a3']);
    expect(result.ignored.map((a) => a.id)).toEqual(['a4', 'a5']);
    expect(result.selected?.id).toBe('a2');
    expect(result.notes[0]).toBe('2 attempts beyond the limit of 3 ignored: a4, a5.');
  });

  it('keeps the latest attempt within max for keep: last', () => {
    expect(selectAttempt(attempts, { keep: 'last' }).selected?.id).toBe('a5');
    const limited = selectAttempt(attempts, { max: 3, keep: 'last' });
    expect(limited.selected?.id).toBe('a3');
    expect(limited.notes).toContain('The last attempt counts: a3.');
  });

  it('warns when a pending attempt could still overtake the best', () => {
    const result = selectAttempt([attempt('b1', 1, 70), attempt('b2', 2, 40, false, 50)]);
    expect(result.selected?.id).toBe('b1');
    expect(result.notes).toContain('Pending criteria in b2 could still change which attempt is best.');
  });

  it('handles no attempts', () => {
    expect(selectAttempt([], { max: 2 })).toMatchObject({
      selected: undefined,
      notes: ['No attempts to grade.'],
    });
  });
});
