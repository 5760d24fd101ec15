import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatRosterProblem, parseRoster } from '../../src/lms/roster.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/roster/', import.meta.url));
const fixture = (name: string) => readFileSync(`${FIXTURES}${name}`, 'utf8');

/** Problems as `line:column severity message` strings, the form these tests read best in. */
const brief = (problems: ReturnType<typeof parseRoster>['problems']) =>
  problems.map((p) => `${p.line}:${p.column ?? '-'} ${p.severity} ${p.message}`);

describe('parseRoster, CSV', () => {
  it('reads a BOM, CRLF, spaced and aliased headers, quoted commas, quotes and line breaks, blank lines', () => {
    const { roster, problems } = parseRoster(fixture('good-roster.csv'), 'good-roster.csv');
    expect(problems).toEqual([]);
    expect(roster.file).toBe('good-roster.csv');
    expect(roster.entries).toEqual([
      {
        login: 'alice',
        githubId: 583231,
        canvasUserId: '1042',
        sisId: 'S-001',
        gradescopeEmail: 'alice@uni.edu',
        section: 'A',
        name: 'Liddell, Alice',
        line: 2,
      },
      {
        login: 'bob',
        githubId: 4412907,
        canvasUserId: '1043',
        sisId: 'S-002',
        gradescopeEmail: 'bob@uni.edu',
        section: 'B',
        name: 'Bob "the builder" Smith',
        line: 3,
      },
      {
        login: 'carol',
        githubId: 9001,
        canvasUserId: '1044',
        sisId: 'S-003',
        gradescopeEmail: 'carol@uni.edu',
        section: 'A',
        name: 'Carol\nDanvers',
        line: 5,
      },
    ]);
    expect([...roster.byLogin.keys()]).toEqual(['alice', 'bob', 'carol']);
  });

  it('looks logins up lower-cased and keeps them as written', () => {
    const { roster } = parseRoster('Login,SIS_ID\nAlice-B,007\n', 'r.csv');
    expect(roster.byLogin.get('alice-b')).toEqual({ login: 'Alice-B', sisId: '007', line: 2 });
  });

  it('reports duplicates naming both lines, missing logins, bad ids and emails, and rows no sync can place (when they have no error already)', () => {
    const { roster, problems } = parseRoster(fixture('bad-roster.csv'), 'bad-roster.csv');
    const known = '(known: login, github_id, canvas_id, sis_id, email, section, name)';
    expect(brief(problems)).toEqual([
      `1:1 warning column "notes" ignored ${known}`,
      '3:1 error duplicate login "Alice": also on line 2; each student has one row, so remove or merge one of lines 2 and 3',
      "4:1 error missing login: add the student's GitHub login (column or key login, github, github_login, github_username, username)",
      '5:6 error the GitHub id must be the account\'s number (a positive whole number, from https://api.github.com/users/LOGIN), not "-5"',
      '5:9 error the Canvas user id must be digits (the ID column of the gradebook export, or the number in the user\'s Canvas URL), not "12a"',
      '5:13 error "dave-at-uni" is not an email address (the one the student uses on Gradescope)',
      '6:5 error GitHub id 583231 is also on line 2 (alice); each student has their own, so fix line 2 or 6',
      '6:12 error Canvas user id 1042 is also on line 2 (alice); each student has their own, so fix line 2 or 6',
      '6:17 error email ALICE@uni.edu is also on line 2 (alice); each student has their own, so fix line 2 or 6',
      '7:1 warning frank cannot be synced to Canvas or Gradescope: add their Canvas user id (canvas_id), SIS id (sis_id) or Gradescope email (email)',
    ]);
    // Every row that has a login of its own is kept; bad values are left out of it.
    expect(roster.entries).toEqual([
      { login: 'alice', githubId: 583231, canvasUserId: '1042', gradescopeEmail: 'alice@uni.edu', line: 2 },
      { login: 'dave', line: 5 },
      { login: 'eve', line: 6 },
      { login: 'frank', line: 7 },
    ]);
  });

  it('needs a header with a login column, and says which columns it accepts', () => {
    const { roster, problems } = parseRoster('alice,583231\nbob,4412907\n', 'r.csv');
    expect(roster.entries).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'r.csv', line: 1, column: 1, severity: 'error' });
    expect(problems[0]!.message).toBe(
      "the first line must be a header naming the columns, with the students' GitHub logins in a column named login, github, github_login, github_username, username; other columns: GitHub id (github_id, github_user_id); Canvas user id (canvas_id, canvas_user_id, id); SIS id (sis_id, sis_user_id, student_id, sid); email (email, gradescope_email); section (section); name (name, student, display_name, student_name) (found: alice, 583231)",
    );
  });

  it('says so when the values are separated by semicolons or tabs', () => {
    expect(brief(parseRoster('login;canvas_id\nalice;1042\n', 'r.csv').problems)).toEqual([
      '1:1 error the values are separated by semicolons, not commas: save the file as comma-separated CSV (UTF-8)',
    ]);
    expect(brief(parseRoster('login\tcanvas_id\nalice\t1042\n', 'r.csv').problems)).toEqual([
      '1:1 error the values are separated by tabs, not commas: save the file as comma-separated CSV (UTF-8)',
    ]);
  });

  it("reads Canvas's gradebook export with a login column added, skipping its Points Possible row", () => {
    const csv =
      'Student,ID,SIS User ID,SIS Login ID,Section,GitHub,Milestone 4 (3301)\n' +
      '    Points Possible,,,,,,100\n' +
      '"Liddell, Alice",1042,S-001,aliddell,CS 329S,alice,88\n';
    const { roster, problems } = parseRoster(csv, 'canvas-export.csv');
    expect(roster.entries).toEqual([
      {
        login: 'alice',
        name: 'Liddell, Alice',
        canvasUserId: '1042',
        sisId: 'S-001',
        section: 'CS 329S',
        line: 3,
      },
    ]);
    expect(brief(problems)).toEqual([
      '1:1 warning columns "SIS Login ID", "Milestone 4 (3301)" ignored (known: login, github_id, canvas_id, sis_id, email, section, name)',
    ]);
  });

  it('reports two columns for one field, a row with too many values, an unclosed quote, a login with @', () => {
    const { problems } = parseRoster(
      'login,github,email\nalice,,a@u.edu,extra\n@bob,,b@u.edu\n"carl,,c@u.edu\n',
      'r.csv',
    );
    expect(brief(problems)).toEqual([
      '1:7 error columns "login" and "github" both give the GitHub login; keep one',
      '2:16 error this row has more values than the header has columns (3); put quotes around a value that contains a comma',
      '3:1 error "@bob" is not a GitHub login (letters, digits and hyphens, written without @)',
      '4:1 error this quoted value is never closed, so the rest of the file was read as part of it: add the closing "',
      '4:1 error "carl,,c@u.edu" is not a GitHub login (letters, digits and hyphens)',
    ]);
  });

  it('warns about a roster without students, and refuses other extensions', () => {
    expect(brief(parseRoster('\uFEFFlogin,email\r\n\r\n', 'r.csv').problems)).toEqual([
      '1:- warning the roster lists no students',
    ]);
    expect(brief(parseRoster('login\nalice\n', 'roster.txt').problems)).toEqual([
      '1:- error a roster is a .csv, .yml or .yaml file; rename it so its format is clear',
    ]);
  });
});

