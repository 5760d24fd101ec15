/**
 * Rules JSON Schema cannot say well, checked after the schema with the same file:line reporting:
 * unique ids, real time zones and calendar dates, branch patterns that can match, and (in
 * validate-rubric.ts) how criteria refer to checks and metrics. Written defensively over `unknown`,
 * so it can run even when the schema found errors and an author sees every problem in one pass.
 */
import picomatch from 'picomatch';
import type { ConfigProblem } from './config-problem.js';
import { checkUniqueIds, ProblemSink, records } from './problem-sink.js';
import { validateRubric } from './validate-rubric.js';
import type { YamlNode } from './yaml-positions.js';

/** Runs every semantic rule on the plain config; `root` supplies positions, `metrics` each kind's metric names. */
export function semanticProblems(
  config: unknown,
  root: YamlNode,
  metrics: ReadonlyMap<string, readonly string[]>,
): ConfigProblem[] {
  const sink = new ProblemSink(root);
  const top = (config ?? {}) as Record<string, unknown>;
  const course = (top.course ?? {}) as Record<string, unknown>;
  checkTimeZone(sink, ['course', 'timezone'], course.timezone);
  checkBranches(sink, ['course', 'branches'], course.branches);
  checkUniqueIds(sink, ['assignments'], top.assignments, 'assignment');
  for (const [index, assignment] of records(top.assignments)) {
    const base = ['assignments', index];
    checkTimeZone(sink, [...base, 'timezone'], assignment.timezone);
    checkDue(sink, [...base, 'due'], assignment.due);
    checkBranches(sink, [...base, 'branches'], assignment.branches);
    checkUniqueIds(sink, [...base, 'checks'], assignment.checks, 'check');
    validateRubric(sink, base, assignment, metrics);
  }
  return sink.problems;
}

let zones: Set<string> | undefined;

/** Whether `name` is a time zone this Node knows: IANA names and their aliases (`Etc/UTC`). */
export function isTimeZone(name: string): boolean {
  // The list is cheap (~1 ms); a formatter costs ~12 ms the first time, so it only settles aliases.
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (zones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function checkTimeZone(sink: ProblemSink, segments: (string | number)[], value: unknown): void {
  if (typeof value !== 'string' || isTimeZone(value)) return;
  sink.add(
    segments,
    `unknown time zone "${value}" (use an IANA name such as "Europe/Vienna", "America/New_York" or "UTC")`,
  );
}

/** Days in each month of a (possibly leap) year. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkDue(sink: ProblemSink, segments: (string | number)[], value: unknown): void {
  if (typeof value !== 'string') return;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-](\d{2}):(\d{2}))?$/.exec(
    value,
  );
  // The schema's pattern reports other shapes; here only impossible calendar values are left.
  if (!match) return;
  const [year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match
    .slice(1)
    .map((part) => (part === undefined ? 0 : Number(part)));
  const valid =
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth(year!, month!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHours! <= 14 &&
    offsetMinutes! <= 59;
  if (!valid) sink.add(segments, `"${value}" is not a real date and time`);
}

/**
 * How `branches` patterns are read, here and where pushes are matched (match-submission.ts): an
 * unbalanced bracket is an error rather than a literal, and `!` is handled by the list, not picomatch.
 */
export const BRANCH_GLOB: picomatch.PicomatchOptions = { strictBrackets: true, nonegate: true };

/** Why one `branches` pattern can never be used, or undefined when it can. */
export function branchPatternProblem(pattern: string): string | undefined {
  // An empty pattern is the schema's to report (minLength).
  if (pattern === '') return undefined;
  const glob = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (glob === '') return '"!" alone names no branch: write the branch to exclude after it, e.g. "!wip/**"';
  if (glob.startsWith('refs/heads/'))
    return `"${pattern}": write the branch name without "refs/heads/" ("${pattern.replace('refs/heads/', '')}")`;
  if (glob.startsWith('refs/'))
    return `"${pattern}": only branches count (tags never); name them without "refs/heads/"`;
  try {
    picomatch.makeRe(glob, BRANCH_GLOB);
    return undefined;
  } catch (error) {
    return `"${pattern}" is not a valid branch pattern: ${(error as Error).message}`;
  }
}

/** An empty list, a pattern that cannot match, or a list of exclusions only: each would grade nothing. */
function checkBranches(sink: ProblemSink, segments: (string | number)[], value: unknown): void {
  if (!Array.isArray(value)) return;
  if (value.length === 0) {
    sink.add(
      segments,
      'an empty list counts no branch, so no push would be graded: name the branches that count (e.g. [main]), or remove `branches` to count the default branch',
    );
    return;
  }
  const patterns = value.filter((pattern): pattern is string => typeof pattern === 'string');
  value.forEach((pattern, index) => {
    if (typeof pattern !== 'string') return;
    const problem = branchPatternProblem(pattern);
    if (problem) sink.add([...segments, index], problem);
  });
  if (patterns.length > 0 && patterns.every((pattern) => pattern.startsWith('!')))
    sink.add(
      segments,
      'every pattern starts with "!" (excludes), so no branch counts: list the branches that count first, e.g. [main, "!wip/**"]',
    );
}
