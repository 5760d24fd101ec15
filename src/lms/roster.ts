/**
 * The course roster (docs/lms.md#roster): one row per student mapping their GitHub login to their
 * GitHub id, Canvas user id, SIS id, Gradescope email, section and name. CSV (what LMS exports give)
 * or YAML (a list of students, or the legacy map `login: GitHub id`). Pure: text in, roster and
 * line-numbered problems out. Any error makes the roster invalid for its callers; every valid row is
 * still returned, so one bad row does not hide the rest.
 */
import { scanCsv } from './roster-csv.js';
import { FIELD_NAMES, fieldOf, type RawRow, type RawValue, type RosterField } from './roster-fields.js';
import type { RosterEntry, RosterProblem, StudentRoster } from './roster-types.js';
import { knownKeys, yamlRows } from './roster-yaml.js';

export { FIELD_NAMES } from './roster-fields.js';

/** What {@link parseRoster} found. */
export interface ParsedRoster {
  roster: StudentRoster;
  /** Errors and warnings, by line. */
  problems: RosterProblem[];
}

/** Parses a roster; the format comes from the extension of `file` (.csv, or .yml/.yaml). */
export function parseRoster(text: string, file: string): ParsedRoster {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lower = file.toLowerCase();
  let rows: RawRow[];
  let problems: RosterProblem[];
  let legacy = false;
  if (lower.endsWith('.csv')) ({ rows, problems } = csvRows(body, file));
  else if (lower.endsWith('.yml') || lower.endsWith('.yaml'))
    ({ rows, problems, legacy } = yamlRows(body, file));
  else {
    rows = [];
    problems = [
      {
        file,
        line: 1,
        severity: 'error',
        message: 'a roster is a .csv, .yml or .yaml file; rename it so its format is clear',
      },
    ];
  }
  const entries = checkRows(rows, file, problems, legacy);
  if (entries.length === 0 && !problems.some((p) => p.severity === 'error'))
    problems.push({ file, line: 1, severity: 'warning', message: 'the roster lists no students' });
  problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
  return {
    roster: { file, entries, byLogin: new Map(entries.map((entry) => [entry.login.toLowerCase(), entry])) },
    problems,
  };
}

/** True when some problem is an error. */
export function hasRosterErrors(problems: readonly RosterProblem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}

