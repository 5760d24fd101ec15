import { describe, expect, it } from 'vitest';
import { courseTotal } from '../../src/grading/course-total.js';

// TinyTorch: five milestones weighted 15/20/25/20/20.
const milestones = [
  { id: 'milestone-1', weight: 15 },
  { id: 'milestone-2', weight: 20 },
  { id: 'milestone-3', weight: 25 },
  { id: 'milestone-4', weight: 20 },
  { id: 'milestone-5', weight: 20 },
];

describe('courseTotal', () => {
  it('weights the TinyTorch milestones 15/20/25/20/20', () => {
    const total = courseTotal(milestones, {
      'milestone-1': 90,
      'milestone-2': 80,
      'milestone-3': 70,
      'milestone-4': 60,
      'milestone-5': 100,
    });
    // (15·90 + 20·80 + 25·70 + 20·60 + 20·100) / 100 = 79
    expect(total).toMatchObject({
      percentSoFar: 79,
      percentOfCourse: 79,
      gradedWeight: 100,
      totalWeight: 100,
    });
    expect(total.items.map((i) => i.contribution)).toEqual([13.5, 16, 17.5, 12, 20]);
  });

  it('reports both views when assignments are missing', () => {
    const total = courseTotal(milestones, {
      'milestone-1': 90,
      'milestone-2': 80,
      'milestone-3': 70,
      'milestone-4': 60,
    });
    expect(total.percentOfCourse).toBe(59); // missing milestone 5 counts 0
    expect(total.percentSoFar).toBe(73.75); // 5900 / 80
    expect(total.items[4]).toEqual({ id: 'milestone-5', weight: 20, percent: null, contribution: 0 });
  });

  it('defaults weights to 1, skips weight 0 and unknown ids', () => {
    const total = courseTotal([{ id: 'a' }, { id: 'b' }, { id: 'practice', weight: 0 }], {
      a: 100,
      b: 50,
      practice: 0,
      stray: 100,
    });
    expect(total).toMatchObject({ percentSoFar: 75, percentOfCourse: 75, totalWeight: 2 });
  });

  it('has no percentSoFar when nothing is graded', () => {
    expect(courseTotal(milestones, { 'milestone-1': null })).toMatchObject({
      percentSoFar: null,
      percentOfCourse: 0,
    });
  });
});
