import { describe, expect, it } from 'vitest';
import { assertTimeZone, parseDue, zoneOffset } from '../../src/grading/due-date.js';

const iso = (due: string, zone: string) => parseDue(due, zone).toISOString();

describe('parseDue', () => {
  it('reads a local date-time in the given zone', () => {
    expect(iso('2026-12-04T23:59', 'America/New_York')).toBe('2026-12-05T04:59:00.000Z');
    expect(iso('2026-12-04 23:59:30', 'Europe/Berlin')).toBe('2026-12-04T22:59:30.000Z');
    expect(iso('2026-07-01T12:00', 'Asia/Kolkata')).toBe('2026-07-01T06:30:00.000Z');
    expect(iso('2026-12-04T23:59', 'UTC')).toBe('2026-12-04T23:59:00.000Z');
  });

  it('takes a bare date as the end of that day, so the whole day counts', () => {
    expect(iso('2026-12-04', 'America/New_York')).toBe('2026-12-05T04:59:59.999Z');
    expect(iso('2026-06-30', 'UTC')).toBe('2026-06-30T23:59:59.999Z');
  });

  it('ignores the zone when the value carries Z or an offset', () => {
    expect(iso('2026-12-04T23:59Z', 'America/New_York')).toBe('2026-12-04T23:59:00.000Z');
    expect(iso('2026-12-04T23:59:00+05:30', 'America/New_York')).toBe('2026-12-04T18:29:00.000Z');
    expect(iso('2026-12-04T23:59-08:00', 'Europe/Berlin')).toBe('2026-12-05T07:59:00.000Z');
  });

  it('uses daylight time in summer and standard time in winter (New York)', () => {
    expect(iso('2026-10-31T23:59', 'America/New_York')).toBe('2026-11-01T03:59:00.000Z'); // EDT, UTC−4
    expect(iso('2026-11-01T23:59', 'America/New_York')).toBe('2026-11-02T04:59:00.000Z'); // EST, UTC−5
  });

  it('takes the earlier instant for a time that occurs twice (November fall-back)', () => {
    // 01:30 on 2026-11-01 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(iso('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    expect(iso('2026-10-25T02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('moves a time skipped by spring-forward ahead by the gap', () => {
    // 02:30 on 2026-03-08 does not exist in New York; it becomes 03:30 EDT = 07:30Z.
    expect(iso('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(iso('2026-03-29T02:15', 'Europe/Berlin')).toBe('2026-03-29T01:15:00.000Z');
  });

  it('handles zones far from UTC and half-hour DST (Lord Howe)', () => {
    expect(iso('2026-12-04T09:00', 'Pacific/Kiritimati')).toBe('2026-12-03T19:00:00.000Z');
    expect(iso('2026-01-15T12:00', 'Australia/Lord_Howe')).toBe('2026-01-15T01:00:00.000Z');
  });

  it('rejects an unknown time zone with a clear message', () => {
    expect(() => parseDue('2026-12-04T23:59', 'Mars/Olympus_Mons')).toThrow(
      /Unknown time zone "Mars\/Olympus_Mons"/,
    );
    expect(() => assertTimeZone('EST5EDT-nope')).toThrow(/IANA name/);
    expect(() => assertTimeZone('America/New_York')).not.toThrow();
  });

  it('rejects malformed and impossible dates, naming the value', () => {
    expect(() => parseDue('12/04/2026', 'UTC')).toThrow(
      /Invalid due date "12\/04\/2026": expected YYYY-MM-DD/,
    );
    expect(() => parseDue('2026-02-29', 'UTC')).toThrow(/day must be 01–28/);
    expect(() => parseDue('2028-02-29', 'UTC')).not.toThrow();
    expect(() => parseDue('2026-13-01', 'UTC')).toThrow(/month must be 01–12/);
    expect(() => parseDue('2026-12-04T24:00', 'UTC')).toThrow(/hour must be 00–23/);
  });
});

describe('zoneOffset', () => {
  it('reports the offset in force at an instant', () => {
    expect(zoneOffset(Date.parse('2026-07-01T00:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(zoneOffset(Date.parse('2026-12-01T00:00:00.500Z'), 'America/New_York')).toBe(-5 * 3_600_000);
  });
});