/** `file:line:column  message`, warnings marked, the way config problems print. */
export function formatRosterProblem(problem: RosterProblem): string {
  const where = `${problem.file}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return `${where}  ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`;
}

// ---- CSV ----

function csvRows(text: string, file: string): { rows: RawRow[]; problems: RosterProblem[] } {
  const problems: RosterProblem[] = [];
  const { records, unclosedQuote } = scanCsv(text);
  if (unclosedQuote)
    problems.push({
      file,
      ...unclosedQuote,
      severity: 'error',
      message:
        'this quoted value is never closed, so the rest of the file was read as part of it: add the closing "',
    });
  const header = records[0];
  if (!header) return { rows: [], problems };
  const columns: (RosterField | undefined)[] = [];
  const unknown: string[] = [];
  const seen = new Map<RosterField, string>();
  for (const cell of header.fields) {
    const field = fieldOf(cell.value);
    if (field && seen.has(field)) {
      problems.push({
        file,
        line: cell.line,
        column: cell.column,
        severity: 'error',
        message: `columns "${seen.get(field)}" and "${cell.value}" both give the ${describe(field)}; keep one`,
      });
      columns.push(undefined);
      continue;
    }
    if (field) seen.set(field, cell.value);
    else if (cell.value !== '') unknown.push(cell.value);
    columns.push(field);
  }
  if (!seen.has('login')) {
    const only = header.fields.length === 1 ? header.fields[0]!.value : '';
    const separator = only.includes(';') ? 'semicolons' : only.includes('\t') ? 'tabs' : undefined;
    if (separator) {
      problems.push({
        file,
        line: header.line,
        column: 1,
        severity: 'error',
        message: `the values are separated by ${separator}, not commas: save the file as comma-separated CSV (UTF-8)`,
      });
      return { rows: [], problems };
    }
    problems.push({
      file,
      line: header.line,
      column: 1,
      severity: 'error',
      message: `the first line must be a header naming the columns, with the students' GitHub logins in a column named ${list(FIELD_NAMES.login)}; other columns: ${otherColumns()} (found: ${header.fields.map((f) => f.value).join(', ') || 'nothing'})`,
    });
    return { rows: [], problems };
  }
  if (unknown.length > 0)
    problems.push({
      file,
      line: header.line,
      column: 1,
      severity: 'warning',
      message: `${unknown.length === 1 ? 'column' : 'columns'} ${unknown.map((name) => `"${name}"`).join(', ')} ignored (known: ${knownKeys()})`,
    });
  const rows: RawRow[] = [];
  for (const record of records.slice(1)) {
    const fields: RawRow['fields'] = new Map();
    for (const [index, cell] of record.fields.entries()) {
      const field = columns[index];
      if (index >= columns.length) {
        if (cell.value === '') continue;
        problems.push({
          file,
          line: cell.line,
          column: cell.column,
          severity: 'error',
          message: `this row has more values than the header has columns (${columns.length}); put quotes around a value that contains a comma`,
        });
        break;
      }
      if (field && cell.value !== '')
        fields.set(field, { value: cell.value, source: cell.value, line: cell.line, column: cell.column });
    }
    const name = fields.get('name')?.value;
    // Canvas's gradebook export has a "Points Possible" row under the header.
    const skip = !fields.has('login') && typeof name === 'string' && /^points possible$/i.test(name);
    rows.push({ line: record.line, column: 1, fields, skip });
  }
  return { rows, problems };
}

// ---- checking rows ----

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9_])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks each row's values and the uniqueness of logins and ids; returns the entries worth keeping. */
function checkRows(
  rows: readonly RawRow[],
  file: string,
  problems: RosterProblem[],
  legacy: boolean,
): RosterEntry[] {
  const entries: RosterEntry[] = [];
  const error = (at: { line: number; column?: number }, message: string) =>
    problems.push({ file, line: at.line, column: at.column, severity: 'error', message });
  /** Each login and id seen, with the entry and the line it was written on. */
  const firstSeen: Record<
    'login' | 'githubId' | 'canvasUserId' | 'sisId' | 'gradescopeEmail',
    Map<string, { entry: RosterEntry; line: number }>
  > = {
    login: new Map(),
    githubId: new Map(),
    canvasUserId: new Map(),
    sisId: new Map(),
    gradescopeEmail: new Map(),
  };
  for (const row of rows) {
    if (row.skip) continue;
    const login = row.fields.get('login');
    const loginText = login ? text(login) : undefined;
    if (!login || loginText === undefined || loginText === '') {
      error(
        login ?? row,
        `missing login: add the student's GitHub login (column or key ${list(FIELD_NAMES.login)})`,
      );
      continue;
    }
    if (!LOGIN.test(loginText)) {
      error(
        login,
        `${JSON.stringify(loginText)} is not a GitHub login (letters, digits and hyphens${loginText.startsWith('@') ? ', written without @' : ''})`,
      );
      continue;
    }
    const twin = firstSeen.login.get(loginText.toLowerCase());
    if (twin) {
      error(
        login,
        `duplicate login "${loginText}": also on line ${twin.line}; each student has one row, so remove or merge one of lines ${twin.line} and ${login.line}`,
      );
      continue;
    }
    const entry: RosterEntry = { login: loginText, line: row.line };
    firstSeen.login.set(loginText.toLowerCase(), { entry, line: login.line });
    let rowErrors = 0;
    for (const [field, raw] of row.fields) {
      if (field === 'login') continue;
      const checked = checkValue(field, raw);
      if ('problem' in checked) {
        error(raw, checked.problem);
        rowErrors++;
        continue;
      }
      if (checked.value === undefined) continue;
      if (field === 'section' || field === 'name') {
        entry[field] = checked.value as string;
        continue;
      }
      const key = String(checked.value).toLowerCase();
      const seen = firstSeen[field].get(key);
      if (seen) {
        error(
          raw,
          `${describe(field)} ${checked.value} is also on line ${seen.line} (${seen.entry.login}); each student has their own, so fix line ${seen.line} or ${raw.line}`,
        );
        rowErrors++;
        continue;
      }
      firstSeen[field].set(key, { entry, line: raw.line });
      if (field === 'githubId') entry.githubId = checked.value as number;
      else entry[field] = checked.value as string;
    }
    // A row with errors already says what to fix; the warning would repeat it.
    if (!legacy && rowErrors === 0 && !entry.canvasUserId && !entry.sisId && !entry.gradescopeEmail)
      problems.push({
        file,
        line: row.line,
        column: row.column,
        severity: 'warning',
        message: `${entry.login} cannot be synced to Canvas or Gradescope: add their Canvas user id (canvas_id), SIS id (sis_id) or Gradescope email (email)`,
      });
    entries.push(entry);
  }
  return entries;
}

