import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainingCheck } from '../../src/checks/training.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';

const log = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/training-logs', name), 'utf8');

describe('training check', () => {
  it('passes a converging CSV log with its checkpoints', async () => {
    const dir = await tempDir({
      'logs/train.csv': log('converging.csv'),
      'checkpoints/epoch-20.pt': 'weights',
    });
    const outcome = await runCheck(trainingCheck, { checkpoints: ['checkpoints/*.pt'] }, contextFor(dir));
    expect(outcome.findings).toEqual([]);
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({
      steps: 20,
      converged: 1,
      nonfinite: 0,
      overfitting: 0,
      checkpoints: 1,
      checkpoints_missing: 0,
      final_val_accuracy: 0.67,
    });
    expect(outcome.metrics!.loss_ratio).toBeLessThan(0.5);
  });

  it('fails a log whose loss barely moves, saying by how much', async () => {
    const dir = await tempDir({ 'train.csv': log('flat.csv') });
    const outcome = await runCheck(trainingCheck, { log: 'train.csv' }, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics?.converged).toBe(0);
    expect(outcome.findings![0]!.message).toMatch(
      /did not converge: the smoothed loss went from 2\.28 to 2\.1/,
    );
  });

  it('catches NaN in a JSONL log written by Python and points at the first line', async () => {
    const dir = await tempDir({ 'logs/train.jsonl': log('diverged.jsonl') });
    const outcome = await runCheck(trainingCheck, { log: 'logs/train.jsonl' }, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics?.nonfinite).toBe(5);
    expect(outcome.findings![0]).toMatchObject({ file: 'logs/train.jsonl', line: 11 });
    expect(outcome.findings![0]!.message).toContain('NaN or infinite');
  });

  it('flags overfitting as a warning, or fails on it when asked', async () => {
    const dir = await tempDir({ 'logs/train.csv': log('overfitting.csv') });
    const warned = await runCheck(trainingCheck, {}, contextFor(dir));
    expect(warned.status).toBe('pass');
    expect(warned.metrics?.overfitting).toBe(1);
    expect(warned.findings![0]).toMatchObject({ level: 'warning' });
    expect(warned.findings![0]!.message).toMatch(/lowest \(.*\) at step 11 and rose/);
    const failed = await runCheck(trainingCheck, { fail_on_overfit: true }, contextFor(dir));
    expect(failed.status).toBe('fail');
  });

  it('reports missing checkpoints and a missing log as actionable failures', async () => {
    const dir = await tempDir({ 'logs/train.csv': log('converging.csv') });
    const outcome = await runCheck(trainingCheck, { checkpoints: ['checkpoints/*.pt'] }, contextFor(dir));
    expect(outcome.metrics?.checkpoints_missing).toBe(1);
    expect(outcome.findings![0]!.message).toContain('No checkpoint matches checkpoints/*.pt');
    const empty = await tempDir({ 'README.md': 'x' });
    const missing = await runCheck(trainingCheck, {}, contextFor(empty));
    expect(missing).toMatchObject({ status: 'fail', summary: 'No usable training log logs/train.csv' });
  });

  it('refuses a CSV without a loss column, naming line 1', async () => {
    const dir = await tempDir({ 'logs/train.csv': 'step,accuracy\n1,0.5\n' });
    const outcome = await runCheck(trainingCheck, {}, contextFor(dir));
    expect(outcome.findings![0]).toMatchObject({ file: 'logs/train.csv', line: 1 });
  });
});
