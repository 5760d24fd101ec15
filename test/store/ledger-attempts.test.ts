import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/store/ledger-types.js';
import { backends, newAttempt } from './ledger-backends.js';

describe.each(backends().map((make) => [make().name, make] as const))(
  'ledger attempts (%s)',
  (_name, make) => {
    const backend = make();
    let ledger: Ledger;
    beforeAll(async () => {
      ledger = await backend.open();
    });
    afterAll(async () => {
      await ledger?.close();
    });

    it('records a delivery once; a redelivery returns false', async () => {
      const id = `delivery-${Math.random()}`;
      expect(await ledger.recordDelivery(id, 'push')).toBe(true);
      expect(await ledger.recordDelivery(id, 'push')).toBe(false);
    });

    it('forgets a delivery whose handling failed and takes over one whose process died; a finished one stays a duplicate', async () => {
      const failed = `failed-${Math.random()}`;
      expect(await ledger.recordDelivery(failed, 'push')).toBe(true);
      expect(await ledger.recordDelivery(failed, 'push')).toBe(false); // still being handled
      await ledger.finishDelivery(failed, false);
      expect(await ledger.recordDelivery(failed, 'push')).toBe(true); // the redelivery is handled
      await ledger.finishDelivery(failed, true);
      expect(await ledger.recordDelivery(failed, 'push')).toBe(false);
      await ledger.finishDelivery(failed, false); // a late failure report cannot undo a finished delivery
      expect(await ledger.recordDelivery(failed, 'push')).toBe(false);

      const died = `died-${Math.random()}`;
      const started = new Date(Date.now() - 10 * 60_000);
      expect(await ledger.recordDelivery(died, 'push', started)).toBe(true);
      expect(await ledger.recordDelivery(died, 'push', new Date(started.getTime() + 60_000))).toBe(false);
      expect(await ledger.recordDelivery(died, 'push')).toBe(true); // 10 minutes on: its process died

      const said = `reply-${Math.random()}`;
      expect(await ledger.recordDelivery(said, 'mlgrade-reply', started, true)).toBe(true);
      expect(await ledger.recordDelivery(said, 'mlgrade-reply')).toBe(false); // done at once, never stale
    });

    it('prunes deliveries older than a cutoff', async () => {
      const old = `old-${Math.random()}`;
      await ledger.recordDelivery(old, 'push', new Date('2000-01-01T00:00:00Z'));
      expect(await ledger.pruneDeliveries(new Date('2000-01-02T00:00:00Z'))).toBe(1);
      expect(await ledger.recordDelivery(old, 'push')).toBe(true);
    });

    it('creates one attempt for the same sha pushed twice', async () => {
      const input = newAttempt();
      const first = await ledger.createAttempt(input);
      const second = await ledger.createAttempt({ ...input, trigger: 'pull_request', pullRequest: 7 });
      expect(first.created).toBe(true);
      expect(second).toEqual({ attempt: first.attempt, created: false });
      expect(first.attempt).toMatchObject({
        state: 'queued',
        repositoryId: 5_000_000_001,
        studentId: 4_000_000_002,
        pullRequest: null,
        checkRunId: null,
      });
      expect(first.attempt.createdAt).toBeInstanceOf(Date);
    });

    it('creates exactly one attempt when the same push arrives concurrently', async () => {
      const input = newAttempt();
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => ledger.createAttempt(input)));
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.attempt.id)).size).toBe(1);
    });

    it('always creates a new attempt for regrade, retry and rerequested', async () => {
      const input = newAttempt();
      const push = await ledger.createAttempt(input);
      for (const trigger of ['regrade', 'retry', 'rerequested'] as const) {
        const again = await ledger.createAttempt({ ...input, trigger });
        expect(again.created).toBe(true);
        expect(again.attempt.id).not.toBe(push.attempt.id);
      }
    });

    it('updates fields, finds attempts by nonce, workflow run and check run', async () => {
      const { attempt } = await ledger.createAttempt(newAttempt());
      const other = (await ledger.createAttempt(newAttempt())).attempt;
      const dispatchedAt = new Date('2026-11-21T10:00:00Z');
      const updated = await ledger.updateAttempt(attempt.id, {
        state: 'dispatched',
        dispatchNonce: `nonce-${attempt.id}`,
        dispatchedAt,
        checkRunId: 9_876_543_210,
        workflowRunId: 12_345_678_901,
      });
      expect(updated).toMatchObject({ state: 'dispatched', dispatchedAt, checkRunId: 9_876_543_210 });
      await ledger.updateAttempt(other.id, { workflowRunId: 12_345_678_901 });
      expect((await ledger.findByNonce(`nonce-${attempt.id}`))?.id).toBe(attempt.id);
      expect((await ledger.findByCheckRun(9_876_543_210))?.id).toBe(attempt.id);
      expect((await ledger.findByWorkflowRun(12_345_678_901)).map((a) => a.id)).toEqual([
        attempt.id,
        other.id,
      ]);
      expect(await ledger.findByNonce('no-such-nonce')).toBeUndefined();
      expect(await ledger.getAttempt('no-such-id')).toBeUndefined();
      await expect(ledger.updateAttempt('no-such-id', { state: 'running' })).rejects.toThrow(/No attempt/);
    });

    it('transitions only from the expected states', async () => {
      const { attempt } = await ledger.createAttempt(newAttempt());
      await ledger.updateAttempt(attempt.id, { state: 'timed_out', conclusion: 'timed_out' });
      const late = await ledger.transitionAttempt(attempt.id, ['queued', 'dispatched', 'running'], {
        state: 'completed',
      });
      expect(late).toBeUndefined();
      expect((await ledger.getAttempt(attempt.id))?.state).toBe('timed_out');
      const retried = await ledger.transitionAttempt(attempt.id, ['timed_out'], { error: 'retried' });
      expect(retried?.error).toBe('retried');
    });

    it('supersedes queued and dispatched-but-not-started attempts, keeping one', async () => {
      const base = newAttempt();
      const a = (await ledger.createAttempt({ ...base, sha: '1'.repeat(40) })).attempt;
      const b = (await ledger.createAttempt({ ...base, sha: '2'.repeat(40) })).attempt;
      const c = (await ledger.createAttempt({ ...base, sha: '3'.repeat(40) })).attempt;
      const d = (await ledger.createAttempt({ ...base, sha: '4'.repeat(40) })).attempt;
      const elsewhere = (await ledger.createAttempt({ ...base, assignmentId: 'm5' })).attempt;
      await ledger.updateAttempt(b.id, { state: 'dispatched', dispatchedAt: new Date() });
      await ledger.updateAttempt(c.id, { state: 'running', startedAt: new Date() });
      const superseded = await ledger.supersedeQueued(base.repository, 'm4', d.id);
      expect(superseded.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
      expect(superseded.every((x) => x.state === 'superseded' && x.completedAt)).toBe(true);
      expect((await ledger.getAttempt(c.id))?.state).toBe('running');
      expect((await ledger.getAttempt(d.id))?.state).toBe('queued');
      expect((await ledger.getAttempt(elsewhere.id))?.state).toBe('queued');
    });

    it('supersedes only attempts older than the one kept: a late older push leaves the newer queued', async () => {
      // Two pushes handled concurrently: the newer one (b) is recorded, then the older one's handler
      // (a, recorded first) supersedes. Only attempts before `keep` may go; b must stay queued.
      const base = newAttempt();
      const a = (await ledger.createAttempt({ ...base, sha: 'a'.repeat(40) })).attempt;
      const b = (await ledger.createAttempt({ ...base, sha: 'b'.repeat(40) })).attempt;
      expect(await ledger.supersedeQueued(base.repository, 'm4', a.id)).toEqual([]);
      expect((await ledger.getAttempt(b.id))?.state).toBe('queued');
      const superseded = await ledger.supersedeQueued(base.repository, 'm4', b.id);
      expect(superseded.map((x) => x.id)).toEqual([a.id]);
      expect((await ledger.getAttempt(a.id))?.state).toBe('superseded');
    });

    it('counts student-started completed and running attempts against the budget', async () => {
      const base = newAttempt();
      const states = ['completed', 'infra_error', 'timed_out', 'superseded', 'invalid_results', 'completed'];
      for (const [i, state] of states.entries()) {
        const { attempt } = await ledger.createAttempt({ ...base, sha: String(i).repeat(40) });
        await ledger.updateAttempt(attempt.id, { state: state as 'completed' });
      }
      const regrade = await ledger.createAttempt({ ...base, sha: '0'.repeat(40), trigger: 'regrade' });
      await ledger.updateAttempt(regrade.attempt.id, { state: 'completed' });
      const rerun = await ledger.createAttempt({ ...base, sha: '6'.repeat(40), trigger: 'rerequested' });
      await ledger.updateAttempt(rerun.attempt.id, { state: 'running', startedAt: new Date() });
      const picked = await ledger.createAttempt({ ...base, sha: '7'.repeat(40) });
      await ledger.updateAttempt(picked.attempt.id, { state: 'dispatched', startedAt: new Date() });
      await ledger.createAttempt({ ...base, sha: '8'.repeat(40) }); // queued: a new push supersedes it
      expect(await ledger.attemptBudget(base.repository, 'm4', '9'.repeat(40))).toEqual({
        graded: 2,
        running: 2,
        commitAttempted: false,
      });
      expect((await ledger.attemptBudget(base.repository, 'm4', '1'.repeat(40))).commitAttempted).toBe(true);
      // Only a re-run exists for this commit: its push or pull request would be a new attempt.
      expect((await ledger.attemptBudget(base.repository, 'm4', '6'.repeat(40))).commitAttempted).toBe(false);
      expect(await ledger.attemptBudget(base.repository, 'other', '1'.repeat(40))).toEqual({
        graded: 0,
        running: 0,
        commitAttempted: false,
      });
    });

    it('lists pending attempts oldest first', async () => {
      const base = newAttempt();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await ledger.createAttempt({ ...base, sha: String(i).repeat(40) })).attempt.id);
      }
      await ledger.updateAttempt(ids[1]!, { state: 'dispatched' });
      const pending = (await ledger.listPending(1000)).filter((a) => a.repository === base.repository);
      expect(pending.map((a) => a.id)).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    });
  },
);
