/**
 * The class report's computation on a real PGlite ledger seeded with the small class of
 * small-class.ts; every expected figure is worked out by hand there and below.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeClassReport } from '../../src/analytics/class-report.js';
import type { ClassReport } from '../../src/analytics/report-model.js';
import type { CourseConfig } from '../../src/config/schema.js';
import { type ClassRecords, readClassRecords } from '../../src/store/class-records.js';
import { migrate } from '../../src/store/migrations.js';
import { openSqlClient } from '../../src/store/open-ledger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { checksFor, seedLedger, writeCourse } from './seed-class.js';
import { NOW, SMALL_ATTEMPTS, SMALL_MANUAL } from './small-class.js';

const F5 = { suppressed: 'fewer than 5' };
let course: CourseConfig;
let records: ClassRecords;
let report: ClassReport;

beforeAll(async () => {
  const dir = await tempDir();
  ({ course } = await writeCourse(dir));
  const ledgerDir = path.join(dir, 'ledger');
  await seedLedger(ledgerDir, course, SMALL_ATTEMPTS, SMALL_MANUAL);
  const client = await openSqlClient({ dataDir: ledgerDir, databaseUrl: '' });
  try {
    await migrate(client);
    records = await readClassRecords(
      client,
      'intro-ml',
      course.assignments.map((a) => a.id),
    );
  } finally {
    await client.close();
  }
  report = computeClassReport(course, records, { now: new Date(NOW) });
}, 60_000);

describe('computeClassReport on a hand-worked class', () => {
  it('reads every attempt with its checks, and the manual scores, from the ledger', () => {
    expect(records.attempts).toHaveLength(SMALL_ATTEMPTS.length);
    const gus = records.attempts.find((a) => a.studentLogin === 'gus')!;
    expect(gus.state).toBe('infra_error');
    expect(gus.checks).toBeNull();
    const cy = records.attempts.find((a) => a.studentLogin === 'cy')!;
    expect(cy.createdAt.toISOString()).toBe('2026-10-03T12:00:00.000Z');
    expect(cy.checks!.map((c) => [c.id, c.status, c.metrics])).toEqual([
      ['files', 'pass', {}],
      ['test', 'pass', { accuracy: 0.92 }],
    ]);
    expect(records.manualScores.get('intro-org/m1-ada')?.get('m1')).toEqual({
      report: { points: 30, by: 'prof' },
    });
  });

  it('counts completion per assignment, withholding groups of 1 to 4', () => {
    expect(report.students).toBe(7);
    const m1 = report.assignments[0]!;
    expect(m1.id).toBe('m1');
    expect(m1.due).toBe('2026-10-01T23:59:00.000Z');
    expect(m1.maxPoints).toBe(100);
    expect(m1.submitted).toBe(7); // gus too: his attempt broke, but he submitted
    expect(m1.graded).toBe(6);
    expect(m1.passing).toBe(5); // all but di
    expect(m1.complete).toEqual(F5); // ada, cy, di, ed: 4
    const m2 = report.assignments[1]!;
    expect(m2.submitted).toEqual(F5);
    expect(m2.scores.mean).toEqual(F5);
  });

  it('computes attempts per student over the students with a graded attempt', () => {
    // [1 ada, 2 bo, 1 cy, 3 di, 1 ed, 1 fay]: mean 9/6 = 1.5, median of [1,1,1,1,2,3] = (1+1)/2 = 1.
    expect(report.assignments[0]!.attempts).toEqual({ students: 6, mean: 1.5, median: 1, max: 3 });
  });

  it('computes the score distribution of the counting scores', () => {
    // Percents [25, 55, 55, 70, 80, 100]: mean 385/6 = 64.17; median (55+70)/2 = 62.5;
    // Q1 at position 5·0.25 = 1.25 → 55 + 0.25·(55−55) = 55; Q3 at 3.75 → 70 + 0.75·(80−70) = 77.5.
    const { scores } = report.assignments[0]!;
    expect(scores).toMatchObject({ count: 6, mean: 64.17, median: 62.5, q1: 55, q3: 77.5 });
    // Bins hold 1 (20–30), 2 (50–60), 1, 1, 1: each fewer than 5, so withheld; empty bins show 0.
    expect(scores.histogram.map((bin) => bin.students)).toEqual([0, 0, F5, 0, 0, F5, 0, F5, F5, F5]);
  });

  it('says what each criterion costs the class', () => {
    const [deliverables, accuracy, reportCriterion] = report.assignments[0]!.criteria;
    // deliverables: 10,10,10,0,10,10 → mean 50/6 = 8.33; lost 10 in all, mean 1.67.
    expect(deliverables).toEqual({
      id: 'deliverables',
      title: 'Deliverables',
      maxPoints: 10,
      scored: 6,
      meanPoints: 8.33,
      meanLost: 1.67,
      totalLost: 10,
      pendingManual: 0,
    });
    // accuracy: 60,45,60,20,45,45 → mean 275/6 = 45.83; lost 0+15+0+40+15+15 = 85, mean 14.17.
    expect(accuracy).toMatchObject({ scored: 6, meanPoints: 45.83, meanLost: 14.17, totalLost: 85 });
    // report: scored for 4 (withheld), pending for bo and fay (withheld).
    expect(reportCriterion).toMatchObject({ scored: F5, meanPoints: F5, totalLost: F5, pendingManual: F5 });
    expect(report.assignments[0]!.costliestCriterion).toBe('accuracy');
    expect(report.assignments[0]!.pendingManual).toEqual({ criteria: F5, students: F5 });
  });

  it('withholds the lateness figures of a single late student and names every withheld figure', () => {
    const m1 = report.assignments[0]!;
    expect(m1.late).toEqual({
      late: F5,
      rejected: 0,
      meanDaysLate: F5,
      totalPenaltyPoints: F5,
      meanPenaltyPoints: F5,
    });
    expect(m1.suppressed).toEqual(
      expect.arrayContaining([
        'complete',
        'late.late',
        'scores.histogram[20-30%].students',
        'criteria[report].scored',
      ]),
    );
  });

  it('lists students below the threshold, failing a check 3 times, and without an attempt near a due date', () => {
    expect(report.earlyWarning).toEqual([
      {
        student: 'cy',
        assignment: 'm2',
        kind: 'no-attempt',
        reason: 'no attempt at m2, due in 3 days (2026-10-15T23:59:00.000Z)',
      },
      {
        student: 'di',
        assignment: 'm1',
        kind: 'below-threshold',
        reason: '25% on m1, below the 50% threshold',
      },
      {
        student: 'di',
        assignment: 'm1',
        kind: 'failing-streak',
        reason: 'check files failed in each of the last 3 graded attempts at m1',
      },
      {
        student: 'di',
        assignment: 'm1',
        kind: 'failing-streak',
        reason: 'check test failed in each of the last 3 graded attempts at m1',
      },
      {
        student: 'di',
        assignment: 'm2',
        kind: 'no-attempt',
        reason: 'no attempt at m2, due in 3 days (2026-10-15T23:59:00.000Z)',
      },
      {
        student: 'ed',
        assignment: 'm2',
        kind: 'no-attempt',
        reason: 'no attempt at m2, due in 3 days (2026-10-15T23:59:00.000Z)',
      },
      {
        student: 'fay',
        assignment: 'm2',
        kind: 'no-attempt',
        reason: 'no attempt at m2, due in 3 days (2026-10-15T23:59:00.000Z)',
      },
      {
        student: 'gus',
        assignment: 'm2',
        kind: 'no-attempt',
        reason: 'no attempt at m2, due in 3 days (2026-10-15T23:59:00.000Z)',
      },
    ]);
  });

  it('moves with the options: a higher threshold, fewer inactive days, one assignment', () => {
    const strict = computeClassReport(course, records, {
      now: new Date(NOW),
      threshold: 60,
      inactiveDays: 2,
      assignmentIds: ['m1'],
    });
    expect(strict.assignments.map((a) => a.id)).toEqual(['m1']);
    // bo and fay: 55 % with 30 pending points could reach 85 %: not listed. di 25 %: listed. m2 is 3 days away.
    expect(strict.earlyWarning.filter((w) => w.kind === 'below-threshold').map((w) => w.student)).toEqual([
      'di',
    ]);
    expect(strict.earlyWarning.some((w) => w.kind === 'no-attempt')).toBe(false);
    const stricter = computeClassReport(course, records, { now: new Date(NOW), threshold: 90 });
    // ada 100 no; bo (55+30) 85 yes; cy 70 yes; di yes; ed 80 yes; fay 85 yes; m2: ada (70+30)=100 no, bo (30+30)=60 yes.
    expect(
      stricter.earlyWarning
        .filter((w) => w.kind === 'below-threshold')
        .map((w) => `${w.student}/${w.assignment}`),
    ).toEqual(['bo/m1', 'bo/m2', 'cy/m1', 'di/m1', 'ed/m1', 'fay/m1']);
  });

  it('withholds a second bin when one withheld bin could be worked out from the total', () => {
    // Six students: five at 100 %, one at 30 %. The 30–40 % bin (1) is withheld; with the count (6)
    // shown it would be 6 − 5, so the 90–100 % bin is withheld too.
    const attempts = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((login, i) => ({
      id: login,
      assignmentId: 'm1',
      repository: `intro-org/m1-${login}`,
      studentLogin: login,
      sha: String(i).repeat(40),
      trigger: 'push',
      state: 'completed',
      createdAt: new Date('2026-09-30T00:00:00Z'),
      seq: i + 1,
      checks: checksFor({ files: i < 5, accuracy: i < 5 ? 0.95 : 0.5 }),
    }));
    const manualScores = new Map(
      attempts.map((a, i) => [
        a.repository,
        new Map([['m1', { report: { points: i < 5 ? 30 : 10, by: 'p' } }]]),
      ]),
    );
    const small = computeClassReport(course, { attempts, manualScores }, { now: new Date(NOW) });
    const m1 = small.assignments[0]!;
    expect(m1.scores.count).toBe(6);
    expect(m1.scores.histogram.map((bin) => bin.students)).toEqual([0, 0, 0, F5, 0, 0, 0, 0, 0, F5]);
  });

  it('labels students by the label function everywhere in the list', () => {
    const anonymous = computeClassReport(course, records, {
      now: new Date(NOW),
      label: (login) => `anon-${login.length}`,
      anonymous: true,
    });
    expect(anonymous.anonymous).toBe(true);
    expect(new Set(anonymous.earlyWarning.map((w) => w.student))).toEqual(new Set(['anon-2', 'anon-3']));
  });
});
