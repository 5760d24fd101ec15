import { describe, expect, it } from 'vitest';
import { attemptOutcomeWrites } from '../../src/github/outbox-writes.js';

const report = { conclusion: 'success' as const, title: '35 / 100 points', summary: 's' };
const attempt = {
  id: 'a1',
  repository: 'ml-course/m4-Alice',
  assignmentId: 'milestone-4',
  checkRunId: 77 as number | null,
  pullRequest: 3 as number | null,
};

describe('the writes that show an attempt’s outcome', () => {
  it('completes the check run, carrying the comment for its own pull request', () => {
    expect(attemptOutcomeWrites(attempt, report, 'body')).toEqual([
      {
        key: 'check_run:ml-course/m4-alice:77',
        kind: 'check_run',
        repository: 'ml-course/m4-Alice',
        attemptId: 'a1',
        payload: {
          checkRunId: 77,
          report,
          comment: { assignmentId: 'milestone-4', markdown: 'body', pullRequests: [3] },
        },
        priority: 10,
      },
    ]);
  });

  it('completes the check run alone when there is no comment to write', () => {
    expect(attemptOutcomeWrites({ ...attempt, pullRequest: null }, report)).toEqual([
      expect.objectContaining({ kind: 'check_run', payload: { checkRunId: 77, report } }),
    ]);
  });

  it('without a check run writes only the comment on its pull request, or nothing', () => {
    expect(attemptOutcomeWrites({ ...attempt, checkRunId: null }, report, 'body')).toEqual([
      {
        key: 'comment:ml-course/m4-alice#3:milestone-4',
        kind: 'comment',
        repository: 'ml-course/m4-Alice',
        attemptId: 'a1',
        payload: { pullRequest: 3, assignmentId: 'milestone-4', markdown: 'body' },
        priority: 20,
      },
    ]);
    expect(attemptOutcomeWrites({ ...attempt, checkRunId: null }, report)).toEqual([]);
    expect(attemptOutcomeWrites({ ...attempt, checkRunId: null, pullRequest: null }, report, 'b')).toEqual(
      [],
    );
  });
});
