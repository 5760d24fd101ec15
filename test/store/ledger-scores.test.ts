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
});
