import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRosterFile, validateCommand } from '../../src/cli/validate-command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOOD = 'test/fixtures/roster/good-roster.csv';
const BAD = 'test/fixtures/roster/bad-roster.csv';
const LEGACY = 'test/fixtures/roster/legacy-roster.yml';
const CONFIG = 'test/fixtures/config/valid-course.yml';

/** Runs validateCommand from the repository root with string sinks. */
async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await validateCommand(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

describe('mlgrade validate on rosters', () => {
  it('takes names with "roster" and .csv files as rosters, other files as configs', () => {
    expect(isRosterFile('.github/mlgrade-roster.yml')).toBe(true);
    expect(isRosterFile('people/Fall-ROSTER.yaml')).toBe(true);
    expect(isRosterFile('students.csv')).toBe(true);
    expect(isRosterFile('.github/mlgrade.yml')).toBe(false);
  });

  it('exits 0 for a good roster and says so', async () => {
    expect(await run([GOOD])).toEqual({
      code: 0,
      stdout: `${GOOD}: valid (0 errors, 0 warnings)\n`,
      stderr: '',
    });
  });

  it('prints each problem as file:line:column  message with warnings marked, then a summary, and exits 2', async () => {
    const { code, stdout, stderr } = await run([BAD]);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const syncWarning = (login: string) =>
      `warning: ${login} cannot be synced to Canvas or Gradescope: add their Canvas user id (canvas_id), SIS id (sis_id) or Gradescope email (email)`;
    expect(stdout.split('\n')).toEqual([
      `${BAD}:1:1  warning: column "notes" ignored (known: login, github_id, canvas_id, sis_id, email, section, name)`,
      `${BAD}:3:1  duplicate login "Alice": also on line 2; each student has one row, so remove or merge one of lines 2 and 3`,
      `${BAD}:4:1  missing login: add the student's GitHub login (column or key login, github, github_login, github_username, username)`,
      `${BAD}:5:6  the GitHub id must be the account's number (a positive whole number, from https://api.github.com/users/LOGIN), not "-5"`,
      `${BAD}:5:9  the Canvas user id must be digits (the ID column of the gradebook export, or the number in the user's Canvas URL), not "12a"`,
      `${BAD}:5:13  "dave-at-uni" is not an email address (the one the student uses on Gradescope)`,
      `${BAD}:6:5  GitHub id 583231 is also on line 2 (alice); each student has their own, so fix line 2 or 6`,
      `${BAD}:6:12  Canvas user id 1042 is also on line 2 (alice); each student has their own, so fix line 2 or 6`,
      `${BAD}:6:17  email ALICE@uni.edu is also on line 2 (alice); each student has their own, so fix line 2 or 6`,
      `${BAD}:7:1  ${syncWarning('frank')}`,
      '',
      `${BAD}: invalid (8 errors, 2 warnings)`,
      '',
    ]);
  });

  it('accepts the legacy roster with its one warning', async () => {
    const { code, stdout } = await run([LEGACY]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^test\/fixtures\/roster\/legacy-roster\.yml:1:1 {2}warning: this is the old roster format/,
    );
    expect(lines.slice(1)).toEqual(['', `${LEGACY}: valid (0 errors, 1 warning)`]);
  });

  it('checks rosters and configs together, counting files, and prints JSON with --json', async () => {
    const both = await run([CONFIG, BAD]);
    expect(both.code).toBe(2);
    expect(both.stdout.trimEnd().split('\n').at(-1)).toBe('2 files: 1 invalid (8 errors, 2 warnings)');
    expect((await run([CONFIG, GOOD])).stdout).toBe('2 files: valid (0 errors, 0 warnings)\n');

    const json = await run(['--json', BAD]);
    expect(json.code).toBe(2);
    const problems = JSON.parse(json.stdout) as unknown[];
    expect(problems).toHaveLength(10);
    expect(problems[1]).toEqual({
      file: BAD,
      line: 3,
      column: 1,
      path: '',
      message:
        'duplicate login "Alice": also on line 2; each student has one row, so remove or merge one of lines 2 and 3',
      level: 'error',
    });
  });

  it('reports a missing roster file as an error on line 1', async () => {
    const missing = 'test/fixtures/roster/no-such-roster.csv';
    expect(await run([missing])).toEqual({
      code: 2,
      stdout: `${missing}:1:1  the roster file does not exist\n\n${missing}: invalid (1 error, 0 warnings)\n`,
      stderr: '',
    });
  });

  it('names a roster given by absolute path inside the working directory relative to it in problems', async () => {
    const { stdout } = await run([path.join(ROOT, BAD)]);
    expect(stdout.split('\n')[0]).toMatch(
      /^test\/fixtures\/roster\/bad-roster\.csv:1:1 {2}warning: column "notes"/,
    );
  });
});
