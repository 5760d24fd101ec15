/**
 * What `mlgrade init` scaffolds, read back as YAML and compared with what the templates and the
 * examples hold, and the requests it refuses before writing anything.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { InitError, type ScaffoldOptions, scaffoldFiles } from '../../src/init/scaffold-course.js';
import { ROOT } from '../helpers/run-cli.js';

const options: ScaffoldOptions = {
  courseId: 'ml-101',
  courseTitle: 'ML 101: "Systems"',
  timezone: 'Europe/Berlin',
  runsOn: ['self-hosted', 'a100'],
  version: '1.2.3',
  workflow: 'matrix',
};

const byPath = (files: ReturnType<typeof scaffoldFiles>) =>
  new Map(files.map((file) => [file.path, file.content]));

describe('scaffoldFiles', () => {
  it('writes the starter course with its title as one YAML string, and the hidden labels and example as shipped', () => {
    const files = byPath(scaffoldFiles(options));
    const config = parse(files.get('config-repo/.github/mlgrade.yml')!.toString()) as {
      course: Record<string, string>;
      assignments: { checks: { kind: string; labels?: string }[]; rubric: { id: string }[] }[];
    };
    expect(config.course).toEqual({ id: 'ml-101', title: 'ML 101: "Systems"', timezone: 'Europe/Berlin' });
    const labels = config.assignments[0]!.checks.find((check) => check.kind === 'predictions')!.labels!;
    expect(files.get(`hidden-data/${labels}`)).toEqual(
      readFileSync(path.join(ROOT, 'examples/hidden-data/cifar10-test-labels.csv')),
    );
    expect(files.get('example-submission/predictions.csv')).toEqual(
      readFileSync(path.join(ROOT, 'examples/submissions/m4-passing/predictions.csv')),
    );
    expect(config.assignments[0]!.rubric.map((criterion) => criterion.id)).toContain('code-quality');
    expect(files.get('config-repo/.github/mlgrade-roster.csv')!.toString()).toBe(
      'login,github_id,canvas_id,sis_id,email,section,name\n',
    );
  });

  it('pins every action step of the grader workflow to the version and runs on the labels given', () => {
    for (const workflow of ['matrix', 'batch'] as const) {
      const files = byPath(scaffoldFiles({ ...options, workflow }));
      const text = files.get('grader-repo/.github/workflows/mlgrade-grade.yml')!.toString();
      const parsed = parse(text) as {
        on: { workflow_dispatch: { inputs: { runs_on: { default: string } } } };
        jobs: { grade: { steps: { uses?: string }[] } };
      };
      expect(JSON.parse(parsed.on.workflow_dispatch.inputs.runs_on.default)).toEqual(['self-hosted', 'a100']);
      const uses = parsed.jobs.grade.steps.map((step) => step.uses).filter((u) => u?.startsWith('mlgrade/'));
      expect(uses.length).toBeGreaterThanOrEqual(2); // doctor, then grade
      expect(new Set(uses)).toEqual(new Set(['mlgrade/mlgrade@v1.2.3']));
      expect(text.includes('mlgrade-results-batch')).toBe(workflow === 'batch');
    }
  });

  it('extends a preset and ships no data of its own for it', () => {
    const files = byPath(scaffoldFiles({ ...options, preset: 'tinytorch' }));
    const config = parse(files.get('config-repo/.github/mlgrade.yml')!.toString());
    expect(config).toEqual({
      _extends: 'preset:tinytorch',
      course: { id: 'ml-101', title: 'ML 101: "Systems"', timezone: 'Europe/Berlin' },
    });
    expect([...files.keys()].filter((file) => file.startsWith('hidden-data/'))).toEqual([
      'hidden-data/README.md',
    ]);
    expect([...files.keys()].some((file) => file.startsWith('example-submission/'))).toBe(false);
  });

  it('refuses an unknown preset with the closest name and the list, a bad course id, a bad label', () => {
    expect(() => scaffoldFiles({ ...options, preset: 'tinytorh' })).toThrow(
      new InitError(
        'unknown preset "tinytorh" — did you mean "tinytorch"? (built in: experiments, technical-note, tinytorch)',
      ),
    );
    expect(() => scaffoldFiles({ ...options, courseId: 'ml 101' })).toThrow(/^course id "ml 101" must be/);
    expect(() => scaffoldFiles({ ...options, runsOn: ['gpu', 'x"y'] })).toThrow(/^runner label "x"y" is not/);
    expect(() => scaffoldFiles({ ...options, runsOn: [] })).toThrow(InitError);
  });
});
