/**
 * `mlgrade grade --format gradescope`: Gradescope's results.json for every example submission,
 * validated against a JSON Schema written by hand from Gradescope's published specification
 * (test/fixtures/gradescope/results-spec.schema.json), plus the rules the course sets: points per
 * rubric criterion, pending criteria at 0, hidden checks' visibility, and a result even when grading
 * cannot happen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { EXAMPLE_CONFIG, exampleSubmission, ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const spec = JSON.parse(
  readFileSync(path.resolve('test/fixtures/gradescope/results-spec.schema.json'), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(spec);
const EXAMPLES = readdirSync(path.join(ROOT, 'examples', 'submissions')).sort();

interface Written {
  score: number;
  output: string;
  visibility: string;
  tests: {
    name: string;
    score?: number;
    max_score?: number;
    status: string;
    visibility: string;
    output: string;
  }[];
}

async function gradescope(submission: string, config = EXAMPLE_CONFIG, ...more: string[]) {
  const out = path.join(await tempDir(), 'results', 'results.json');
  const run = await runCli([
    'grade',
    submission,
    '--config',
    config,
    '--format',
    'gradescope',
    '--json',
    out,
    ...more,
  ]);
  const written = JSON.parse(await readFile(out, 'utf8')) as Written;
  return { ...run, written };
}

describe('mlgrade grade --format gradescope', () => {
  it('the schema refuses what the specification does not allow', () => {
    expect(validate({ score: 1, tests: [{ status: 'ok' }] })).toBe(false);
    expect(validate({ score: 1, visibility: 'students' })).toBe(false);
    expect(validate({ tests: [{ name: 'a' }] })).toBe(false);
    expect(
      validate({
        score: 1,
        output_format: 'md',
        tests: [{ name: 'a', status: 'passed', visibility: 'visible' }],
      }),
    ).toBe(true);
  });

  it.each(EXAMPLES)(
    'writes a results.json for %s that validates, with one scored test per criterion',
    async (name) => {
      const { code, written } = await gradescope(exampleSubmission(name));
      expect(code === 0 || code === 1).toBe(true);
      expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
      expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
      const scored = written.tests.filter((test) => test.max_score !== undefined);
      expect(scored.length).toBeGreaterThan(0);
      // The overall score is the sum of the criteria (no late policy without --submitted-at).
      const sum = scored.reduce((total, test) => total + (test.score ?? 0), 0);
      expect(written.score).toBeCloseTo(sum, 2);
    },
    120_000,
  );

  /** The example config, changed; course.data_dir points at the example hidden data. */
  // biome-ignore lint/suspicious/noExplicitAny: the parsed YAML is untyped
  async function configWith(change: (config: Record<string, any>) => void): Promise<string> {
    const yaml = parse(await readFile(EXAMPLE_CONFIG, 'utf8'));
    yaml.course.data_dir = path.resolve('examples/hidden-data');
    change(yaml);
    const file = path.join(await tempDir(), 'mlgrade.yml');
    await writeFile(file, stringify(yaml));
    return file;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the parsed YAML is untyped
  const hideTest = (config: Record<string, any>) => {
    const m4 = config.assignments.find((assignment: { id: string }) => assignment.id === 'milestone-4');
    m4.checks.find((check: { id: string }) => check.id === 'cifar10-test').hidden = true;
  };

  it('scores the m4 rubric by hand: accuracy 25 of 25, manual criteria pending at 0, hidden test after the due date', async () => {
    const { written } = await gradescope(exampleSubmission('m4-passing'), await configWith(hideTest));
    const byName = new Map(written.tests.map((test) => [test.name, test]));
    expect(written.score).toBe(35);
    expect(byName.get('CIFAR-10 Accuracy')).toMatchObject({ score: 25, max_score: 25, status: 'passed' });
    const manual = written.tests.filter((test) => test.output.startsWith('Pending:'));
    expect(manual.map((test) => [test.score, test.max_score, test.status])).toEqual([
      [0, 25, 'failed'],
      [0, 20, 'failed'],
      [0, 20, 'failed'],
    ]);
    // With cifar10-test hidden, its check and the criterion reading it wait for the due date.
    expect(byName.get('CIFAR-10 Accuracy')?.visibility).toBe('after_due_date');
    expect(
      written.tests.filter((test) => test.visibility === 'after_due_date').map((test) => test.name),
    ).toEqual(['CIFAR-10 Accuracy', expect.stringMatching(/^Check: /)]);
    expect(written.visibility).toBe('visible');
  }, 120_000);

  it('follows the course visibility settings', async () => {
    const config = await configWith((yaml) => {
      hideTest(yaml);
      yaml.course.lms = { gradescope: { visibility: 'after_published', hidden_checks: 'hidden' } };
    });
    const { written } = await gradescope(exampleSubmission('m4-passing'), config);
    expect(written.visibility).toBe('after_published');
    expect(new Set(written.tests.map((test) => test.visibility))).toEqual(
      new Set(['after_published', 'hidden']),
    );
  }, 120_000);

  it('still writes a valid result, score 0 and the reason, when the config is broken', async () => {
    const config = path.join(await tempDir(), 'broken.yml');
    await writeFile(config, 'course: { id: x }\nassignments: []\n');
    const { code, written } = await gradescope(exampleSubmission('m4-passing'), config);
    expect(code).toBe(2);
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
    expect(written.score).toBe(0);
    expect(written.output).toContain('mlgrade could not grade this submission');
    expect(written.output).toContain('broken.yml');
  });

  it('refuses a directory as the results file before grading, with what to write instead', async () => {
    const dir = await tempDir();
    const run = await runCli([
      'grade',
      exampleSubmission('m4-passing'),
      '--config',
      EXAMPLE_CONFIG,
      '--format',
      'gradescope',
      '--json',
      dir,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--json ${dir} is a directory; name the results file (e.g. ${path.join(dir, 'results.json')})`,
    );
  });

  it('refuses an unknown format', async () => {
    const run = await runCli([
      'grade',
      exampleSubmission('m4-passing'),
      '--config',
      EXAMPLE_CONFIG,
      '--format',
      'csv',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--format csv: use json');
  });
});

describe('the Gradescope autograder templates', () => {
  it('are bash that parses, and run_autograder calls mlgrade with the flags it has', async () => {
    const { execFileSync } = await import('node:child_process');
    for (const name of ['setup.sh', 'run_autograder']) {
      execFileSync('bash', ['-n', path.join(ROOT, 'templates', 'gradescope', name)]);
    }
    const script = await readFile(path.join(ROOT, 'templates', 'gradescope', 'run_autograder'), 'utf8');
    expect(script).toContain('--format gradescope');
    expect(script).toContain('--json /autograder/results/results.json');
    const usage = (await runCli(['grade', '--help'])).stdout;
    for (const flag of script.match(/--[a-z-]+/g) ?? []) expect(usage).toContain(flag);
  });
});
