/** `mlgrade score` and `mlgrade scores history` against a real PGlite ledger. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { gradeAndScore } from '../../src/grading/grade-and-score.js';
import { openLedger } from '../../src/store/open-ledger.js';
import { EXAMPLE_CONFIG, exampleSubmission, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const REPO = 'ml-course/m4-ada';
let ledgerDir = '';
let automatic = 0;

beforeAll(async () => {
  ledgerDir = path.join(await tempDir(), 'ledger');
  const { config } = await loadConfig(EXAMPLE_CONFIG);
  const assignment = config!.assignments.find((candidate) => candidate.id === 'milestone-4')!;
  const graded = await gradeAndScore({
    course: config!,
    assignment,
    submissionDir: exampleSubmission('m4-passing'),
    dataDir: path.resolve('examples/hidden-data'),
    submittedAt: new Date('2026-12-01T12:00:00Z'),
  });
  automatic = graded.score.points;
  const ledger = await openLedger({ dataDir: ledgerDir, databaseUrl: '' });
  const { attempt } = await ledger.createAttempt({
    courseId: 'ml-systems-demo',
    assignmentId: 'milestone-4',
    repository: REPO,
    repositoryId: 1,
    studentId: null,
    studentLogin: 'ada',
    sha: 'b'.repeat(40),
    trigger: 'push',
  });
  await ledger.saveResults(attempt.id, graded.results, graded.score);
  await ledger.updateAttempt(attempt.id, { state: 'completed' });
  await ledger.close();
}, 120_000);

const score = (...args: string[]) =>
  runCli([
    'score',
    ...args,
    '--repo',
    REPO,
    '--config',
    EXAMPLE_CONFIG,
    '--ledger',
    ledgerDir,
    '--by',
    'prof-lee',
  ]);

describe('mlgrade score', () => {
  it('records points, rescores the newest attempt, and refuses bad input without recording', async () => {
    const first = await score('performance-analysis', '20', '--reason', 'clear error analysis');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // 65 manual points were pending; 25 of them are now scored (20 given).
    expect(first.stdout).toContain(`now scores ${automatic + 20} / 100 (40 pending)`);

    const wrong = await score('performance', '20');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      'no criterion `performance` in milestone-4; did you mean `performance-analysis`?',
    );
    const high = await score('code-quality', '21');
    expect(high.code).toBe(2);
    expect(high.stderr).toContain('21 is out of range for `code-quality`: give 0 to 20 points.');

    const cleared = await score('performance-analysis', 'clear');
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain(`now scores ${automatic} / 100 (65 pending)`);

    const history = await runCli(['scores', 'history', '--repo', REPO, '--ledger', ledgerDir]);
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^when\s+repository\s+assignment\s+criterion\s+points\s+by\s+via\s+note\s+link$/,
    );
    expect(lines[1]).toMatch(
      /ml-course\/m4-ada\s+milestone-4\s+performance-analysis\s+20\s+prof-lee\s+cli\s+clear error analysis$/,
    );
    expect(lines[2]).toMatch(/performance-analysis\s+cleared\s+prof-lee\s+cli$/);

    const json = await runCli([
      'scores',
      'history',
      '--json',
      '--assignment',
      'milestone-4',
      '--ledger',
      ledgerDir,
    ]);
    expect(JSON.parse(json.stdout).map((event: { points: number | null }) => event.points)).toEqual([
      20,
      null,
    ]);
  });

  it('explains a missing option', async () => {
    const missing = await runCli([
      'score',
      'code-quality',
      '3',
      '--config',
      EXAMPLE_CONFIG,
      '--ledger',
      ledgerDir,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--repo OWNER/NAME is required');
    const other = await runCli(['scores', 'list', '--ledger', ledgerDir]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('the only subcommand is `history`');
  });
});
