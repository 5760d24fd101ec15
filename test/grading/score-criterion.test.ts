import { describe, expect, it } from 'vitest';
import type { Criterion } from '../../src/config/schema.js';
import {
  BELOW_ALL_LEVELS,
  criterionCheckIds,
  formatMetricValue,
  scoreCriterion,
} from '../../src/grading/score-criterion.js';
import type { CheckResult } from '../../src/results/results-schema.js';

function check(id: string, status: CheckResult['status'], metrics: CheckResult['metrics'] = {}): CheckResult {
  return {
    id,
    kind: 'predictions',
    status,
    summary: `${id} ${status}`,
    metrics,
    findings: [],
    tables: [],
    logs: '',
    logsTruncated: false,
    durationMs: 1,
  };
}

describe('scoreCriterion: levels', () => {
  const criterion: Criterion = {
    id: 'f1',
    title: 'Macro F1',
    points: 10,
    metric: 'eval.macro_f1',
    // Deliberately out of order: levels are sorted by min before use.
    levels: [
      { min: 0.6, points: 6, label: 'Developing' },
      { min: 0.8, points: 10, label: 'Exemplary' },
      { min: 0.7, points: 8, label: 'Proficient' },
    ],
  };

  it('sorts levels defensively', () => {
    expect(scoreCriterion(criterion, [check('eval', 'pass', { macro_f1: 0.85 })])).toMatchObject({
      points: 10,
      level: 'Exemplary',
    });
    expect(scoreCriterion(criterion, [check('eval', 'pass', { macro_f1: 0.72 })]).level).toBe('Proficient');
  });

  it('gives 0 points below every level and says so', () => {
    const score = scoreCriterion(criterion, [check('eval', 'fail', { macro_f1: 0.41 })]);
    expect(score).toMatchObject({ points: 0, status: 'scored', level: BELOW_ALL_LEVELS, value: 0.41 });
    expect(score.explanation).toBe(
      '0.41 is below the lowest level (Developing, ≥ 0.6): Below all levels, 0 points.',
    );
  });

  it('does not lose a level to floating-point noise', () => {
    expect(scoreCriterion(criterion, [check('eval', 'pass', { macro_f1: 0.1 + 0.7 - 1e-16 })]).level).toBe(
      'Exemplary',
    );
  });

  it('reads metric names that contain dots', () => {
    const tier: Criterion = { ...criterion, metric: 'eval.tier.rare.f1' };
    expect(scoreCriterion(tier, [check('eval', 'pass', { 'tier.rare.f1': 0.7 })]).level).toBe('Proficient');
  });
});

describe('scoreCriterion: scale', () => {
  const accuracy: Criterion = {
    id: 'acc',
    title: 'Accuracy',
    points: 20,
    metric: 'eval.accuracy',
    scale: { zero_at: 0.5, full_at: 0.9 },
  };
  const latency: Criterion = {
    id: 'lat',
    title: 'p95 latency',
    points: 10,
    metric: 'svc.p95_ms',
    scale: { zero_at: 500, full_at: 100 },
  };
  const at = (c: Criterion, id: string, name: string, value: number) =>
    scoreCriterion(c, [check(id, 'pass', { [name]: value })]);

  it('interpolates linearly and rounds to 2 decimals', () => {
    expect(at(accuracy, 'eval', 'accuracy', 0.7).points).toBe(10);
    expect(at(accuracy, 'eval', 'accuracy', 0.8123).points).toBe(15.62);
    expect(at(accuracy, 'eval', 'accuracy', 0.7).explanation).toBe(
      '0.7 on a linear scale from 0.5 (0 points) to 0.9 (20 points) → 10 points.',
    );
  });

  it('clamps outside the scale', () => {
    expect(at(accuracy, 'eval', 'accuracy', 0.95).points).toBe(20);
    expect(at(accuracy, 'eval', 'accuracy', 0.2).points).toBe(0);
  });

  it('works when lower is better (full_at < zero_at)', () => {
    expect(at(latency, 'svc', 'p95_ms', 80).points).toBe(10);
    expect(at(latency, 'svc', 'p95_ms', 300).points).toBe(5);
    expect(at(latency, 'svc', 'p95_ms', 450).points).toBe(1.25);
    expect(at(latency, 'svc', 'p95_ms', 900).points).toBe(0);
  });

  it('rejects a scale with no width', () => {
    const flat: Criterion = { ...accuracy, scale: { zero_at: 0.5, full_at: 0.5 } };
    expect(() => at(flat, 'eval', 'accuracy', 0.6)).toThrow(/zero_at and full_at are both 0.5/);
  });
});

describe('scoreCriterion: pass', () => {
  const criterion: Criterion = { id: 'files', title: 'Deliverables', points: 5, pass: 'files' };

  it('gives full points on pass and 0 on fail', () => {
    expect(scoreCriterion(criterion, [check('files', 'pass')])).toMatchObject({ points: 5, source: 'pass' });
    const failed = scoreCriterion(criterion, [check('files', 'fail')]);
    expect(failed).toMatchObject({ points: 0, status: 'scored' });
    expect(failed.explanation).toBe('Check files failed: 0 points. files fail');
  });

  it('is pending when the check errored, was skipped or is missing', () => {
    expect(scoreCriterion(criterion, [check('files', 'error')])).toMatchObject({
      points: null,
      pendingReason: 'check-error',
    });
    expect(scoreCriterion(criterion, [check('files', 'skipped')])).toMatchObject({
      points: null,
      pendingReason: 'check-skipped',
    });
    expect(scoreCriterion(criterion, [])).toMatchObject({ points: null, pendingReason: 'check-missing' });
  });
});

