/**
 * The reproduce check re-runs real commands in the real sandbox: the Python example submissions
 * (python3 + numpy), and small Node scripts for the seed and failure cases.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reproduceCheck } from '../../src/checks/reproduce.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';

const examples = path.resolve(import.meta.dirname, '../../examples/submissions');
const TOLERANCES = { accuracy: { abs: 0.01 }, loss: { rel: 0.05 } };
const FAST = { wall_seconds: 60, memory_mb: 2048 };

const experiment = (command: string, seed = '3') =>
  `command: ${command}\nseed: ${seed}\ndata: { source: none, split: none, version: "1" }\n`;
// Writes metrics.json whose accuracy depends on the seed (0.80 + seed/1000).
const NOISY = `const fs = require('fs'); const seed = Number(process.argv[2]);
fs.writeFileSync('metrics.json', JSON.stringify({ accuracy: 0.8 + seed / 1000, nested: { f1: 0.5 } }));`;

describe('reproduce check', () => {
  it('reproduces the honest Python example within tolerance', async () => {
    const outcome = await runCheck(
      reproduceCheck,
      { metrics_file: 'results/metrics.json', metrics: TOLERANCES, sandbox: FAST },
      contextFor(path.join(examples, 'repro-honest')),
    );
    expect(outcome.findings).toEqual([]);
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({
      compared: 2,
      within_tolerance: 2,
      runs: 1,
      'claimed.accuracy': 0.916,
    });
    expect(outcome.metrics!['reproduced.accuracy']).toBeCloseTo(0.916, 3);
    expect(outcome.tables![0]!.rows.map((row) => row.at(-1))).toEqual(['within', 'within']);
    expect(outcome.environment).toEqual({ device: 'cpu' });
  });

  it('catches the inflated claims and says by how much', async () => {
    const outcome = await runCheck(
      reproduceCheck,
      { metrics_file: 'results/metrics.json', metrics: TOLERANCES, sandbox: FAST },
      contextFor(path.join(examples, 'repro-inflated')),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics).toMatchObject({ out_of_tolerance: 2, 'claimed.accuracy': 0.975 });
    expect(outcome.findings![0]!.message).toMatch(/^accuracy: claimed 0\.975 but the re-run gives 0\.916/);
    expect(outcome.tables![0]!.rows[0]).toEqual(['accuracy', 0.975, 0.916, 0, 0.059, 0.01, 'NOT reproduced']);
  });

  it('runs N seeds and judges the claim against their mean and spread', async () => {
    const dir = await tempDir({
      'experiment.yaml': experiment('node noisy.cjs {seed}', '[1, 2]'),
      'noisy.cjs': NOISY,
      'metrics.json': '{"accuracy": 0.802, "nested": {"f1": 0.5}}',
    });
    const outcome = await runCheck(
      reproduceCheck,
      { seeds: 3, metrics: { accuracy: { abs: 0 }, 'nested.f1': {} }, sandbox: FAST },
      contextFor(dir),
    );
    expect(outcome.metrics).toMatchObject({ runs: 3, 'reproduced.accuracy': 0.802, within_tolerance: 2 });
    expect(outcome.metrics!['spread.accuracy']).toBeCloseTo(0.001, 6);
    expect(outcome.tables![0]!.title).toContain('seeds 1, 2, 3');
  });

  it('never takes the committed metrics file for the re-run output', async () => {
    const dir = await tempDir({
      'experiment.yaml': experiment('node -e "console.log(\'trained\')"'),
      'metrics.json': '{"accuracy": 0.99}',
    });
    const outcome = await runCheck(
      reproduceCheck,
      { metrics: { accuracy: {} }, sandbox: FAST },
      contextFor(dir),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('The declared command did not produce metrics');
    expect(outcome.findings![0]!.message).toContain('must write its metrics to metrics.json');
  });

  it('reports a crashing command with the tail of its output', async () => {
    const dir = await tempDir({
      'experiment.yaml': experiment('node crash.cjs'),
      'crash.cjs': "console.error('boom: bad shape'); process.exit(3);",
      'metrics.json': '{"accuracy": 0.9}',
    });
    const outcome = await runCheck(
      reproduceCheck,
      { metrics: { accuracy: {} }, sandbox: FAST },
      contextFor(dir),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings!.at(-1)!.message).toContain('exited with status 3');
    expect(outcome.logs!.join('\n')).toContain('boom: bad shape');
  });

  it('contains a run that forges mlgrade-results.json: only the declared metrics file is read', async () => {
    const fixture = path.resolve(import.meta.dirname, '../fixtures/submissions/writes-results-json');
    const claimed = await tempDir({ 'claimed.json': '{"accuracy": 0.5}' });
    const outcome = await runCheck(
      reproduceCheck,
      {
        claimed: path.relative(fixture, path.join(claimed, 'claimed.json')),
        metrics: { accuracy: {} },
        sandbox: FAST,
      },
      contextFor(fixture),
    );
    // The claimed path leaves the submission: refused before anything runs.
    expect(outcome.status).toBe('fail');
    expect(outcome.findings![0]!.message).toContain('must be relative and stay inside');
    expect(existsSync(path.join(fixture, 'mlgrade-results.json'))).toBe(false);
  });

  it('fails when the experiment config declares no command', async () => {
    const dir = await tempDir({ 'experiment.yaml': 'seed: 1\n', 'metrics.json': '{}' });
    const outcome = await runCheck(reproduceCheck, { metrics: { accuracy: {} } }, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings![0]).toMatchObject({ file: 'experiment.yaml' });
  });
});
