/**
 * The YAML roster: a list of students (`- login: alice` …), the same list under `students:`, or the
 * legacy map `login: numeric GitHub id` of `.github/mlgrade-roster.yml`. Every row and value keeps its
 * line and column (the yaml package's LineCounter).
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
} from 'yaml';
import { FIELD_NAMES, fieldOf, type RawRow, type RawValue } from './roster-fields.js';
import type { RosterProblem } from './roster-types.js';

/** What the YAML gave: rows, problems of shape, and whether it was the legacy map. */
export interface YamlRows {
  rows: RawRow[];
  problems: RosterProblem[];
  legacy: boolean;
}

/** One student in the list form, on one line (flow style), for messages. */
const EXAMPLE = '`- { login: alice, github_id: 583231, canvas_id: "1042", email: alice@uni.edu }`';

/** The rows of a YAML roster. */
export function yamlRows(text: string, file: string): YamlRows {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col };
  };
  const problems: RosterProblem[] = [];
  const problem = (
    where: { line: number; column: number },
    severity: RosterProblem['severity'],
    message: string,
  ) => problems.push({ file, ...where, severity, message });
  if (doc.errors.length > 0) {
    const seen = new Set<number>();
    for (const error of doc.errors) {
      const where = at(error.pos[0]);
      if (seen.has(where.line)) continue;
      seen.add(where.line);
      const first = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      problem(
        where,
        'error',
        `invalid YAML: ${first} (check indentation, quotes and brackets near this line)`,
      );
    }
    return { rows: [], problems, legacy: false };
  }
  const root = resolve(doc.contents as Node | null, doc);
  if (root === null || (isScalar(root) && (root.value === null || root.value === '')))
    return { rows: [], problems, legacy: false };
  const rows: RawRow[] = [];

  const value = (node: Node | null, fallback: { line: number; column: number }): RawValue => {
    const target = resolve(node, doc);
    if (target === null) return { value: null, source: '', ...fallback };
    const where = at(target.range?.[0]);
    if (!isScalar(target)) return { value: null, source: '', ...where, nested: true };
    const raw = target.value;
    const plain =
      raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
        ? raw
        : String(raw);
    const source = typeof target.source === 'string' ? target.source : String(plain ?? '');
    return { value: plain, source, ...where };
  };

  const listRows = (seq: Node) => {
    if (!isSeq(seq)) return;
    for (const item of seq.items) {
      const node = resolve(item as Node, doc);
      const where = at(node?.range?.[0]);
      if (!node || !isMap(node)) {
        problem(where, 'error', `each student is a mapping of fields, e.g. ${EXAMPLE}`);
        continue;
      }
      const fields: RawRow['fields'] = new Map();
      const unknown: string[] = [];
      for (const pair of node.items as Pair<Node | null, Node | null>[]) {
        const key = resolve(pair.key, doc);
        const keyAt = at(key?.range?.[0] ?? node.range?.[0]);
        const name = key && isScalar(key) ? String(key.value) : '';
        const field = fieldOf(name);
        if (!field) {
          unknown.push(name);
          continue;
        }
        if (fields.has(field)) {
          problem(keyAt, 'error', `"${name}" gives the ${field} a second time in this student; keep one`);
          continue;
        }
        fields.set(field, value(pair.value, keyAt));
      }
      if (unknown.length > 0)
        problem(
          where,
          'warning',
          `unknown ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map((k) => `"${k}"`).join(', ')} ignored (known: ${knownKeys()})`,
        );
      rows.push({ ...where, fields });
    }
  };

  if (isSeq(root)) {
    listRows(root);
    return { rows, problems, legacy: false };
  }
  if (isMap(root)) {
    const students = (root.items as Pair<Node | null, Node | null>[]).find((pair) => {
      const key = resolve(pair.key, doc);
      return key && isScalar(key) && key.value === 'students';
    });
    if (students) {
      const list = resolve(students.value, doc);
      if (list === null || (isScalar(list) && list.value === null)) return { rows, problems, legacy: false };
      if (!list || !isSeq(list)) {
        problem(
          at(list?.range?.[0] ?? students.key?.range?.[0]),
          'error',
          `students: must be a list of students, one per line like ${EXAMPLE}`,
        );
        return { rows, problems, legacy: false };
      }
      for (const pair of root.items as Pair<Node | null, Node | null>[]) {
        if (pair === students) continue;
        const key = resolve(pair.key, doc);
        problem(
          at(key?.range?.[0]),
          'warning',
          `"${key && isScalar(key) ? String(key.value) : '?'}" ignored: a roster file holds only students:`,
        );
      }
      listRows(list);
      return { rows, problems, legacy: false };
    }
    const keys = (root.items as Pair<Node | null, Node | null>[]).map((pair) => {
      const key = resolve(pair.key, doc);
      return key && isScalar(key) ? String(key.value) : '';
    });
    if (keys.some((key) => fieldOf(key) === 'login') && keys.every((key) => fieldOf(key) !== undefined)) {
      problem(
        at(root.range?.[0]),
        'error',
        `this is one student without the list around it: start the student with "- ", one per student, like ${EXAMPLE}`,
      );
      return { rows, problems, legacy: false };
    }
    // Legacy: login: numeric GitHub id.
    for (const pair of root.items as Pair<Node | null, Node | null>[]) {
      const key = resolve(pair.key, doc);
      const keyAt = at(key?.range?.[0]);
      const login: RawValue =
        key && isScalar(key)
          ? { value: String(key.value ?? ''), source: String(key.value ?? ''), ...keyAt }
          : { value: null, source: '', ...keyAt };
      const id = value(pair.value, keyAt);
      const fields: RawRow['fields'] = new Map([['login', login]]);
      if (id.value !== null && typeof id.value !== 'number' && !/^\d+$/.test(String(id.value).trim())) {
        problem(
          id,
          'error',
          `"${login.value}" must map to the student's numeric GitHub id, not ${JSON.stringify(id.value)} (the old format is \`login: id\`; for more fields use the list form, docs/lms.md#roster)`,
        );
      } else fields.set('githubId', id);
      rows.push({ ...keyAt, fields });
    }
    problem(
      { line: 1, column: 1 },
      'warning',
      `this is the old roster format (login: GitHub id); it still works, but it cannot give Canvas or Gradescope ids. Move to a list of students, e.g. ${EXAMPLE}, or to a CSV file .github/mlgrade-roster.csv with the header login,github_id,canvas_id,sis_id,email,section,name (docs/lms.md#roster)`,
    );
    return { rows, problems, legacy: true };
  }
  problem(at(root.range?.[0]), 'error', `a roster is a list of students, e.g. ${EXAMPLE}`);
  return { rows, problems, legacy: false };
}

function resolve(node: Node | null | undefined, doc: Document): Node | null {
  if (!node) return null;
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return node;
}

/** `login, github_id, …`: the first name of each field. */
export function knownKeys(): string {
  return Object.values(FIELD_NAMES)
    .map((names) => names[0])
    .join(', ');
}
