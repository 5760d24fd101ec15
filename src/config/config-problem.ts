/**
 * A problem found in a course config, as data: the CLI prints it, the grade command refuses to run
 * with it, and the app turns it into check-run annotations.
 */

/** Where something is in a config file. Lines and columns are 1-based. */
export interface SourcePosition {
  /** The file as shown to the user (relative to the display root when inside it). */
  file: string;
  line: number;
  column: number;
}

/** One problem in a config. File-level problems (missing, empty, binary) point at 1:1. */
export interface ConfigProblem extends SourcePosition {
  /** Where in the merged config, e.g. `assignments[2].checks[0].kind`; empty for file-level problems. */
  path: string;
  /** What is wrong and, where we can tell, what to write instead. */
  message: string;
  /** Warnings do not make a config invalid. */
  level: 'error' | 'warning';
}

/** Thrown by {@link requireConfig}-style callers when a config has errors; carries them as data. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    const errors = problems.filter((p) => p.level === 'error');
    const shown = errors.slice(0, 10).map(formatProblem);
    const more = errors.length > shown.length ? [`… and ${errors.length - shown.length} more`] : [];
    super(
      [`invalid course config (${plural(errors.length, 'error')}):`, ...shown, ...more].join('\n'),
      options,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** `file:line:column  path  message` — the one-line form used by the CLI and in error messages. */
export function formatProblem(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  const prefix = problem.level === 'warning' ? 'warning: ' : '';
  return [where, problem.path, prefix + problem.message].filter((part) => part !== '').join('  ');
}

/** Sorts by file, then line, then column; stable otherwise, so messages keep their discovery order. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

/** `1 error`, `3 warnings`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
