import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { listPresets, presetFile, presetsDirectory } from '../../src/config/presets.js';

describe('presets', () => {
  it('ships the experiments and technical-note presets', () => {
    expect(listPresets()).toEqual(expect.arrayContaining(['experiments', 'technical-note']));
    expect(presetsDirectory()).toMatch(/src[\\/]config[\\/]presets$/);
  });

  it.each(listPresets())('preset:%s validates cleanly, without warnings', async (name) => {
    const file = presetFile(name)!;
    const { config, problems } = await loadConfig(file, { displayRoot: path.dirname(file) });
    expect(problems).toEqual([]);
    expect(config?.assignments.length).toBeGreaterThan(0);
  });

  it('refuses names that could leave the presets directory', () => {
    expect(presetFile('../schema')).toBeUndefined();
    expect(presetFile('no-such-preset')).toBeUndefined();
  });

  it('preset:experiments holds C1–C7 with files and experiment checks', async () => {
    const { config } = await loadConfig(presetFile('experiments')!);
    expect(config?.assignments.map((a) => a.id.replace('experiments/', '').slice(0, 2))).toEqual([
      'c1',
      'c2',
      'c3',
      'c4',
      'c5',
      'c6',
      'c7',
    ]);
    for (const assignment of config!.assignments) {
      const files = assignment.checks.find((check) => check.kind === 'files');
      expect(files?.required).toContain('README.md');
      expect(assignment.rubric.reduce((sum, c) => sum + c.points, 0)).toBe(100);
    }
  });

  it('preset:technical-note keeps the reference points 20/20/25/20/15 as manual criteria', async () => {
    const { config } = await loadConfig(presetFile('technical-note')!);
    const rubric = config!.assignments[0]!.rubric;
    expect(rubric.filter((c) => c.manual).map((c) => c.points)).toEqual([20, 20, 25, 20, 15]);
    expect(rubric.filter((c) => !c.manual).map((c) => c.pass)).toEqual(['note']);
  });
});
