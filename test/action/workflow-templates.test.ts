/**
 * The grader workflow templates instructors copy must keep matching the action they call: every
 * input a template passes exists in action.yml, and the batch template uploads the directory the
 * action writes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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
  const grade = steps.find((step) => step.uses?.startsWith('mlgrade/mlgrade@'));

  it('calls the action with inputs action.yml declares, and every required one', () => {
    expect(grade).toBeDefined();
    const given = Object.keys(grade!.with ?? {});
    expect(given.filter((input) => !(input in action.inputs))).toEqual([]);
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required)
      .map(([input]) => input);
    expect(required.filter((input) => !given.includes(input))).toEqual([]);
  });

  it('takes the inputs the app dispatches with (src/github/dispatch-workflow.ts)', () => {
    expect(Object.keys(workflow.on.workflow_dispatch.inputs).sort()).toEqual(
      ['attempts', 'nonce', 'results_key', 'runs_on'].sort(),
    );
  });
});

describe('the batch template', () => {
  const steps = template('mlgrade-grade-batch.yml').jobs.grade.steps;
  const grade = steps.find((step) => step.uses?.startsWith('mlgrade/mlgrade@'))!;
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
});
