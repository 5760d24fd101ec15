/**
 * A small class whose figures are worked out by hand in the tests. m1 is due 2026-10-01T23:59Z, m2
 * 2026-10-15T23:59Z; the tests report as of 2026-10-12T00:00Z (m2 due in 3 days).
 *
 * m1 counting scores (deliverables 10 if files pass, accuracy A 60 / B 45 / C 20, report manual 30):
 *   ada  0.95, files ok, report 30               → 10 + 60 + 30 = 100  (100 %)  complete
 *   bo   two attempts: 0.70 then 0.85; best 0.85 → 10 + 45 + pending = 55 (55 %)
 *   cy   0.92, report 20, 2026-10-03T12:00Z: 1 day 12 h late → 2 started days × 10 % of 100
 *        → 10 + 60 + 20 − 20 = 70 (70 %)  complete, late
 *   di   three attempts, files missing, accuracy 0.5 → 0 + 20 + report 5 = 25 (25 %)  complete;
 *        files and test failed 3 times in a row
 *   ed   0.81, report 25                         → 10 + 45 + 25 = 80 (80 %)  complete
 *   fay  0.88                                    → 10 + 45 + pending = 55 (55 %)
 *   gus  one attempt that ended in an infrastructure error: submitted, not graded
 * m2: ada and bo only.
 */
import type { SeedAttempt, SeedManual } from './seed-class.js';

export const NOW = '2026-10-12T00:00:00Z';
export const LOGINS = ['ada', 'bo', 'cy', 'di', 'ed', 'fay', 'gus'];

const m1 = (login: string, at: string, accuracy: number, files = true): SeedAttempt => ({
  login,
  assignment: 'm1',
  at,
  files,
  accuracy,
});

export const SMALL_ATTEMPTS: SeedAttempt[] = [
  m1('ada', '2026-09-30T10:00:00Z', 0.95),
  m1('bo', '2026-09-28T10:00:00Z', 0.7),
  m1('bo', '2026-09-29T10:00:00Z', 0.85),
  m1('cy', '2026-10-03T12:00:00Z', 0.92),
  m1('di', '2026-09-25T10:00:00Z', 0.5, false),
  m1('di', '2026-09-26T10:00:00Z', 0.5, false),
  m1('di', '2026-09-27T10:00:00Z', 0.5, false),
  m1('ed', '2026-09-30T11:00:00Z', 0.81),
  m1('fay', '2026-09-30T12:00:00Z', 0.88),
  { ...m1('gus', '2026-09-30T13:00:00Z', 0), state: 'infra_error' },
  { login: 'ada', assignment: 'm2', at: '2026-10-10T10:00:00Z', files: true, accuracy: 0.9 },
  { login: 'bo', assignment: 'm2', at: '2026-10-11T10:00:00Z', files: true, accuracy: 0.6 },
];

export const SMALL_MANUAL: SeedManual[] = [
  { login: 'ada', assignment: 'm1', points: 30 },
  { login: 'cy', assignment: 'm1', points: 20 },
  { login: 'di', assignment: 'm1', points: 5 },
  { login: 'ed', assignment: 'm1', points: 25 },
];