describe('parseRoster, YAML', () => {
  it('reads the list form under students:, numbers as written, with the lines of rows and values', () => {
    const { roster, problems } = parseRoster(fixture('list-roster.yml'), 'list-roster.yml');
    expect(roster.entries).toEqual([
      {
        login: 'alice',
        githubId: 583231,
        canvasUserId: '1042',
        sisId: '00123',
        gradescopeEmail: 'alice@uni.edu',
        section: 'A',
        line: 3,
      },
      { login: 'bob', canvasUserId: '123456789012345678901', name: 'Bob Smith', line: 9 },
    ]);
    expect(problems).toEqual([]);
  });

  it('reads a bare list; asks to quote numbers past 2^53; reports duplicates, keys, values with lines', () => {
    const yaml = [
      '- login: alice', // 1
      '  canvas_id: 123456789012345678901', // 2
      '  email: alice@uni.edu',
      '- github: ALICE', // 4
      '  email: alice2@uni.edu',
      '- login: bob', // 6
      '  sis: 1', // 7
      '  sis_id: [1, 2]', // 8
      '  email: alice@uni.edu', // 9
      '- canvas_id: 7', // 10
      '- just text', // 11
    ].join('\n');
    const { roster, problems } = parseRoster(yaml, 'roster.yaml');
    expect(brief(problems)).toEqual([
      '2:14 error 123456789012345678901 is too large for a YAML number and would lose digits: quote it ("123456789012345678901")',
      '4:11 error duplicate login "ALICE": also on line 1; each student has one row, so remove or merge one of lines 1 and 4',
      '6:3 warning unknown key "sis" ignored (known: login, github_id, canvas_id, sis_id, email, section, name)',
      '8:11 error the SIS id must be a single value, not a list or mapping',
      '9:10 error email alice@uni.edu is also on line 3 (alice); each student has their own, so fix line 3 or 9',
      "10:3 error missing login: add the student's GitHub login (column or key login, github, github_login, github_username, username)",
      '11:3 error each student is a mapping of fields, e.g. `- { login: alice, github_id: 583231, canvas_id: "1042", email: alice@uni.edu }`',
    ]);
    expect(roster.entries).toEqual([
      { login: 'alice', gradescopeEmail: 'alice@uni.edu', line: 1 },
      { login: 'bob', line: 6 },
    ]);
  });

  it('keeps the legacy map login: GitHub id working, with one warning saying how to move on', () => {
    const { roster, problems } = parseRoster(fixture('legacy-roster.yml'), '.github/mlgrade-roster.yml');
    expect(roster.entries).toEqual([
      { login: 'alice', githubId: 583231, line: 1 },
      { login: 'bob', githubId: 4412907, line: 2 },
    ]);
    expect(problems).toEqual([
      {
        file: '.github/mlgrade-roster.yml',
        line: 1,
        column: 1,
        severity: 'warning',
        message:
          'this is the old roster format (login: GitHub id); it still works, but it cannot give Canvas or Gradescope ids. Move to a list of students, e.g. `- { login: alice, github_id: 583231, canvas_id: "1042", email: alice@uni.edu }`, or to a CSV file .github/mlgrade-roster.csv with the header login,github_id,canvas_id,sis_id,email,section,name (docs/lms.md#roster)',
      },
    ]);
  });

  it('reports a legacy id that is not a number, and a duplicate legacy login, by line', () => {
    const { roster, problems } = parseRoster('alice: 583231\nbob: bob@uni.edu\nAlice: 9\n', 'r.yml');
    expect(brief(problems.filter((p) => p.severity === 'error'))).toEqual([
      '2:6 error "bob" must map to the student\'s numeric GitHub id, not "bob@uni.edu" (the old format is `login: id`; for more fields use the list form, docs/lms.md#roster)',
      '3:1 error duplicate login "Alice": also on line 1; each student has one row, so remove or merge one of lines 1 and 3',
    ]);
    expect(roster.entries).toEqual([
      { login: 'alice', githubId: 583231, line: 1 },
      { login: 'bob', line: 2 },
    ]);
  });

  it('says a single student needs the list dash, and reports YAML syntax errors with their line', () => {
    expect(brief(parseRoster('login: alice\ncanvas_id: "1042"\n', 'r.yml').problems)).toEqual([
      '1:1 error this is one student without the list around it: start the student with "- ", one per student, like `- { login: alice, github_id: 583231, canvas_id: "1042", email: alice@uni.edu }`',
    ]);
    const syntax = parseRoster('- login: alice\n  email: a: b\n- login: bob\n', 'r.yml').problems;
    expect(syntax[0]).toMatchObject({ severity: 'error', line: 2 });
    expect(syntax[0]!.message).toMatch(/^invalid YAML: /);
  });

  it('reads an empty students: as no students', () => {
    expect(brief(parseRoster('students:\n', 'r.yml').problems)).toEqual([
      '1:- warning the roster lists no students',
    ]);
  });

  it('formats problems as file:line:column  message, warnings marked', () => {
    expect(
      formatRosterProblem({ file: 'r.csv', line: 3, column: 5, severity: 'error', message: 'bad' }),
    ).toBe('r.csv:3:5  bad');
    expect(formatRosterProblem({ file: 'r.csv', line: 1, severity: 'warning', message: 'odd' })).toBe(
      'r.csv:1  warning: odd',
    );
  });
});
