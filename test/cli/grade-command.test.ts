import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResults } from '../../src/results/validate-results.js';
import { EXAMPLE_CONFIG, exampleSubmission, runCli, spawnCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const grade = (submission: string, ...more: string[]) =>
  runCli(['grade', exampleSubmission(submission), '--config', EXAMPLE_CONFIG, ...more]);

describe('mlgrade grade', () => {
  it('grades a passing submission: exit 0, Exemplary accuracy, valid JSON and a Markdown report', async () => {
    const out = await tempDir();
    const json = path.join(out, 'results.json');
    const markdown = path.join(out, 'results.md');
    const { code, stdout } = await grade('m4-passing', '--json', json, '--markdown', markdown);
    expect(code).toBe(0);
    expect(stdout).toMatch(/CIFAR-10 Accuracy\s+0\.8\d+\s+Exemplary\s+25 \/ 25/);

    const written = JSON.parse(await readFile(json, 'utf8'));
    const validation = validateResults(written);
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    expect(written.assignment).toBe('milestone-4');
    expect(written.checks.map((check: { status: string }) => check.status)).toEqual(['pass', 'pass', 'pass']);
    expect(written.score.criteria[0]).toMatchObject({ id: 'accuracy', level: 'Exemplary', points: 25 });
    expect(written.score.pendingPoints).toBe(65);

    const report = await readFile(markdown, 'utf8');
    expect(report).toContain('| CIFAR-10 Accuracy');
    expect(report).toContain('<details>');
  });

  it('grades a submission under the threshold: exit 1, Beginning level, failing predictions check', async () => {
    const { code, stdout } = await grade('m4-under-threshold');
    expect(code).toBe(1);
    expect(stdout).toMatch(/CIFAR-10 Accuracy\s+0\.6\d+\s+Beginning\s+16 \/ 25/);
    expect(stdout).toMatch(/✗ Hidden CIFAR-10 test set\s+fail/);
  });

  it('grades a broken submission with findings that name the files, and no crash', async () => {
    const { code, stdout, stderr } = await grade('m4-broken');
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toContain('Required file README.md is missing');
    expect(stdout).toMatch(/predictions\.csv:12\s+warning\s+.*already has a prediction on line 11/);
    expect(stdout).toMatch(/experiment\.yaml:1\s+error\s+.*`seed`/);
  });

  it('applies the late policy when the submission time is given', async () => {
    const out = await tempDir();
    const json = path.join(out, 'late.json');
    // Due 2026-12-04T23:59 New York (UTC-5) + 15 min grace; 36 hours late → 2 started days → 20 of 100 points.
    await grade('m4-passing', '--submitted-at', '2026-12-06T17:14:00Z', '--json', json);
    const { score } = JSON.parse(await readFile(json, 'utf8'));
    expect(score.late).toMatchObject({ status: 'late', daysLate: 2, deduction: 20 });
    expect(score.points).toBe(score.earnedPoints - 20);
  });

  it('picks the assignment from the repository pattern when --assignment is left out', async () => {
    const { stdout } = await grade('m4-passing');
    expect(stdout).toContain('Milestone 4: Advanced Vision');
  });

  it('refuses an unknown assignment with a suggestion, exit 2', async () => {
    const { code, stderr } = await grade('m4-passing', '--assignment', 'milestone-5');
    expect(code).toBe(2);
    expect(stderr).toContain('no assignment "milestone-5" in the config — did you mean "milestone-4"?');
  });

  it('refuses an invalid config before grading anything, exit 2 with file:line', async () => {
    const dir = await tempDir({
      'bad.yml':
        'course:\n  id: x\n  title: X\nassignments:\n  - id: a\n    title: A\n    checks: []\n    rubric: []\n',
    });
    const { code, stdout, stderr } = await runCli([
      'grade',
      exampleSubmission('m4-passing'),
      '--config',
      path.join(dir, 'bad.yml'),
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/bad\.yml:7:\d+\s+assignments\[0\]\.checks/);
    expect(stderr).toContain('nothing was graded');
  });

  it('reports usage errors with the usage text, exit 2', async () => {
    expect((await runCli(['grade', exampleSubmission('m4-passing')])).stderr).toContain(
      '--config FILE is required',
    );
    const missing = await runCli(['grade', '/no/such/dir', '--config', EXAMPLE_CONFIG]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('SUBMISSION /no/such/dir does not exist');
    const flag = await runCli([
      'grade',
      exampleSubmission('m4-passing'),
      '--config',
      EXAMPLE_CONFIG,
      '--frobnicate',
    ]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--frobnicate'");
    const unwritable = await runCli([
      'grade',
      exampleSubmission('m4-passing'),
      '--config',
      EXAMPLE_CONFIG,
      '--json',
      '/no/such/dir/r.json',
    ]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain(
      '--json /no/such/dir/r.json: the directory /no/such/dir does not exist',
    );
    const date = await runCli([
      'grade',
      exampleSubmission('m4-passing'),
      '--config',
      EXAMPLE_CONFIG,
      '--submitted-at',
      'yesterday',
    ]);
    expect(date.stderr).toContain('--submitted-at "yesterday" is not an ISO date-time');
  });

  it('runs as a real process through bin/mlgrade.js with the documented exit code', async () => {
    const { code, stdout, stderr } = await spawnCli([
      'grade',
      'examples/submissions/m4-under-threshold',
      '--config',
      'examples/course/mlgrade.yml',
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('Beginning');
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('mlgrade', () => {
  it('prints usage for no command (exit 2) and for --help (exit 0), and rejects unknown commands', async () => {
    expect((await runCli([])).code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: mlgrade <command>');
    const unknown = await runCli(['grades']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "grades"');
    expect((await runCli(['grade', '--help'])).stdout).toContain('Exit codes: 0 graded');
  });
});