/** A value as text: strings trimmed, YAML numbers as written. Undefined for null, lists and mappings. */
function text(raw: RawValue): string | undefined {
  if (raw.nested || raw.value === null) return undefined;
  if (typeof raw.value === 'number') return raw.source.trim();
  return String(raw.value).trim();
}

/** A checked field value, nothing (empty), or what is wrong with it. */
function checkValue(
  field: RosterField,
  raw: RawValue,
): { value: string | number | undefined } | { problem: string } {
  const name = describe(field);
  if (raw.nested) return { problem: `the ${name} must be a single value, not a list or mapping` };
  if (raw.value === null || raw.value === '') return { value: undefined };
  if (typeof raw.value === 'boolean')
    return { problem: `the ${name} must be ${expected(field)}, not ${raw.source || raw.value}` };
  if (
    typeof raw.value === 'number' &&
    !Number.isSafeInteger(raw.value) &&
    /^[0-9]+$/.test(raw.source.trim()) &&
    field !== 'githubId'
  )
    return {
      problem: `${raw.source.trim()} is too large for a YAML number and would lose digits: quote it ("${raw.source.trim()}")`,
    };
  const value = text(raw) ?? '';
  switch (field) {
    case 'githubId': {
      const id = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(id) || id <= 0)
        return {
          problem: `the GitHub id must be the account's number (a positive whole number, from https://api.github.com/users/LOGIN), not "${value}"`,
        };
      return { value: id };
    }
    case 'canvasUserId':
      if (!/^[0-9]+$/.test(value))
        return {
          problem: `the Canvas user id must be digits (the ID column of the gradebook export, or the number in the user's Canvas URL), not "${value}"`,
        };
      return { value };
    case 'gradescopeEmail':
      if (!EMAIL.test(value))
        return { problem: `"${value}" is not an email address (the one the student uses on Gradescope)` };
      return { value };
    default:
      return { value };
  }
}

function expected(field: RosterField): string {
  if (field === 'githubId') return 'a number';
  if (field === 'canvasUserId') return 'digits';
  if (field === 'gradescopeEmail') return 'an email address';
  return 'text';
}

function describe(field: RosterField): string {
  return {
    login: 'GitHub login',
    githubId: 'GitHub id',
    canvasUserId: 'Canvas user id',
    sisId: 'SIS id',
    gradescopeEmail: 'email',
    section: 'section',
    name: 'name',
  }[field];
}

function list(names: readonly string[]): string {
  return names.join(', ');
}

function otherColumns(): string {
  return (Object.entries(FIELD_NAMES) as [RosterField, readonly string[]][])
    .filter(([field]) => field !== 'login')
    .map(([field, names]) => `${describe(field)} (${names.join(', ')})`)
    .join('; ');
}
