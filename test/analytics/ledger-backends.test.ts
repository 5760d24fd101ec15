/**
 * The report's reads (store/class-records.ts) and `mlgrade forget`'s deletes (store/forget-student.ts)
 * on every ledger backend: PGlite, and PostgreSQL when MLGRADE_TEST_DATABASE_URL is set (always on CI).
 */
import { describe, expect, it } from 'vitest';
import { readClassRecords } from '../../src/store/class-records.js';
import { countStudentRows, forgetStudent } from '../../src/store/forget-student.js';
import { migrate } from '../../src/store/migrations.js';
import { openSqlClient } from '../../src/store/open-ledger.js';
import { backends } from '../store/ledger-backends.js';
import { checksFor } from './seed-class.js';

const ASSIGNMENTS = [
  { id: 'b1', repository: 'b1-{login}' },
  { id: 'b2', repository: 'b2-{login}' },
];

describe.each(backends())('class records and forget on %s', (makeBackend) => {
  it('reads a course page by page with slim checks, and forgets one student in one transaction', async () => {
    const backend = makeBackend();
    // Course ids unique to this run: a PostgreSQL schema is fresh, but be safe with shared databases.
    const course = `backends-${Date.now()}`;
    const ledger = await backend.open();
    const ids: string[] = [];
    try {
      for (const [i, login] of ['ada', 'bo', 'ada'].entries()) {
        const assignmentId = ASSIGNMENTS[i === 2 ? 1 : 0]!.id;
        const repository = `org/${assignmentId}-${login}`;
        const sha = String(i).repeat(40);
        const { attempt } = await ledger.createAttempt({
          courseId: course,
          assignmentId,
          repository,
          repositoryId: 1,
          studentId: null,
          studentLogin: login,
          sha,
          trigger: 'push',
        });
        ids.push(attempt.id);
        const results = {
          schemaVersion: 1 as const,
          course,
          assignment: assignmentId,
          submission: { repository, sha },
          startedAt: '2026-10-01T00:00:00Z',
          finishedAt: '2026-10-01T00:00:00Z',
          durationMs: 1,
          environment: { mlgradeVersion: 't', node: 't', platform: 't', versions: {} },
          checks: checksFor({ files: i !== 1, accuracy: 0.8 }).map((check) => ({
            ...check,
            logs: 'x'.repeat(1000),
          })),
        };
        await ledger.saveResults(attempt.id, results, {} as never);
        await ledger.updateAttempt(attempt.id, { state: 'completed' });
      }
      await ledger.saveManualScore({
        repository: 'org/b1-ada',
        assignmentId: 'b1',
        criterionId: 'r',
        points: 3,
        by: 'p',
      });
      await ledger.saveManualScore({
        repository: 'org/b1-bo',
        assignmentId: 'b1',
        criterionId: 'r',
        points: 4,
        by: 'p',
      });
      // The comment mlgrade keeps on ada's pull request, and bo's.
      await ledger.comments.set(
        { repository: 'org/B1-ada', pullRequest: 1, assignmentId: 'b1' },
        { id: 11, hash: 'h' },
      );
      await ledger.comments.set(
        { repository: 'org/b1-bo', pullRequest: 1, assignmentId: 'b1' },
        { id: 12, hash: 'h' },
      );
    } finally {
      await ledger.close();
    }

    const client = await openSqlClient(await backend.options());
    try {
      await migrate(client);
      const progress: [number, number][] = [];
      const records = await readClassRecords(client, course, ['b1', 'b2'], (read, total) =>
        progress.push([read, total]),
      );
      expect(records.attempts.map((a) => a.id)).toEqual(ids);
      expect(progress).toEqual([[3, 3]]);
      const bo = records.attempts[1]!;
      expect(bo.checks).toEqual([
        { id: 'files', kind: 'files', status: 'fail', summary: 'README.md is missing.', metrics: {} },
        {
          id: 'test',
          kind: 'predictions',
          status: 'pass',
          summary: 'accuracy 0.8',
          metrics: { accuracy: 0.8 },
        },
      ]);
      expect(records.manualScores.get('org/b1-bo')?.get('b1')).toEqual({ r: { points: 4, by: 'p' } });

      const target = { courseId: course, login: 'ADA', assignments: ASSIGNMENTS };
      const counted = await countStudentRows(client, target);
      expect(counted.repositories).toEqual(['org/b1-ada', 'org/b2-ada']);
      expect(counted.counts).toMatchObject({
        attempts: 2,
        results: 2,
        manualScores: 1,
        scoreEvents: 1,
        prComments: 1,
      });
      const deleted = await forgetStudent(client, target);
      expect(deleted.counts).toEqual(counted.counts);
      const after = await readClassRecords(client, course, ['b1', 'b2']);
      expect(after.attempts.map((a) => a.studentLogin)).toEqual(['bo']);
      expect([...after.manualScores.keys()]).toEqual(['org/b1-bo']);
    } finally {
      await client.close();
    }
  }, 60_000);
});
