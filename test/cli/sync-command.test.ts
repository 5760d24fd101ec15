/**
 * `mlgrade sync` and `mlgrade export` from the terminal: a PGlite ledger with three graded students,
 * a roster file, the Canvas fake behind nock. A dry run prints the changes and sends nothing; the
 * sync sends; export writes Gradescope's CSV.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load-config.js';
import { gradeAndScore } from '../../src/grading/grade-and-score.js';
import { openLedger } from '../../src/store/open-ledger.js';
import { EXAMPLE_CONFIG, exampleSubmission } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { CANVAS, MockCanvas } from '../lms/canvas-mock.js';

let dir = '';
let config = '';
let roster = '';
let ledgerDir = '';
const canvas = new MockCanvas('tok');

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const saved = { ...process.env };
  Object.assign(process.env, { CANVAS_URL: CANVAS, CANVAS_TOKEN: 'tok', USER: 'prof-lee' }, env);
  try {
    const code = await main(argv, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      color: false,
    });
    return { code, stdout, stderr };
  } finally {
    process.env = saved;
  }
}

beforeAll(async () => {
  nock.disableNetConnect();
  dir = await tempDir();
  ledgerDir = path.join(dir, 'ledger');
  const yaml = parse(await readFile(EXAMPLE_CONFIG, 'utf8'));
  yaml.course.data_dir = path.resolve('examples/hidden-data');
  yaml.course.lms = { canvas: { course_id: '11' } };
  yaml.assignments.find((a: { id: string }) => a.id === 'milestone-4').lms = {
    canvas: { assignment_id: '22' },
  };
  config = path.join(dir, 'mlgrade.yml');
  await writeFile(config, stringify(yaml));
  roster = path.join(dir, 'roster.csv');
  await writeFile(
    roster,
    'login,canvas_id,email\nada,501,ada@uni.edu\nbo,502,bo@uni.edu\ncy,503,cy@uni.edu\ndee,504,dee@uni.edu\n',
  );

  const { config: course } = await loadConfig(config);
  const assignment = course!.assignments.find((a) => a.id === 'milestone-4')!;
  const graded = await gradeAndScore({
    course: course!,
    assignment,
    submissionDir: exampleSubmission('m4-passing'),
    dataDir: path.resolve('examples/hidden-data'),
    submittedAt: new Date('2026-12-01T12:00:00Z'),
  });
  const ledger = await openLedger({ dataDir: ledgerDir, databaseUrl: '' });
  // ada and bo are fully scored (35 automatic + manual); cy is graded with manual criteria pending.
  for (const [login, manual] of [
    ['ada', [20, 15, 10]],
    ['bo', [25, 20, 20]],
    ['cy', null],
  ] as const) {
    const repository = `ml-course/m4-${login}`;
    const { attempt } = await ledger.createAttempt({
      courseId: 'ml-systems-demo',
      assignmentId: 'milestone-4',
      repository,
      repositoryId: 1,
      studentId: null,
      studentLogin: login,
      sha: 'c'.repeat(40),
      trigger: 'push',
    });
    await ledger.saveResults(attempt.id, graded.results, graded.score);
    await ledger.updateAttempt(attempt.id, { state: 'completed', checkRunId: 900 });
    if (manual)
      for (const [criterionId, points] of [
        ['performance-analysis', manual[0]],
        ['code-quality', manual[1]],
        ['systems-understanding', manual[2]],
      ] as const)
        await ledger.saveManualScore({
          repository,
          assignmentId: 'milestone-4',
          criterionId,
          points,
          by: 'prof',
        });
  }
  await ledger.close();
  canvas.enrol('11', '22', ['501', '502', '503', '504']);
  canvas.install();
}, 120_000);

afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const args = (...more: string[]) => [
  '--config',
  config,
  '--assignment',
  'milestone-4',
  '--roster',
  roster,
  '--ledger',
  ledgerDir,
  ...more,
];

describe('mlgrade sync and export', () => {
  it('a dry run prints the changes and sends nothing; the sync sends them; a repeat sends nothing', async () => {
    const dry = await run(['sync', 'canvas', ...args('--dry-run')]);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    // ada: 35 + 20 + 15 + 10 = 80; bo: 35 + 65 = 100; cy pending; dee never graded.
    expect(dry.stdout).toMatch(/ada\s.*80/);
    expect(dry.stdout).toMatch(/bo\s.*100/);
    expect(dry.stdout).toMatch(/cy\s.*pending/i);
    expect(dry.stdout).toContain('No graded submission of `milestone-4` (nothing sent): dee.');
    expect(canvas.requests.filter((r) => r.method !== 'GET')).toEqual([]);

    const real = await run(['sync', 'canvas', ...args()]);
    expect(real.code).toBe(0);
    expect(canvas.score('11', '22', '501')).toBe(80);
    expect(canvas.score('11', '22', '502')).toBe(100);
    expect(canvas.score('11', '22', '503')).toBeNull();

    const writes = canvas.requests.filter((r) => r.method !== 'GET').length;
    const again = await run(['sync', 'canvas', ...args()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('2 unchanged');
    expect(canvas.requests.filter((r) => r.method !== 'GET')).toHaveLength(writes);
  });

  it('export writes the Gradescope CSV and names who is missing', async () => {
    const out = path.join(dir, 'scores.csv');
    const result = await run(['export', '--format', 'gradescope', ...args('--out', out)]);
    expect(result.code).toBe(0);
    // cy's grade has pending criteria: left out, as Canvas leaves it out, and named.
    expect(await readFile(out, 'utf8')).toBe('Name,Email,Score\r\n,ada@uni.edu,80\r\n,bo@uni.edu,100\r\n');
    expect(result.stderr).toContain('2 scores in the CSV, 1 skipped');
    const sync = await run(['sync', 'gradescope', ...args()]);
    expect(sync.stdout).toContain(
      'Not in the `milestone-4` CSV, criteria pending: cy (performance-analysis, code-quality, systems-understanding).',
    );
  });

  it('refuses without CANVAS_TOKEN, with a bad roster, or without assignments, exit 2', async () => {
    const noToken = await run(['sync', 'canvas', ...args()], { CANVAS_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stdout).toContain('Canvas sync needs CANVAS_TOKEN');
    const bad = path.join(dir, 'bad-roster.csv');
    await writeFile(bad, 'login,canvas_id\nada,1\nada,2\n');
    const badRoster = await run([
      'sync',
      'canvas',
      '--config',
      config,
      '--all',
      '--roster',
      bad,
      '--ledger',
      ledgerDir,
    ]);
    expect(badRoster.code).toBe(2);
    expect(badRoster.stderr).toMatch(/bad-roster\.csv:3/);
    const none = await run(['sync', 'canvas', '--config', config, '--roster', roster, '--ledger', ledgerDir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--assignment ID (repeatable) or --all');
  });
});
