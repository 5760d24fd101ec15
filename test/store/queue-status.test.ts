/**
 * The queue a repository's status page shows, read from attempts recorded through the ledger's own
 * API (PGlite, and PostgreSQL when MLGRADE_TEST_DATABASE_URL is set). Places and estimates are worked
 * out by hand in the comments.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptPatch } from '../../src/store/ledger-types.js';
import { openMigratedSqlClient } from '../../src/store/open-ledger.js';
import { estimateMinutes, readQueueStatus } from '../../src/store/queue-status.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { SqlLedger } from '../../src/store/sql-ledger.js';
import { backends, newAttempt } from './ledger-backends.js';

const MINUTE = 60_000;
const sha = (tag: string) => tag.padEnd(40, '0');

describe.each(backends().map((make) => [make().name, make] as const))('queue status (%s)', (_name, make) => {
  // The status page reads the ledger's SQL client; the attempts are recorded through the ledger on it.
  let client: SqlClient;
  let ledger: SqlLedger;
  beforeAll(async () => {
    client = await openMigratedSqlClient(await make().options());
    ledger = new SqlLedger(client);
  });
  afterAll(async () => {
    await ledger?.close();
  });

  /** Records a push attempt, then applies `patch` (a state it reached). */
  async function record(repository: string, assignmentId: string, tag: string, patch: AttemptPatch = {}) {
    const { attempt } = await ledger.createAttempt(
      newAttempt({ repository, assignmentId, sha: sha(tag), courseId: tag.startsWith('c') ? 'nlp' : 'ml' }),
    );
    return Object.keys(patch).length === 0 ? attempt : ledger.updateAttempt(attempt.id, patch);
  }

  it("places a repository's attempts in its owner's line, every course of the owner together, and estimates from the hour's pace", async () => {
    // Mixed case: the line matches owners case-insensitively.
    const owner = `Lab-${randomUUID().slice(0, 8)}`;
    const other = `elsewhere-${randomUUID().slice(0, 8)}`;
    const ada = `${owner}/ada`;
    const now = new Date();
    const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE);

    // Recording order (seq) is the line's order.
    await record(`${owner}/bob`, 'm1', 'b1', { state: 'dispatched', dispatchedAt: now }); // waiting 1
    await record(ada, 'm1', 'a1', { state: 'running', startedAt: now }); // grading
    await record(`${owner}/cy`, 'm1', 'c1'); // waiting 2 (another course, same owner)
    await record(ada, 'm2', 'a2'); // waiting 3
    await record(`${other}/ada`, 'm2', 'x1'); // another owner's line
    await record(`${owner}/bob`, 'm2', 'b2', { state: 'superseded', completedAt: ago(1) }); // left the line
    await record(ada, 'm1', 'a3'); // waiting 4
    await record(`${owner}/bob`, 'm3', 'b3', { state: 'dispatched', startedAt: now }); // grading (started)
    // Graded in the last hour: 3 (the owner's completed and invalid_results after now - 60 min).
    await record(ada, 'm0', 'a4', { state: 'completed', conclusion: 'success', completedAt: ago(10) });
    await record(`${owner}/bob`, 'm0', 'b4', {
      state: 'completed',
      conclusion: 'failure',
      completedAt: ago(20),
    });
    await record(`${owner}/cy`, 'm0', 'c4', { state: 'invalid_results', completedAt: ago(59) });
    await record(`${owner}/cy`, 'm0', 'c5', { state: 'completed', completedAt: ago(61) }); // over an hour
    await record(`${other}/ada`, 'm0', 'x2', { state: 'completed', completedAt: ago(5) }); // other owner
    await record(ada, 'm0', 'a5', {
      state: 'infra_error',
      conclusion: 'neutral',
      error: 'dispatch failed: secret detail',
      completedAt: ago(5),
    }); // not graded by a runner
    await record(ada, 'm0', 'a6', { state: 'timed_out', conclusion: 'timed_out' }); // no finish time

    const status = await readQueueStatus(client, ada, { now });
    expect(status?.repository).toBe(ada);
    expect(status?.asOf).toEqual(now);
    expect(status?.line).toEqual({ waiting: 4, grading: 2, gradedLastHour: 3 });
    // 3 graded an hour = 20 minutes a place: place 3 → 60 min, place 4 → 80 min.
    expect(status?.open.map(({ createdAt: _, ...rest }) => rest)).toEqual([
      {
        assignmentId: 'm1',
        sha: sha('a1'),
        state: 'running',
        grading: true,
        place: null,
        estimateMinutes: null,
      },
      { assignmentId: 'm2', sha: sha('a2'), state: 'queued', grading: false, place: 3, estimateMinutes: 60 },
      { assignmentId: 'm1', sha: sha('a3'), state: 'queued', grading: false, place: 4, estimateMinutes: 80 },
    ]);
    expect(status?.open.every((attempt) => attempt.createdAt instanceof Date)).toBe(true);
    // Newest finish first, unknown finish times last.
    expect(status?.recent).toEqual([
      { assignmentId: 'm0', sha: sha('a5'), state: 'infra_error', finishedAt: ago(5) },
      { assignmentId: 'm0', sha: sha('a4'), state: 'completed', finishedAt: ago(10) },
      { assignmentId: 'm0', sha: sha('a6'), state: 'timed_out', finishedAt: null },
    ]);
    // Nothing of another repository but counts, and no error texts.
    const shown = JSON.stringify(status);
    for (const hidden of ['bob', '/cy', other, 'secret detail', sha('b1'), sha('c1')])
      expect(shown).not.toContain(hidden);

    // The other owner's line is its own: one waiting, its own pace (1 graded).
    const elsewhere = await readQueueStatus(client, `${other}/ada`, { now, recent: 1 });
    expect(elsewhere?.line).toEqual({ waiting: 1, grading: 0, gradedLastHour: 1 });
    expect(elsewhere?.open).toMatchObject([{ sha: sha('x1'), place: 1, estimateMinutes: 60 }]);
    expect(elsewhere?.recent).toHaveLength(1);

    expect((await readQueueStatus(client, ada, { now, recent: 0 }))?.recent).toEqual([]);
  });

  it('moves an attempt up as the ones before it leave the line', async () => {
    const owner = `moves-${randomUUID().slice(0, 8)}`;
    const first = await record(`${owner}/one`, 'm1', 'a1');
    await record(`${owner}/two`, 'm1', 'a2');
    const now = new Date();
    expect((await readQueueStatus(client, `${owner}/two`, { now }))?.open[0]?.place).toBe(2);
    await ledger.updateAttempt(first.id, { state: 'dispatched', startedAt: now });
    const after = await readQueueStatus(client, `${owner}/two`, { now });
    expect(after?.open[0]?.place).toBe(1);
    expect(after?.line).toEqual({ waiting: 1, grading: 1, gradedLastHour: 0 });
  });

  it('gives no estimate without an attempt graded in the last hour', async () => {
    const owner = `fresh-${randomUUID().slice(0, 8)}`;
    await record(`${owner}/ada`, 'm1', 'a1');
    await record(`${owner}/ada`, 'm2', 'a2');
    await record(`${owner}/ada`, 'm3', 'a3', {
      state: 'completed',
      completedAt: new Date(Date.now() - 2 * 60 * MINUTE),
    });
    const status = await readQueueStatus(client, `${owner}/ada`);
    expect(status?.line).toEqual({ waiting: 2, grading: 0, gradedLastHour: 0 });
    expect(status?.open.map((attempt) => [attempt.place, attempt.estimateMinutes])).toEqual([
      [1, null],
      [2, null],
    ]);
  });

  it('finds a repository whatever the case of its name, and nothing for one without attempts', async () => {
    const owner = `Case-${randomUUID().slice(0, 8)}`;
    await record(`${owner}/Ada-Lovelace`, 'm1', 'a1');
    const status = await readQueueStatus(client, `${owner.toLowerCase()}/ada-lovelace`);
    expect(status?.repository).toBe(`${owner}/Ada-Lovelace`);
    expect(status?.open).toHaveLength(1);
    expect(await readQueueStatus(client, `${owner}/nobody`)).toBeUndefined();
  });
});

describe('estimateMinutes', () => {
  it('divides the place by the hourly pace, rounding up to whole minutes', () => {
    expect(estimateMinutes(1, 60)).toBe(1);
    expect(estimateMinutes(3, 4)).toBe(45);
    expect(estimateMinutes(1, 7)).toBe(9); // 8.57… minutes
    expect(estimateMinutes(2, 0)).toBeNull();
  });
});
