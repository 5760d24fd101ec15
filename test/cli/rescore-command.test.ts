/**
 * `mlgrade rescore` on a real PGlite ledger: the rubric changes after grading (a level threshold, a
 * criterion removed, a criterion's points), and every stored attempt is scored again without running
 * a check. Expected points are worked out by hand from the example rubric: m4-passing has accuracy
 * 0.8+ (Exemplary, 25), deliverables 5, reproducibility 5, and 65 manual points pending.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { gradeAndScore } from '../../src/grading/grade-and-score.js';
import { openLedger } from '../../src/store/open-ledger.js';
import { EXAMPLE_CONFIG, exampleSubmission, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir = '';
let ledgerDir = '';
let changedConfig = '';

beforeAll(async () => {
  dir = await tempDir();
  ledgerDir = path.join(dir, 'ledger');
  const { config } = await loadConfig(EXAMPLE_CONFIG);
  const assignment = config!.assignments.find((a) => a.id === 'milestone-4')!;
  const graded = await gradeAndScore({
    course: config!,
    assignment,
    submissionDir: exampleSubmission('m4-passing'),
    dataDir: path.resolve('examples/hidden-data'),
    submittedAt: new Date('2026-12-01T12:00:00Z'),
  });
  const ledger = await openLedger({ dataDir: ledgerDir, databaseUrl: '' });
  for (const login of ['ada', 'bo']) {
    const { attempt } = await ledger.createAttempt({
      courseId: 'ml-systems-demo',
      assignmentId: 'milestone-4',
      repository: `ml-course/m4-${login}`,
      repositoryId: 1,
      studentId: null,
      studentLogin: login,
      sha: 'd'.repeat(40),
      trigger: 'push',
    });
    await ledger.saveResults(attempt.id, graded.results, graded.score);
    await ledger.updateAttempt(attempt.id, { state: 'completed' });
  }
  await ledger.saveManualScore({
    repository: 'ml-course/m4-bo',
    assignmentId: 'milestone-4',
    criterionId: 'code-quality',
    points: 12,
    by: 'prof',
  });
  await ledger.close();

  // The rubric after the deadline: Exemplary now needs 0.95 (the submission falls to Proficient, 22),
  // reproducibility is gone.
  const yaml = parse(await readFile(EXAMPLE_CONFIG, 'utf8'));
  const m4 = yaml.assignments.find((a: { id: string }) => a.id === 'milestone-4');
  m4.rubric.find((c: { id: string }) => c.id === 'accuracy').levels[0].min = 0.95;
  m4.rubric = m4.rubric.filter((c: { id: string }) => c.id !== 'reproducibility');
  changedConfig = path.join(dir, 'mlgrade.yml');
  await writeFile(changedConfig, stringify(yaml));
}, 120_000);

async function storedPoints() {
  const ledger = await openLedger({ dataDir: ledgerDir, databaseUrl: '' });
  const stored = await ledger.listAssignmentResults('milestone-4');
  await ledger.close();
  return stored.map((row) => [row.attempt.studentLogin, row.score.points]);
}

const rescore = (...more: string[]) =>
  runCli([
    'rescore',
    '--config',
    changedConfig,
    '--assignment',
    'milestone-4',
    '--ledger',
    ledgerDir,
    ...more,
  ]);

describe('mlgrade rescore', () => {
  it('shows who gains or loses and why, stores nothing without --apply, and stores with it', async () => {
    const dry = await rescore();
    expect(dry.code).toBe(0);
    const lines = dry.stdout.trim().split('\n');
    // ada: 35 → 22 + 5 = 27; bo: 35 + 12 (code-quality, applied now) → 27 + 12 = 39.
    expect(lines[1]).toMatch(
      /^ml-course\/m4-ada\s+ddddddd\s+35 → 27 \/ 95\s+-8\s+accuracy 25 → 22; reproducibility 5 → \(none\)$/,
    );
    expect(lines[2]).toMatch(
      /^ml-course\/m4-bo\s+ddddddd\s+35 → 39 \/ 95\s+\+4\s+accuracy 25 → 22; code-quality pending → 12; reproducibility 5 → \(none\)$/,
    );
    expect(dry.stdout).toContain('Stored scores name criteria the config no longer has: reproducibility');
    expect(dry.stdout).toContain(
      '2 graded attempts: 2 change (1 gain, 1 lose points), 0 unchanged. No check was run.',
    );
    expect(dry.stdout).toContain('Nothing was stored');

    const json = JSON.parse((await rescore('--json')).stdout);
    expect(json).toMatchObject({
      applied: false,
      changed: 2,
      gains: 1,
      losses: 1,
      removedCriteria: ['reproducibility'],
    });

    const applied = await rescore('--apply');
    expect(applied.stdout).toContain('The new scores are stored');
    const ledger = await openLedger({ dataDir: ledgerDir, databaseUrl: '' });
    const stored = await ledger.listAssignmentResults('milestone-4');
    await ledger.close();
    expect(stored.map((row) => [row.attempt.studentLogin, row.score.points, row.score.maxPoints])).toEqual([
      ['ada', 27, 95],
      ['bo', 39, 95],
    ]);

    const again = await rescore();
    expect(again.stdout).toContain('2 graded attempts: 0 change (0 gain, 0 lose points), 2 unchanged.');
  });

  it('does not rescore from results whose check inputs changed: it lists them for a regrade and stores nothing for them', async () => {
    // The hidden test set moves to another file and a check's title changes: the title is display
    // only, the labels file is an input of the check, so its stored outcome no longer answers the config.
    const yaml = parse(await readFile(changedConfig, 'utf8'));
    const m4 = yaml.assignments.find((a: { id: string }) => a.id === 'milestone-4');
    const test = m4.checks.find((c: { id: string }) => c.id === 'cifar10-test');
    test.labels = 'cifar10-test-labels-v2.csv';
    m4.checks.find((c: { id: string }) => c.id === 'deliverables').title = 'What to hand in';
    const rerunConfig = path.join(dir, 'mlgrade-rerun.yml');
    await writeFile(rerunConfig, stringify(yaml));
    const before = await storedPoints();

    const result = await runCli([
      'rescore',
      '--config',
      rerunConfig,
      '--assignment',
      'milestone-4',
      '--ledger',
      ledgerDir,
      '--apply',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "2 attempts not rescored: a check's inputs changed since they were graded",
    );
    expect(result.stdout).toMatch(
      /ml-course\/m4-ada\s+ddddddd\s+cifar10-test: its options, hidden files or sandbox limits changed since it ran/,
    );
    expect(result.stdout).not.toContain('deliverables:');
    expect(result.stdout).toContain(
      '0 change (0 gain, 0 lose points), 0 unchanged, 2 need their checks run again',
    );
    expect(await storedPoints()).toEqual(before);
  });

  it('needs the assignment and a valid config', async () => {
    expect((await runCli(['rescore', '--config', changedConfig, '--ledger', ledgerDir])).stderr).toContain(
      '--assignment ID is required',
    );
    const wrong = await runCli([
      'rescore',
      '--config',
      changedConfig,
      '--assignment',
      'milestone-44',
      '--ledger',
      ledgerDir,
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('no assignment "milestone-44"');
  });
});
