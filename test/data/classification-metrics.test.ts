import { describe, expect, it } from 'vitest';
import {
  classificationMetrics,
  confusionMatrix,
  groupScores,
} from '../../src/data/classification-metrics.js';

const CAT = 0;
const DOG = 1;
const BIRD = 2;
const NONE = -1;

function metricsOf(truth: number[], predicted: number[], classes = 3) {
  return classificationMetrics(confusionMatrix(Int32Array.from(truth), Int32Array.from(predicted), classes));
}

describe('classificationMetrics', () => {
  // truth: cat cat cat dog dog bird; predicted: cat cat dog dog cat dog
  const truth = [CAT, CAT, CAT, DOG, DOG, BIRD];
  const predicted = [CAT, CAT, DOG, DOG, CAT, DOG];

  it('matches a hand-computed 3-class example', () => {
    const m = metricsOf(truth, predicted);
    expect(m.accuracy).toBe(0.5);
    // cat: P = R = 2/3 → F1 2/3. dog: P 1/3, R 1/2 → F1 2/5. bird: 0.
    expect(m.perClass[CAT]).toMatchObject({ support: 3, predicted: 3, scored: true });
    expect(m.perClass[CAT]!.f1).toBeCloseTo(2 / 3, 15);
    expect(m.perClass[DOG]!.precision).toBeCloseTo(1 / 3, 15);
    expect(m.perClass[DOG]!.recall).toBe(0.5);
    expect(m.perClass[DOG]!.f1).toBeCloseTo(0.4, 15);
    expect(m.perClass[BIRD]).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
      support: 1,
      predicted: 0,
      scored: true,
    });
    expect(m.macroF1).toBeCloseTo(16 / 45, 15);
    expect(m.weightedF1).toBeCloseTo(7 / 15, 15);
    expect(m.zeroF1Classes).toBe(1);
  });

  it('counts a missing prediction as wrong: lower recall, precision untouched', () => {
    const m = metricsOf([CAT, CAT], [CAT, NONE], 1);
    expect(m.accuracy).toBe(0.5);
    expect(m.perClass[CAT]).toMatchObject({ precision: 1, recall: 0.5, predicted: 1, support: 2 });
  });

  it('scores a class that is predicted but never true (F1 0) and leaves out one that is neither', () => {
    const m = metricsOf([CAT, CAT], [CAT, DOG]);
    expect(m.perClass[DOG]).toMatchObject({ f1: 0, scored: true });
    expect(m.perClass[BIRD]).toMatchObject({ f1: 0, scored: false });
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0) / 2, 15);
    expect(m.zeroF1Classes).toBe(1);
  });

  it('reports null rather than a number when there is nothing to score', () => {
    const m = metricsOf([], [], 2);
    expect(m).toMatchObject({ accuracy: null, macroF1: null, weightedF1: null, zeroF1Classes: 0 });
  });

  it('averages F1 over a group of classes, counting its zero-F1 classes', () => {
    const m = metricsOf(truth, predicted);
    expect(groupScores(m, [BIRD])).toEqual({ classes: 1, f1: 0, zeroF1: 1 });
    expect(groupScores(m, [CAT, DOG]).f1).toBeCloseTo((2 / 3 + 0.4) / 2, 15);
    expect(groupScores(m, [])).toEqual({ classes: 0, f1: null, zeroF1: 0 });
  });

  it('puts out-of-range predictions in the last column of the confusion matrix', () => {
    const matrix = confusionMatrix(Int32Array.from([CAT, DOG]), Int32Array.from([7, NONE]), 2);
    expect(Array.from(matrix.counts)).toEqual([0, 0, 1, 0, 0, 1]);
  });
});
