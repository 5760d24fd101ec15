/**
 * The roster: one row per student, mapping them across GitHub, Canvas and Gradescope. Parsed from the
 * config repository's CSV or YAML file (roster.ts); syncs and exports look students up by login.
 */

/** One student as the roster gives them. Ids are strings: LMS ids are opaque and may exceed 2^53. */
export interface RosterEntry {
  /** GitHub login, as written (compare lower-cased). */
  login: string;
  /** Numeric GitHub user id, when the roster gives it. */
  githubId?: number;
  /** Canvas user id (numeric), when given. */
  canvasUserId?: string;
  /** SIS id (Canvas `sis_user_id`, Gradescope SID), when given. */
  sisId?: string;
  /** Email Gradescope knows the student by, when given. */
  gradescopeEmail?: string;
  section?: string;
  name?: string;
  /** Line of the roster file the entry came from (1-based), for messages. */
  line: number;
}

/** A parsed roster; `byLogin` is keyed by the lower-cased login. */
export interface StudentRoster {
  /** The file it came from (for messages). */
  file: string;
  entries: readonly RosterEntry[];
  byLogin: ReadonlyMap<string, RosterEntry>;
}

/** One problem in a roster file: where and what to do. */
export interface RosterProblem {
  file: string;
  line: number;
  column?: number;
  severity: 'error' | 'warning';
  message: string;
}
