/**
 * The scores CSV for Gradescope's score import: one row per student, identified the way Gradescope
 * matches its roster (email, or SID), with the name when the roster has one and the score. Students
 * without that id are returned as `missing`, never guessed.
 */
import type { StudentRoster } from './roster-types.js';
import type { StudentGrade } from './student-grade.js';

/** The CSV and the logins left out of it. */
export interface ScoresCsv {
  csv: string;
  /** Logins with no roster row, or no id of the chosen kind. */
  missing: string[];
}

/** Builds the CSV (RFC 4180, CRLF line ends, a header row). */
export function gradescopeScoresCsv(
  grades: readonly StudentGrade[],
  roster: StudentRoster,
  idColumn: 'email' | 'sid',
): ScoresCsv {
  const header = ['Name', idColumn === 'email' ? 'Email' : 'SID', 'Score'];
  const rows: string[][] = [];
  const missing: string[] = [];
  for (const grade of grades) {
    const entry = roster.byLogin.get(grade.login.toLowerCase());
    const id = idColumn === 'email' ? entry?.gradescopeEmail : entry?.sisId;
    if (!entry || !id) {
      missing.push(grade.login);
      continue;
    }
    rows.push([entry.name ?? '', id, String(Math.round(grade.points * 100) / 100)]);
  }
  const csv = [header, ...rows].map((row) => row.map(quote).join(',')).join('\r\n');
  return { csv: `${csv}\r\n`, missing };
}

/** Quotes a field when it holds a comma, quote or line break, or starts with a formula character. */
function quote(field: string): string {
  // A leading = + - @ makes spreadsheet programs run the cell as a formula (CSV injection).
  const safe = /^[=+\-@]/.test(field) ? `'${field}` : field;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
