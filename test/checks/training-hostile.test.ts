/**
 * Hostile training logs: a loss that is never positive (the loss ratio is undefined, which used to
 * pass with no finding) and values near the largest double, whose smoothing overflowed to Infinity
 * and read as "converged" (final / Infinity = 0). Expected verdicts are computed by hand in comments.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainingCheck } from '../../src/checks/training.js';
import { judgeTraining } from '../../src/checks/training-judge.js';
import type { LogPoint } from '../../src/checks/training-log.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';

const log = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/training-logs', name), 'utf8');

/** Points at lines 2, 3, … (after a header), steps 0, 1, …. */
const points = (losses: number[], valLosses: (number | undefined)[] = []): LogPoint[] =>
  losses.map((loss, i) => ({ step: i, loss, valLoss: valLosses[i], valAccuracy: undefined, line: i + 2 }));

describe('training check on hostile logs', () => {
  it('fails a log whose loss is negative throughout (ratio undefined), naming the first line', async () => {
    // negative-loss.csv: losses -2.3, -2.1, …, -0.1 on lines 2–13. Window 5 (12 points / 2 = 6 ≥ 5):
    // initial = mean(-2.3, -2.1, -1.9, -1.7, -1.5) = -1.9, final = mean(-0.9, …, -0.1) = -0.5;
    // the ratio needs a positive initial loss, so it is null, and nothing converged.
    const dir = await tempDir({ 'logs/train.csv': log('negative-loss.csv') });
    const outcome = await runCheck(trainingCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics).toMatchObject({ steps: 12, converged: 0, loss_ratio: null, nonfinite: 0 });
    expect(outcome.metrics!.initial_loss).toBeCloseTo(-1.9, 12);
    expect(outcome.metrics!.final_loss).toBeCloseTo(-0.5, 12);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings![0]).toMatchObject({ level: 'error', file: 'logs/train.csv', line: 2 });
    expect(outcome.findings![0]!.message).toMatch(
      /loss is negative on 12 line\(s\), first at line 2 \(-2\.3\)/,
    );
    expect(outcome.findings![0]!.message).toMatch(/log the loss itself/);
  });

  it('fails a log whose loss starts at 0 (nothing to measure convergence from)', async () => {
    // Ten zeros: initial = final = 0, ratio null, no negative value: the initial-loss finding.
    const rows = Array.from({ length: 10 }, (_, i) => `${i},0`);
    const dir = await tempDir({ 'logs/train.csv': `step,loss\n${rows.join('\n')}\n` });
    const outcome = await runCheck(trainingCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics).toMatchObject({ initial_loss: 0, final_loss: 0, loss_ratio: null, converged: 0 });
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings![0]).toMatchObject({ level: 'error', file: 'logs/train.csv', line: 2 });
    expect(outcome.findings![0]!.message).toMatch(/smoothed initial loss is 0/);
  });

  it('treats losses near the largest double as divergence, not convergence', async () => {
    // overflow.csv: five lines of 1e308 (lines 2–6), then five of 1.0. Before: the initial mean
    // overflowed (5e308 → Infinity), 1 / Infinity = 0 ≤ 0.5 read as converged. Now the five are
    // refused like Infinity; the usable points are the five 1.0s, window min(5, ⌊5/2⌋) = 2:
    // initial = final = 1, ratio 1, and the log fails on the overflow at line 2.
    const dir = await tempDir({ 'logs/train.csv': log('overflow.csv') });
    const outcome = await runCheck(trainingCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics).toMatchObject({
      steps: 10,
      nonfinite: 5,
      converged: 0,
      initial_loss: 1,
      final_loss: 1,
      loss_ratio: 1,
    });
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings![0]).toMatchObject({ level: 'error', file: 'logs/train.csv', line: 2 });
    expect(outcome.findings![0]!.message).toMatch(
      /NaN or infinite .*±1e300.* on 5 line\(s\), first at line 2/,
    );
  });

  it('judgeTraining: a loss that falls below 0 is not converged even with a "good" ratio', () => {
    // Window 1 (size min(1, 2) = 1): initial 2, final -0.1, ratio -0.05 ≤ 0.5 used to pass.
    const verdict = judgeTraining(points([2, 2, -0.1, -0.1]), 1, 0.5, 0.1);
    expect(verdict.lossRatio).toBeCloseTo(-0.05, 12);
    expect(verdict.negativeLines).toEqual([4, 5]);
    expect(verdict.converged).toBe(false);
  });

  it('judgeTraining: 1e300 is still a number, beyond it is overflow; val_loss too', () => {
    // Window 1: initial 1e300, final 1, ratio 1e-300: converged, computed without overflow.
    const edge = judgeTraining(points([1e300, 1e300, 1, 1]), 1, 0.5, 0.1);
    expect(edge).toMatchObject({ initialLoss: 1e300, finalLoss: 1, lossRatio: 1e-300, converged: true });
    expect(edge.nonFiniteLines).toEqual([]);
    // -1.5e300 on line 3 and a val_loss of 1.7e308 on line 4 are refused; the usable losses are
    // 2, 1, 0.5 (lines 2, 4, 5), window min(5, ⌊3/2⌋) = 1: initial 2, final 0.5, ratio 0.25.
    const over = judgeTraining(
      points([2, -1.5e300, 1, 0.5], [undefined, undefined, 1.7e308, 1]),
      5,
      0.5,
      0.1,
    );
    expect(over.nonFiniteLines).toEqual([3, 4]);
    expect(over).toMatchObject({ initialLoss: 2, finalLoss: 0.5, lossRatio: 0.25, converged: false });
    expect(over.negativeLines).toEqual([]);
  });
});
