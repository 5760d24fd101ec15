import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { brief, loadFixture } from './helpers.js';

describe('_extends', () => {
  it('merges a built-in preset under the course file, by id', async () => {
    const { config, problems, sources } = await loadFixture('config-extends-preset.yml');
    expect(problems).toEqual([]);
    expect(sources).toHaveLength(2);
    expect(sources[0]).toMatch(/src[\\/]config[\\/]presets[\\/]experiments\.yml$/);
    expect(config?.course).toEqual({
      id: 'llm-eng-fall-2026',
      title: 'LLM Engineering, fall 2026',
      timezone: 'America/New_York',
    });
    expect(config?.assignments).toHaveLength(7);
    const c1 = config!.assignments[0]!;
    expect(c1.id).toBe('experiments/c1-baseline');
    expect(c1.due).toBe('2026-10-02T23:59');
    expect(c1.title).toMatch(/^C1: /);
    expect(c1.rubric.map((c) => [c.id, c.points])).toEqual([
      ['deliverables', 15],
      ['experiment', 15],
      ['run-entry', 30],
      ['third-party-reproduction', 30],
      ['presentation', 10],
    ]);
  });

  it('merges a base file: objects deep, assignments/checks/rubric by id, other lists replaced', async () => {
    const { config, problems, sources } = await loadFixture('extends/course.yml');
    expect(problems).toEqual([]);
    expect(sources).toEqual(['extends/base.yml', 'extends/course.yml']);
    expect(config?.course).toEqual({ id: 'course', title: 'The course', timezone: 'UTC' });
    expect(config?.assignments.map((a) => a.id)).toEqual(['a1', 'a2', 'a3']);
    const a1 = config!.assignments[0]!;
    expect(a1.title).toBe('Assignment 1 (revised)');
    expect(a1.weight).toBe(1);
    expect(a1.checks).toEqual([
      { id: 'deliverables', kind: 'files', required: ['README.md', 'results.json'] },
      { id: 'experiment', kind: 'experiment' },
    ]);
    expect(a1.rubric.map((c) => [c.id, c.points, c.pass])).toEqual([
      ['complete', 20, 'deliverables'],
      ['pinned', 5, 'experiment'],
    ]);
  });

  it('detects cycles and names the chain', async () => {
    const { config, problems } = await loadFixture('extends/cycle-a.yml');
    expect(config).toBeUndefined();
    expect(brief(problems)).toEqual([
      'extends/cycle-b.yml:1  _extends  Recursion detected: extends/cycle-a.yml → extends/cycle-b.yml → extends/cycle-a.yml',
    ]);
  });

  it('reports an error in a base file with the base file path and line', async () => {
    const { problems } = await loadFixture('extends/course-extending-broken-base.yml');
    expect(brief(problems)).toEqual([
      'extends/base-with-error.yml:10  assignments[0].checks[0].max_file_byte  unknown option "max_file_byte" for a files check — did you mean "max_file_bytes"? (allowed: id, kind, title, hidden, required, max_file_bytes, max_total_bytes, readme)',
    ]);
  });

  it('points at the _extends entry when a base file is missing, without follow-on errors', async () => {
    const { problems } = await loadFixture('extends/course-extending-missing-base.yml');
    expect(brief(problems)).toEqual([
      'extends/course-extending-missing-base.yml:3  _extends  cannot read base config extends/no-such-base.yml: file not found',
    ]);
  });

  it('lists the available presets when a preset is unknown', async () => {
    const { problems } = await loadFixture('config-extends-unknown-preset.yml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 1, column: 11, path: '_extends' });
    expect(problems[0]?.message).toBe(
      'unknown preset "experiment" — did you mean "experiments"? (available: preset:experiments, preset:technical-note, preset:tinytorch)',
    );
  });

  it('reads presets from mlgrade itself when the course files come from a custom reader', async () => {
    const files: Record<string, string> = {
      '/course/mlgrade.yml': '_extends: [preset:technical-note, ./local.yml]\n',
      '/course/local.yml': 'course: {id: local, title: Local}\n',
    };
    const asked: string[] = [];
    const reader = async (file: string) => {
      asked.push(file);
      if (!(file in files)) throw new Error(`not in the course repository: ${file}`);
      return Buffer.from(files[file]!);
    };
    const { config, problems } = await loadConfig('/course/mlgrade.yml', { reader, displayRoot: '/course' });
    expect(problems).toEqual([]);
    expect(asked).toEqual(['/course/mlgrade.yml', '/course/local.yml']);
    expect(config?.course.id).toBe('local');
    expect(config?.assignments[0]?.id).toBe('technical-note/week-3');
  });
});
