import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { presetFile } from '../../src/config/presets.js';

describe('preset:tinytorch', () => {
  it('loads through the full validator with no errors or warnings', async () => {
    const file = presetFile('tinytorch')!;
    const { config, problems } = await loadConfig(file, { displayRoot: path.dirname(file) });
    expect(problems).toEqual([]);
    // Later milestones are appended to the same preset by other checks; these two are the model check's.
    expect(config!.assignments.slice(0, 2).map((a) => [a.id, a.weight])).toEqual([
      ['tinytorch/milestone-1', 15],
      ['tinytorch/milestone-2', 20],
    ]);
  });

  it('milestone 1 asks ≥ 85% of a dense network, milestone 2 ≥ 95% of a CNN with the parameter comparison', async () => {
    const { config } = await loadConfig(presetFile('tinytorch')!);
    const [m1, m2] = config!.assignments;
    expect(m1!.checks[0]).toMatchObject({
      kind: 'model',
      pass_when: { accuracy: 0.85 },
      dataset: { format: 'idx' },
    });
    expect(m2!.checks[0]).toMatchObject({
      kind: 'model',
      pass_when: { accuracy: 0.95 },
      compare_to: { model: 'dense/model.json' },
    });
    for (const assignment of [m1!, m2!])
      expect(assignment.rubric.reduce((sum, c) => sum + c.points, 0)).toBe(100);
    expect(m1!.rubric.map((c) => c.points)).toEqual([40, 30, 20, 10]);
    expect(m2!.rubric.map((c) => c.points)).toEqual([35, 25, 25, 15]);
    expect(m2!.rubric.find((c) => c.id === 'memory-efficiency')?.metric).toBe('mnist.parameter_reduction');
  });
});
