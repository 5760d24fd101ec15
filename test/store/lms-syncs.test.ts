import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type NewSync, SqlSyncStore } from '../../src/store/lms-syncs.js';
import { migrate } from '../../src/store/migrations.js';
import { openSqlClient } from '../../src/store/open-ledger.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { type Backend, backends } from './ledger-backends.js';

const newSync = (overrides: Partial<NewSync> = {}): NewSync => ({
  lms: 'canvas',
  // A course of its own, so tests sharing one database do not see each other's syncs.
  courseId: `c-${randomUUID().slice(0, 8)}`,
  assignmentIds: ['m4'],
  requestedBy: 'prof',
  dryRun: false,
  ...overrides,
});

for (const makeBackend of backends()) {
  describe(`sync ledger on ${makeBackend().name}`, () => {
    const open: SqlClient[] = [];
    afterEach(async () => {
      for (const client of open.splice(0)) await client.close();
    });
    const backend: Backend = makeBackend();
    const openStore = async (now?: () => Date) => {
      const client = await openSqlClient(await backend.options());
      open.push(client);
      await migrate(client);
      return new SqlSyncStore(client, now);
    };

    it('starts a sync once per request key and returns the same sync for a redelivery', async () => {
      const store = await openStore();
      const key = `delivery-${randomUUID()}`;
      const first = await store.startSync(newSync({ requestKey: key, sourceUrl: 'https://gh/issue/1#c' }));
      const again = await store.startSync(newSync({ requestKey: key }));
      expect(first.created).toBe(true);
      expect(again).toMatchObject({
        created: false,
        sync: { id: first.sync.id, sourceUrl: 'https://gh/issue/1#c' },
      });
      expect(first.sync).toMatchObject({
        state: 'running',
        dryRun: false,
        assignmentIds: ['m4'],
        requestedBy: 'prof',
      });
      // Without a key every request is a new sync.
      const a = await store.startSync(newSync());
      const b = await store.startSync(newSync());
      expect(a.sync.id).not.toBe(b.sync.id);
    });

    it('records planned rows, updates them in one call and keeps what a patch leaves out', async () => {
      const store = await openStore();
      const { sync } = await store.startSync(newSync());
      await store.recordGrades(sync.id, [
        {
          assignmentId: 'm4',
          student: 'ada',
          lmsUser: '101',
          oldGrade: '5',
          newGrade: '8',
          comment: 'c',
          state: 'planned',
        },
        { assignmentId: 'm4', student: 'bob', state: 'skipped', reason: 'not in the roster' },
      ]);
      // Recording again leaves existing rows alone.
      await store.recordGrades(sync.id, [{ assignmentId: 'm4', student: 'ada', state: 'skipped' }]);
      await store.updateGrades(sync.id, [
        { assignmentId: 'm4', student: 'ada', state: 'sent', answer: { progress: 7 } },
      ]);
      await store.updateGrades(sync.id, [
        { assignmentId: 'm4', student: 'ada', state: 'confirmed', reason: 'read back' },
      ]);
      const rows = await store.listGrades(sync.id);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        student: 'ada',
        lmsUser: '101',
        oldGrade: '5',
        newGrade: '8',
        state: 'confirmed',
        reason: 'read back',
        answer: { progress: 7 },
      });
      expect(rows[1]).toMatchObject({ student: 'bob', state: 'skipped', reason: 'not in the roster' });
      expect(rows[1]?.lmsUser).toBeUndefined();
    });

    it('finishes a running sync once, with its outcome, and lists history newest first', async () => {
      const store = await openStore();
      const course = `c-${randomUUID().slice(0, 8)}`;
      const first = (await store.startSync(newSync({ courseId: course }))).sync;
      const second = (await store.startSync(newSync({ courseId: course, dryRun: true }))).sync;
      expect(await store.finishSync(first.id, { state: 'done', outcome: { counts: { confirmed: 3 } } })).toBe(
        true,
      );
      expect(await store.finishSync(first.id, { state: 'failed', error: 'late' })).toBe(false);
      const done = await store.getSync(first.id);
      expect(done).toMatchObject({ state: 'done', outcome: { counts: { confirmed: 3 } } });
      expect(done?.finishedAt).toBeInstanceOf(Date);
      expect(done?.error).toBeUndefined();
      const history = await store.listSyncs({ lms: 'canvas', courseId: course });
      expect(history.map((s) => s.id)).toEqual([second.id, first.id]);
      expect(history[0]?.dryRun).toBe(true);
    });

    it('finds unfinished syncs after a restart, with the heartbeat of their last write', async () => {
      let clock = new Date('2026-11-24T10:00:00Z');
      const store = await openStore(() => clock);
      const course = `c-${randomUUID().slice(0, 8)}`;
      const { sync } = await store.startSync(newSync({ courseId: course }));
      clock = new Date('2026-11-24T10:00:05Z');
      await store.recordGrades(sync.id, [
        { assignmentId: 'm4', student: 'ada', newGrade: '8', state: 'planned' },
      ]);
      await store.updateGrades(sync.id, [{ assignmentId: 'm4', student: 'ada', state: 'sent' }]);
      // The process dies here; a new one opens the same database.
      await open.shift()?.close();
      const reopened = await openStore();
      const unfinished = await reopened.listUnfinished({ lms: 'canvas', courseId: course });
      expect(unfinished.map((s) => s.id)).toEqual([sync.id]);
      expect(unfinished[0]?.heartbeatAt.toISOString()).toBe('2026-11-24T10:00:05.000Z');
      expect((await reopened.listGrades(sync.id))[0]?.state).toBe('sent');
      await reopened.finishSync(sync.id, { state: 'failed', error: 'interrupted' });
      expect(await reopened.listUnfinished({ lms: 'canvas', courseId: course })).toEqual([]);
    });

    it('writes hundreds of rows in one statement', async () => {
      const store = await openStore();
      const { sync } = await store.startSync(newSync());
      const rows = Array.from({ length: 300 }, (_, i) => ({
        assignmentId: 'm4',
        student: `s${String(i).padStart(3, '0')}`,
        newGrade: String(i),
        state: 'planned' as const,
      }));
      await store.recordGrades(sync.id, rows);
      await store.updateGrades(
        sync.id,
        rows.map((row) => ({
          assignmentId: row.assignmentId,
          student: row.student,
          state: 'confirmed' as const,
        })),
      );
      const stored = await store.listGrades(sync.id);
      expect(stored).toHaveLength(300);
      expect(stored.every((row) => row.state === 'confirmed')).toBe(true);
    });
  });
}
