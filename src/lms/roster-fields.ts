/**
 * The roster's fields, the column names (CSV) and keys (YAML) that give them, and the raw rows both
 * formats are read into before roster.ts checks them.
 */

/** A roster field, named as in {@link RosterEntry}. */
export type RosterField =
  | 'login'
  | 'githubId'
  | 'canvasUserId'
  | 'sisId'
  | 'gradescopeEmail'
  | 'section'
  | 'name';

/** Accepted names of each field, in the form the docs and messages show. Matched by {@link normalizeKey}. */
export const FIELD_NAMES: Record<RosterField, readonly string[]> = {
  login: ['login', 'github', 'github_login', 'github_username', 'username'],
  githubId: ['github_id', 'github_user_id'],
  canvasUserId: ['canvas_id', 'canvas_user_id', 'id'],
  sisId: ['sis_id', 'sis_user_id', 'student_id', 'sid'],
  gradescopeEmail: ['email', 'gradescope_email'],
  section: ['section'],
  name: ['name', 'student', 'display_name', 'student_name'],
};

/** `GitHub Username`, `github-username` and `github_username` are one name: lower case, no spaces, `_` or `-`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]+/g, '');
}

const BY_KEY = new Map<string, RosterField>(
  (Object.entries(FIELD_NAMES) as [RosterField, readonly string[]][]).flatMap(([field, names]) =>
    names.map((name) => [normalizeKey(name), field] as const),
  ),
);

/** The field a column name or YAML key gives, if any. */
export function fieldOf(key: string): RosterField | undefined {
  return BY_KEY.get(normalizeKey(key));
}

/** One value as written, with where it is. `source` is the text as written (YAML numbers keep their digits). */
export interface RawValue {
  value: string | number | boolean | null;
  source: string;
  line: number;
  column: number;
  /** The YAML gave a list or mapping where a single value belongs. */
  nested?: boolean;
}

/** One student's row before checking: the fields it gave. */
export interface RawRow {
  line: number;
  column: number;
  fields: Map<RosterField, RawValue>;
  /** Set on rows that are not students (Canvas's "Points Possible" row): skipped without a word. */
  skip?: boolean;
}
