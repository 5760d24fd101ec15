import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreAssignment } from '../../src/grading/score-assignment.js';
import type { Ledger } from '../../src/store/ledger-types.js';
import { milestone4, results } from '../render/fixtures.js';
import { backends, newAttempt } from './ledger-backends.js';

describe.each(backends().map((make) => [make().name, make] as const))('ledger scores (%s)', (_name, make) => {
  const backend = make();
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await backend.open();
  });
  afterAll(async () => {
    await ledger?.close();
  });

  it('stores results and scores as JSON and lists completed attempts with their scores', async () => {
    const base = newAttempt();
    const graded = results();
    const score = scoreAssignment(milestone4, graded.checks);
    const first = (await ledger.createAttempt({ ...base, sha: '1'.repeat(40) })).attempt;
    const second = (await ledger.createAttempt({ ...base, sha: '2'.repeat(40) })).attempt;
    const broken = (await ledger.createAttempt({ ...base, sha: '3'.repeat(40) })).attempt;
    for (const attempt of [first, second, broken]) await ledger.saveResults(attempt.id, graded, score);
    await ledger.saveResults(first.id, graded, { ...score, points: 1 }); // a re-save replaces
    await ledger.updateAttempt(first.id, { state: 'completed' });
    await ledger.updateAttempt(second.id, { state: 'completed' });
    await ledger.updateAttempt(broken.id, { state: 'invalid_results' });

    expect(await ledger.getResults(second.id)).toEqual({ results: graded, score });
    expect(await ledger.getResults('no-such-id')).toBeUndefined();
    const listed = await ledger.listScores(base.repository, 'm4');
    expect(listed.map((s) => [s.attempt.id, s.score.points])).toEqual([
      [first.id, 1],
      [second.id, score.points],
    ]);
  });

  it('keeps the latest manual score per criterion', async () => {
    const { repository } = newAttempt();
    const at = new Date('2026-11-21T12:00:00Z');
    await ledger.saveManualScore({
      repository,
      assignmentId: 'm4',
      criterionId: 'report',
      points: 3,
      by: 'ta',
      at,
    });
    await ledger.saveManualScore({
      repository,
      assignmentId: 'm4',
      criterionId: 'report',
      points: 4.5,
      note: 'clear error analysis',
      by: 'prof',
    });
    await ledger.saveManualScore({
      repository,
      assignmentId: 'm4',
      criterionId: 'slides',
      points: 2,
      by: 'ta',
    });
    await ledger.saveManualScore({
      repository,
      assignmentId: 'm5',
      criterionId: 'report',
      points: 1,
      by: 'ta',
    });
    expect(await ledger.listManualScores(repository, 'm4')).toEqual({
      report: { points: 4.5, note: 'clear error analysis', by: 'prof' },
      slides: { points: 2, by: 'ta' },
    });
    expect(await ledger.listManualScores(repository, 'none')).toEqual({});
  });

  it('keeps every manual score change as an audit row, clears, and records a keyed change once', async () => {
    const { repository } = newAttempt();
    const base = { repository, assignmentId: 'm4', criterionId: 'report', by: 'prof' };
    expect(
      await ledger.saveManualScore({
        ...base,
        points: 3,
        source: 'comment',
        sourceUrl: 'https://github.com/o/r/pull/1#issuecomment-9',
        sourceKey: 'comment:9:1',
        attemptId: 'att-1',
        at: new Date('2026-11-21T10:00:00Z'),
      }),
    ).toBe(true);
    // The same command again (a redelivery): nothing recorded.
    expect(await ledger.saveManualScore({ ...base, points: 3, sourceKey: 'comment:9:1' })).toBe(false);
    expect(
      await ledger.saveManualScore({
        ...base,
        points: 4,
        note: 'better',
        at: new Date('2026-11-21T11:00:00Z'),
      }),
    ).toBe(true);
    expect(await ledger.listManualScores(repository, 'm4')).toEqual({
      report: { points: 4, note: 'better', by: 'prof' },
    });
    expect(await ledger.saveManualScore({ ...base, points: null, by: 'ta' })).toBe(true);
    expect(await ledger.listManualScores(repository, 'm4')).toEqual({});

    const history = await ledger.listScoreEvents({
      repository: repository.toUpperCase(),
      assignmentId: 'm4',
    });
    expect(history.map((event) => [event.points, event.by, event.source, event.note ?? null])).toEqual([
      [3, 'prof', 'comment', null],
      [4, 'prof', 'cli', 'better'],
      [null, 'ta', 'cli', null],
    ]);
    expect(history[0]).toMatchObject({
      attemptId: 'att-1',
      sourceUrl: 'https://github.com/o/r/pull/1#issuecomment-9',
      at: new Date('2026-11-21T10:00:00Z'),
    });
    expect(await ledger.listScoreEvents({ repository, assignmentId: 'other' })).toEqual([]);
  });

  it("finds the latest completed attempt with results, the pull request's first", async () => {
    const base = newAttempt();
    const graded = results();
    const score = scoreAssignment(milestone4, graded.checks);
    const onPull = (await ledger.createAttempt({ ...base, sha: '4'.repeat(40), pullRequest: 7 })).attempt;
    const newer = (await ledger.createAttempt({ ...base, sha: '5'.repeat(40) })).attempt;
    const open = (await ledger.createAttempt({ ...base, sha: '6'.repeat(40) })).attempt;
    for (const attempt of [onPull, newer, open]) await ledger.saveResults(attempt.id, graded, score);
    await ledger.updateAttempt(onPull.id, { state: 'completed' });
    await ledger.updateAttempt(newer.id, { state: 'completed' });

    expect((await ledger.latestResults(base.repository, 'm4', 7))?.attempt.id).toBe(onPull.id);
    expect((await ledger.latestResults(base.repository, 'm4'))?.attempt.id).toBe(newer.id);
    expect((await ledger.latestResults(base.repository, 'm4', 8))?.attempt.id).toBe(newer.id);
    expect(await ledger.latestResults(base.repository, 'other')).toBeUndefined();
    const all = await ledger.listAssignmentResults('m4');
    expect(all.map((row) => row.attempt.id)).toEqual(expect.arrayContaining([onPull.id, newer.id]));
    expect(all.map((row) => row.attempt.id)).not.toContain(open.id);
  });
});
