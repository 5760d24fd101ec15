import { describe, expect, it } from 'vitest';
import { gradescopeScoresCsv } from '../../src/lms/gradescope-scores-csv.js';
import { rosterOf, studentGrade } from './canvas-mock.js';

const roster = rosterOf([
  { login: 'ada', gradescopeEmail: 'ada@uni.edu', sisId: 'S-1', name: 'Lovelace, Ada', line: 2 },
  { login: 'Bo', gradescopeEmail: 'bo@uni.edu', line: 3 },
  { login: 'cy', sisId: 'S-3', name: '=HYPERLINK("x")', line: 4 },
]);

describe('gradescopeScoresCsv', () => {
  it('writes Name, Email and Score rows, quoting as RFC 4180 says, and lists students it cannot place', () => {
    const grades = [
      studentGrade('ada', 87.456),
      studentGrade('bo', 90),
      studentGrade('cy', 12),
      studentGrade('dee', 50),
    ];
    expect(gradescopeScoresCsv(grades, roster, 'email')).toEqual({
      csv: 'Name,Email,Score\r\n"Lovelace, Ada",ada@uni.edu,87.46\r\n,bo@uni.edu,90\r\n',
      missing: ['cy', 'dee'],
    });
  });

  it('uses the SID column when asked, and defuses spreadsheet formulas', () => {
    const grades = [studentGrade('ada', 10), studentGrade('cy', 12), studentGrade('bo', 1)];
    expect(gradescopeScoresCsv(grades, roster, 'sid')).toEqual({
      csv: `Name,SID,Score\r\n"Lovelace, Ada",S-1,10\r\n"'=HYPERLINK(""x"")",S-3,12\r\n`,
      missing: ['bo'],
    });
  });
});
