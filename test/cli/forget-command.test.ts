/**
 * `mlgrade forget` on a real PGlite ledger: the hand-worked class plus the same student in another
 * course, manual scores (one in a repository without attempts, found by the repository pattern), and
 * an LMS sync. A dry run shows the counts and deletes nothing; --yes deletes exactly that student's
 * rows in that course and leaves every other row as it was.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLedger, openSqlClient } from '../../src/store/open-ledger.js';
import { seedLedger, writeCourse } from '../analytics/seed-class.js';
import { SMALL_ATTEMPTS, SMALL_MANUAL } from '../analytics/small-class.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

let ledgerDir = '';
let configFile = '';

beforeAll(async () => {
  const dir = await tempDir();
  ledgerDir = path.join(dir, 'ledger');
  const intro = await writeCourse(dir);
  configFile = intro.file;
  const other = await writeCourse(dir, 'other-ml');
  await seedLedger(ledgerDir, intro.course, SMALL_ATTEMPTS, [
    ...SMALL_MANUAL,
    // A manual score in di's m2 repository, where di has no attempt: found by the pattern m2-{login}.
    { login: 'di', assignment: 'm2', points: 10 },
  ]);
  await seedLedger(ledgerDir, other.course, [
    { login: 'di', assignment: 'm1', at: '2026-09-20T10:00:00Z', files: true, accuracy: 0.9 },
  ]);
  const ledger = await openLedger({ dataDir: ledgerDir, databaseUrl: '' });
  try {
    const { sync } = await ledger.syncs.startSync({
      lms: 'canvas',
      courseId: '4242',
      assignmentIds: ['m1'],
      requestedBy: 'prof',
      dryRun: false,
    });
    await ledger.syncs.recordGrades(sync.id, [
      { assignmentId: 'm1', student: 'di', state: 'sent', newGrade: '25' },
      { assignmentId: 'm1', student: 'ada', state: 'sent', newGrade: '100' },
    ]);
    // A check-run completion each for di and ada still waiting in the outbox (they carry results).
    const m1 = (await ledger.listAssignmentResults('m1')).filter(
      (row) => row.attempt.courseId === 'intro-ml',
    );
    for (const login of ['di', 'ada']) {
      const attempt = m1.find((row) => row.attempt.studentLogin === login)!.attempt;
      await ledger.outbox.put([
        {
          key: `check_run:${attempt.repository}:${login}`,
          kind: 'check_run',
          repository: attempt.repository,
          attemptId: attempt.id,
          payload: { summary: `${login}'s results` },
          priority: 10,
        },
      ]);
    }
  } finally {
    await ledger.close();
  }
}, 90_000);

/** Rows per table, and di's rows in intro-ml, read straight from the database. */
async function tableCounts() {
  const client = await openSqlClient({ dataDir: ledgerDir, databaseUrl: '' });
  try {
    const one = async (sql: string) => Number((await client.query<{ n: number }>(sql))[0]!.n);
    return {
      attempts: await one('SELECT count(*) AS n FROM attempts'),
      results: await one('SELECT count(*) AS n FROM attempt_results'),
      manualScores: await one('SELECT count(*) AS n FROM manual_scores'),
      scoreEvents: await one('SELECT count(*) AS n FROM manual_score_events'),
      lmsGrades: await one('SELECT count(*) AS n FROM lms_sync_grades'),
      outbox: await one('SELECT count(*) AS n FROM outbox'),
      diIntro: await one(
        "SELECT count(*) AS n FROM attempts WHERE student_login = 'di' AND course_id = 'intro-ml'",
      ),
      diOther: await one(
        "SELECT count(*) AS n FROM attempts WHERE student_login = 'di' AND course_id = 'other-ml'",
      ),
      diRepositories: await one(
        "SELECT count(*) AS n FROM manual_score_events WHERE repository LIKE 'intro-org/%-di'",
      ),
    };
  } finally {
    await client.close();
  }
}

describe('mlgrade forget', () => {
  it('shows what it would delete and deletes nothing without --yes', async () => {
    const before = await tableCounts();
    // 12 + 1 attempts, 11 + 1 with results (gus's broke), 5 manual scores with their 5 events, 2 LMS rows.
    expect(before).toMatchObject({
      attempts: 13,
      results: 12,
      manualScores: 5,
      scoreEvents: 5,
      lmsGrades: 2,
      outbox: 2,
    });
    const { code, stdout } = await runCli(['forget', 'DI', '--config', configFile, '--ledger', ledgerDir]);
    expect(code).toBe(0);
    expect(stdout).toContain('repositories intro-org/m1-di, intro-org/m2-di');
    expect(stdout).toMatch(/^attempts\s+3$/m);
    expect(stdout).toMatch(/^attempt results\s+3$/m);
    expect(stdout).toMatch(/^manual scores\s+2$/m);
    expect(stdout).toMatch(/^manual-score history rows\s+2$/m);
    expect(stdout).toMatch(/^LMS sync grades\s+1$/m);
    expect(stdout).toMatch(/^queued GitHub writes\s+1$/m);
    expect(stdout).toContain('Nothing was deleted: run again with --yes');
    expect(await tableCounts()).toEqual(before);
  });

  it('deletes exactly that student’s rows in the course with --yes, in one go', async () => {
    const before = await tableCounts();
    const { code, stdout } = await runCli([
      'forget',
      'di',
      '--config',
      configFile,
      '--ledger',
      ledgerDir,
      '--yes',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('Deleted 12 rows in one transaction');
    expect(await tableCounts()).toEqual({
      attempts: before.attempts - 3,
      results: before.results - 3,
      manualScores: before.manualScores - 2,
      scoreEvents: before.scoreEvents - 2,
      lmsGrades: before.lmsGrades - 1,
      outbox: before.outbox - 1,
      diIntro: 0,
      diOther: 1, // another course: not touched
      diRepositories: 0,
    });
    // The others are all still reported.
    const report = await runCli([
      'report',
      '--config',
      configFile,
      '--ledger',
      ledgerDir,
      '--now',
      '2026-10-12T00:00:00Z',
      '--format',
      'json',
    ]);
    const model = JSON.parse(report.stdout);
    expect(model.students).toBe(6);
    expect(model.earlyWarning.some((w: { student: string }) => w.student === 'di')).toBe(false);

    const again = await runCli(['forget', 'di', '--config', configFile, '--ledger', ledgerDir, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing about di in course intro-ml');
  });

  it('refuses a missing or malformed login and a missing config', async () => {
    expect((await runCli(['forget', '--config', configFile, '--ledger', ledgerDir])).code).toBe(2);
    expect((await runCli(['forget', "x' OR 1=1", '--config', configFile, '--ledger', ledgerDir])).code).toBe(
      2,
    );
    expect((await runCli(['forget', 'ada', '--ledger', ledgerDir])).code).toBe(2);
  });
});
