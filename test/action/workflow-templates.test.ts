/**
 * The grader workflow templates instructors copy must keep matching the action they call: every
 * input a template passes exists in action.yml, and the batch template uploads the directory the
 * action writes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../helpers/temp-dir.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { required?: boolean }>;
};
const template = (name: string) =>
  parse(readFileSync(`templates/workflows/${name}`, 'utf8')) as {
    on: { workflow_dispatch: { inputs: Record<string, unknown> } };
    jobs: { grade: { steps: Step[] } };
  };

describe.each(['mlgrade-grade.yml', 'mlgrade-grade-batch.yml'])('%s', (name) => {
  const workflow = template(name);
  const steps = workflow.jobs.grade.steps;
  const mlgradeSteps = steps.filter((step) => step.uses?.startsWith('mlgrade/mlgrade@'));
  const doctor = mlgradeSteps.find((step) => step.with?.doctor === true);
  const grade = mlgradeSteps.find((step) => step.with?.doctor === undefined);

  it('calls the action with inputs action.yml declares, and every required one, in every step', () => {
    expect(grade).toBeDefined();
    for (const step of mlgradeSteps) {
      const given = Object.keys(step.with ?? {});
      expect(given.filter((input) => !(input in action.inputs))).toEqual([]);
      const required = Object.entries(action.inputs)
        .filter(([, input]) => input.required)
        .map(([input]) => input);
      expect(required.filter((input) => !given.includes(input))).toEqual([]);
    }
  });

  it('checks the runner with mlgrade doctor before grading, on the same config and data', () => {
    expect(doctor).toBeDefined();
    expect(steps.indexOf(doctor!)).toBeLessThan(steps.indexOf(grade!));
    expect(doctor!.with?.config).toBe(grade!.with?.config);
    expect(doctor!.with?.data).toBe(grade!.with?.data);
    expect(doctor!.uses).toBe(grade!.uses);
  });

  it('takes the inputs the app dispatches with (src/github/dispatch-workflow.ts)', () => {
    expect(Object.keys(workflow.on.workflow_dispatch.inputs).sort()).toEqual(
      ['attempts', 'nonce', 'results_key', 'runs_on'].sort(),
    );
  });
});

describe('the batch template', () => {
  const steps = template('mlgrade-grade-batch.yml').jobs.grade.steps;
  const grade = steps.find(
    (step) => step.uses?.startsWith('mlgrade/mlgrade@') && step.with?.doctor === undefined,
  )!;
  const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))!;
  const checkout = steps.find((step) => step.run?.includes('git init'))!;

  it('uploads, as mlgrade-results-batch, the directory the action writes its results into', () => {
    expect(upload.with?.name).toBe('mlgrade-results-batch');
    expect(String(upload.with?.path).replace(/\/$/, '')).toBe(grade.with?.['results-dir']);
  });

  it('checks each attempt out into the directory the action reads submissions from', () => {
    expect(checkout.run).toContain(`dir="${grade.with?.submissions}/\${attempts[$i]}"`);
    expect(grade.with?.attempts).toBe(['${{', 'inputs.attempts', '}}'].join(' '));
  });

  it('keeps the token off git command lines', () => {
    expect(checkout.run).not.toMatch(/x-access-token:\$TOKEN@|https:\/\/[^ ]*\$TOKEN/);
    expect(checkout.run).toContain('GIT_CONFIG_VALUE_0=');
  });

  it('checks out every attempt it can at its commit and skips, with a warning, one it cannot', async () => {
    // The step's own script under bash, against local repositories standing in for GitHub.
    const work = await tempDir();
    const alice = path.join(work, 'server', 'course', 'alice');
    await mkdir(alice, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: alice, encoding: 'utf8' }).trim();
    git('init', '-q');
    await writeFile(path.join(alice, 'model.txt'), 'first\n');
    git('add', 'model.txt');
    git('-c', 'user.name=a', '-c', 'user.email=a@example.com', 'commit', '-qm', 'first');
    const first = git('rev-parse', 'HEAD');
    await writeFile(path.join(alice, 'model.txt'), 'second\n');
    git('-c', 'user.name=a', '-c', 'user.email=a@example.com', 'commit', '-qam', 'second');
    const result = spawnSync('bash', ['-c', checkout.run!], {
      cwd: work,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: work,
        GITHUB_SERVER_URL: path.join(work, 'server'),
        ATTEMPTS: '41 42',
        REPOSITORIES: 'course/alice course/bob',
        SHAS: `${first} ${first}`,
        TOKEN: 'ghs_not_a_real_token',
      },
    });
    expect(result.status).toBe(0);
    expect(await readdir(path.join(work, 'submissions'))).toEqual(['41']);
    // The graded commit, not the branch's newest.
    expect(await readFile(path.join(work, 'submissions', '41', 'model.txt'), 'utf8')).toBe('first\n');
    expect(result.stdout).toContain(
      `::warning::could not check out course/bob@${first}; that attempt is reported as not graded`,
    );
  });
});