describe('scoreCriterion: manual and config errors', () => {
  const manual: Criterion = { id: 'note', title: 'Technical note', points: 25, manual: true };

  it('is pending until scored, then clamps and keeps the note', () => {
    expect(scoreCriterion(manual, [])).toMatchObject({
      status: 'pending',
      pendingReason: 'manual',
      points: null,
      source: 'manual',
    });
    expect(scoreCriterion(manual, [], { points: -3, note: 'missing' })).toMatchObject({
      points: 0,
      note: 'missing',
    });
    expect(scoreCriterion(manual, [], { points: 12.345 }).points).toBe(12.35);
  });

  it('ignores a manual score that is not a number', () => {
    expect(scoreCriterion(manual, [], { points: Number.NaN })).toMatchObject({ status: 'pending' });
  });

  it('throws on a criterion without exactly one scoring mode', () => {
    expect(() => scoreCriterion({ id: 'x', title: 'X', points: 1 }, [])).toThrow(
      /exactly one of levels, scale, pass or manual \(found none\)/,
    );
    expect(() => scoreCriterion({ id: 'x', title: 'X', points: 1, pass: 'a', manual: true }, [])).toThrow(
      /found pass, manual/,
    );
    expect(() =>
      scoreCriterion({ id: 'x', title: 'X', points: 1, scale: { zero_at: 0, full_at: 1 } }, []),
    ).toThrow(/names no metric/);
  });
});

describe('formatMetricValue', () => {
  it('keeps six significant digits without exponents', () => {
    expect(formatMetricValue(0.8)).toBe('0.8');
    expect(formatMetricValue(0.79999)).toBe('0.79999');
    expect(formatMetricValue(1234.5678)).toBe('1234.57');
    expect(formatMetricValue(42)).toBe('42');
    expect(formatMetricValue(0.00000012)).toBe('0.00000012');
  });
});

describe('scoreCriterion: pass with a list of checks', () => {
  const criterion: Criterion = { id: 'done', title: 'Done', points: 8, pass: ['build', 'tests'] };

  it('gives full points only when every listed check passed', () => {
    expect(scoreCriterion(criterion, [check('build', 'pass'), check('tests', 'pass')])).toMatchObject({
      points: 8,
      status: 'scored',
      metric: 'build, tests',
      explanation: 'Checks build, tests all passed: full points.',
    });
  });

  it('gives 0 and names the check that failed', () => {
    expect(scoreCriterion(criterion, [check('build', 'pass'), check('tests', 'fail')])).toMatchObject({
      points: 0,
      status: 'scored',
      explanation: 'Check tests failed: 0 points. tests fail',
    });
    expect(scoreCriterion(criterion, [check('build', 'fail'), check('tests', 'fail')]).explanation).toBe(
      'Checks build, tests failed: 0 points.',
    );
  });

  it('is pending while none failed and one could not judge; a failure decides even then', () => {
    expect(scoreCriterion(criterion, [check('build', 'pass'), check('tests', 'error')])).toMatchObject({
      points: null,
      status: 'pending',
      pendingReason: 'check-error',
      explanation: 'Check tests errored: tests error; an instructor must review.',
    });
    expect(scoreCriterion(criterion, [check('build', 'pass')])).toMatchObject({
      status: 'pending',
      pendingReason: 'check-missing',
    });
    expect(scoreCriterion(criterion, [check('build', 'fail'), check('tests', 'error')])).toMatchObject({
      points: 0,
      status: 'scored',
      explanation: 'Check build failed: 0 points. build fail (Check tests errored: tests error.)',
    });
  });

  it('reads a one-id list as the single id', () => {
    expect(scoreCriterion({ ...criterion, pass: ['tests'] }, [check('tests', 'pass')]).explanation).toBe(
      'Check tests passed: full points.',
    );
  });
});

describe('criterionCheckIds', () => {
  it('reads the check of a metric, every check of a pass list, and none of a manual criterion', () => {
    expect(criterionCheckIds({ metric: 'eval.tier.rare.f1' })).toEqual(['eval']);
    expect(criterionCheckIds({ metric: 'tests' })).toEqual(['tests']);
    expect(criterionCheckIds({ metric: 'build, tests, lint' })).toEqual(['build', 'tests', 'lint']);
    expect(criterionCheckIds({})).toEqual([]);
  });

  it('reads what scoring wrote, for a pass list kept under a manual score too', () => {
    const criterion: Criterion = { id: 'done', title: 'Done', points: 4, pass: ['build', 'tests'] };
    const scored = scoreCriterion(criterion, [check('build', 'pass')], { points: 3 });
    expect(scored.source).toBe('manual');
    expect(criterionCheckIds(scored)).toEqual(['build', 'tests']);
  });
});
