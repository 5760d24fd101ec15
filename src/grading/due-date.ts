/**
 * Due dates: a local date-time in an IANA time zone (or with an explicit offset) turned into an
 * instant. Uses only Intl.DateTimeFormat, so no time-zone library is needed.
 *
 * Rules (also in docs/rubric.md):
 * - `2026-12-04` alone means the end of that day, 23:59:59.999 local: the whole day counts, which is
 *   what students read into a bare date.
 * - `2026-12-04T23:59` and `2026-12-04 23:59:30` are local to `timeZone`.
 * - A trailing `Z` or `±HH:MM` fixes the instant; `timeZone` is then ignored.
 * - DST gaps and overlaps resolve like Temporal's and java.time's default ("compatible"): a time that
 *   occurs twice takes the earlier instant; a time skipped by a spring-forward moves forward by the
 *   gap (02:30 on the switch day in New York becomes 03:30 EDT).
 */

const DUE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:\d{2})?$/;
const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local calendar fields, as written in a config. */
export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * Parses a `due:` value into an instant. Throws an Error naming the value and the expected format when
 * it does not parse or names an impossible date, and when `timeZone` is not a known IANA zone.
 */
export function parseDue(due: string, timeZone: string): Date {
  const match = DUE_RE.exec(due.trim());
  if (!match) {
    throw new Error(
      `Invalid due date "${due}": expected YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, optionally followed by Z or ±HH:MM.`,
    );
  }
  const [, y, mo, d, h, mi, s, offset] = match;
  const dateOnly = h === undefined;
  const fields: LocalFields = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: dateOnly ? 23 : Number(h),
    minute: dateOnly ? 59 : Number(mi),
    second: dateOnly ? 59 : Number(s ?? 0),
    millisecond: dateOnly ? 999 : 0,
  };
  assertValidFields(due, fields, offset);
  if (offset !== undefined) return new Date(localAsUtc(fields) - offsetMs(offset));
  return zonedTimeToUtc(fields, timeZone);
}

/** Throws a clear error unless `timeZone` is an IANA zone name this Node.js knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/**
 * The instant at which the wall clock in `timeZone` shows `fields`, with DST gaps and overlaps
 * resolved as described at the top of this file.
 */
export function zonedTimeToUtc(fields: LocalFields, timeZone: string): Date {
  const local = localAsUtc(fields);
  // Offsets 12 h either side bracket any single DST transition near this local time.
  const before = zoneOffset(local - 12 * HOUR_MS, timeZone);
  const after = zoneOffset(local + 12 * HOUR_MS, timeZone);
  const candidates = [local - before, local - after].filter((t) => zoneOffset(t, timeZone) === local - t);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // A gap: keep the offset in force before the jump, which lands after it by the gap's length.
  return new Date(local - before);
}

/** Offset of `timeZone` from UTC at `utcMs`, in ms (positive east of Greenwich). */
export function zoneOffset(utcMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = localAsUtc({
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    millisecond: 0,
  });
  // The formatter drops milliseconds, so compare against the instant truncated to the second.
  return wall - Math.floor(utcMs / 1000) * 1000;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    throw new Error(
      `Unknown time zone "${timeZone}": use an IANA name such as "America/New_York", "Europe/Berlin" or "UTC".`,
      { cause: error },
    );
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** The local fields read as if they were UTC; years below 100 are not shifted to the 1900s. */
function localAsUtc(f: LocalFields): number {
  const date = new Date(Date.UTC(2000, 0, 1, f.hour, f.minute, f.second, f.millisecond));
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  return date.getTime();
}

function offsetMs(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
}

function assertValidFields(due: string, f: LocalFields, offset: string | undefined): void {
  const daysInMonth = new Date(Date.UTC(2000, f.month, 0)).getUTCDate();
  const monthDays = f.month === 2 ? (isLeap(f.year) ? 29 : 28) : daysInMonth;
  const problems = [
    f.month < 1 || f.month > 12 ? 'month must be 01–12' : '',
    f.day < 1 || f.day > monthDays ? `day must be 01–${String(monthDays).padStart(2, '0')}` : '',
    f.hour > 23 ? 'hour must be 00–23' : '',
    f.minute > 59 ? 'minute must be 00–59' : '',
    f.second > 59 ? 'second must be 00–59' : '',
    offset && offset !== 'Z' && Math.abs(offsetMs(offset)) > 18 * HOUR_MS
      ? 'offset must be within ±18:00'
      : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`Invalid due date "${due}": ${problems.join('; ')}.`);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
