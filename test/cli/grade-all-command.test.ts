/**
 * `mlgrade grade-all` on a class directory: every submission graded in one process, results and a
 * summary written, entries that are not submissions listed, and a second run resuming. Points by
 * hand: m4-passing earns 35 (accuracy Exemplary 25, deliverables 5, reproducibility 5), 65 pending.
 */
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateResults } from '../../src/results/validate-results.js';
import { EXAMPLE_CONFIG, exampleSubmission, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

let classDir = '';
let out = '';

beforeAll(async () => {
  const root = await tempDir();
  classDir = path.join(root, 'class');
  out = path.join(root, 'out');
  await mkdir(out, { recursive: true });
  await cp(exampleSubmission('m4-passing'), path.join(classDir, 'm4-ada'), { recursive: true });
  await cp(exampleSubmission('m4-passing'), path.join(classDir, 'm4-bo'), { recursive: true });
  await mkdir(path.join(classDir, 'drafts'), { recursive: true });
});

const gradeAll = () =>
  runCli(['grade-all', classDir, '--config', EXAMPLE_CONFIG, '--out', out, '--jobs', '2']);

describe('mlgrade grade-all', () => {
  it('grades a class directory, writes results and a summary, lists what it skipped, and resumes', async () => {
    const first = await gradeAll();
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`2 of 2 graded; results and summary.csv in ${out}`);
    expect(first.stderr).toContain(
      `skipped ${path.join(classDir, 'drafts')}: matches no assignment's repository pattern`,
    );
    for (const name of ['m4-ada', 'm4-bo']) {
      const written = JSON.parse(await readFile(path.join(out, `${name}.json`), 'utf8'));
      expect(validateResults(written).ok).toBe(true);
      expect(written.score).toMatchObject({ points: 35, pendingPoints: 65 });
    }
    const csv = (await readFile(path.join(out, 'summary.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(
      'submission,status,assignment,points,maxPoints,pendingPoints,checksFailed,seconds,error',
    );
    expect(csv.slice(1).map((line) => line.split(',').slice(0, 7).join(','))).toEqual([
      'm4-ada,graded,milestone-4,35,100,65,0',
      'm4-bo,graded,milestone-4,35,100,65,0',
    ]);

    await rm(path.join(out, 'm4-bo.json'));
    const second = await gradeAll();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('2 of 2 graded (1 from an earlier run)');
    expect(second.stderr).toMatch(/m4-ada\s+35\/100 \(65 pending\)\s+\(already graded\)/);
    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8'));
    expect(
      summary.map((row: { submission: string; status: string }) => [row.submission, row.status]),
    ).toEqual([
      ['m4-ada', 'resumed'],
      ['m4-bo', 'graded'],
    ]);
  }, 120_000);

  const TFJS = ['mnist-cnn-passing', 'mnist-dense-passing', 'mnist-dense-under-threshold'];

  it('grades TF.js models at once as each alone (they share the inference workers)', async () => {
    const root = await tempDir();
    const models = path.join(root, 'models');
    const results = path.join(root, 'results');
    await mkdir(results, { recursive: true });
    for (const name of TFJS) await cp(exampleSubmission(name), path.join(models, name), { recursive: true });
    const together = await runCli([
      'grade-all',
      models,
      '--config',
      EXAMPLE_CONFIG,
      '--out',
      results,
      '--jobs',
      '2',
    ]);
    expect(together.code).toBe(0);
    for (const name of ['mnist-dense-passing', 'mnist-cnn-passing']) {
      const alone = path.join(root, `${name}.alone.json`);
      await runCli(['grade', exampleSubmission(name), '--config', EXAMPLE_CONFIG, '--json', alone]);
      const a = JSON.parse(await readFile(alone, 'utf8'));
      const b = JSON.parse(await readFile(path.join(results, `${name}.json`), 'utf8'));
      expect(b.checks.map((check: { status: string }) => check.status)).toEqual(
        a.checks.map((check: { status: string }) => check.status),
      );
      expect(b.score.points).toBe(a.score.points);
      expect(b.checks[0].metrics.accuracy).toBe(a.checks[0].metrics.accuracy);
    }
  }, 120_000);

  it('refuses without --out or submissions', async () => {
    expect((await runCli(['grade-all', classDir, '--config', EXAMPLE_CONFIG])).stderr).toContain(
      '--out DIR is required',
    );
    const empty = await tempDir();
    const none = await runCli(['grade-all', empty, '--config', EXAMPLE_CONFIG, '--out', out]);
    expect(none.code).toBe(2);
    const zero = await runCli([
      'grade-all',
      classDir,
      '--config',
      EXAMPLE_CONFIG,
      '--out',
      out,
      '--timeout-minutes',
      '0',
    ]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--timeout-minutes 0: give a number of minutes above 0');
  });
});
