/**
 * Rules JSON Schema cannot say well, checked after the schema with the same file:line reporting:
 * unique ids, real time zones and calendar dates, and (in validate-rubric.ts) how criteria refer
 * to checks and metrics. Written defensively over `unknown`, so it can run even when the schema
 * found errors and an author sees every problem in one pass.
 */
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
  checkUniqueIds(sink, ['assignments'], top.assignments, 'assignment');
  for (const [index, assignment] of records(top.assignments)) {
    const base = ['assignments', index];
    checkTimeZone(sink, [...base, 'timezone'], assignment.timezone);
    checkDue(sink, [...base, 'due'], assignment.due);
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
