import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sweepOverdue } from '../../src/github/sweep-overdue.js';
import type { Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  aliceAttempt,
  asserting,
  closeOpenAttempts,
  deliver,
  fixture,
  type Harness,
  mockToken,
  openTestLedger,
  startApp,
  throwAssertionFailures,
} from '../app/app-harness.js';

describe('overdue attempts', () => {
  let ledger: Ledger;
  let app: Harness;
  beforeAll(async () => {
    nock.disableNetConnect();
    ledger = await openTestLedger();
    app = await startApp(ledger);
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await ledger.close();
  });
  afterEach(async () => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    await closeOpenAttempts(ledger);
    throwAssertionFailures();
    expect(pending).toStrictEqual([]);
  });

  async function dispatched(runId: number, checkRunId: number) {
    const attempt = await aliceAttempt(ledger);
    return ledger.updateAttempt(attempt.id, {
      state: 'dispatched',
      checkRunId,
      workflowRunId: runId,
      dispatchedAt: new Date(),
    });
  }

  it('marks a run a runner picked up as running (workflow_run.in_progress), without calling GitHub', async () => {
    const attempt = await dispatched(5001, 6001);
    const payload = fixture<{ action: string; workflow_run: { id: number; status: string } }>(
      'workflow_run.completed',
    );
    payload.action = 'in_progress';
    payload.workflow_run.id = 5001;
    payload.workflow_run.status = 'in_progress';

    await deliver(app, 'workflow_run', payload);

    expect(await ledger.getAttempt(attempt.id)).toMatchObject({
      state: 'running',
      startedAt: expect.any(Date),
    });
  });

  it('times out attempts no runner started, completing their check runs as timed out with Regrade', async () => {
    const attempt = await dispatched(5002, 6002);
    nock(API).get('/repos/ml-course/m4-alice/installation').reply(200, { id: 42 });
    mockToken();
    nock(API)
      .patch(
        '/repos/ml-course/m4-alice/check-runs/6002',
        asserting((body) => {
          expect(body).toMatchObject({
            status: 'completed',
            conclusion: 'timed_out',
            actions: [{ identifier: 'regrade' }],
          });
          expect(body.output.title).toBe('No grading runner picked this up in time');
        }),
      )
      .reply(200, {});
    const later = new Date(Date.now() + 31 * 60_000);

    const timedOut = await sweepOverdue(
      ledger,
      { queuedMs: 30 * 60_000, runningMs: 7_200_000 },
      { now: later },
    );
    // The completion is stored with the state; the outbox worker sends it (finding the installation).
    app.deps.publisher.kick();
    await app.deps.publisher.idle();

    expect(timedOut.map((a) => a.id)).toEqual([attempt.id]);
    expect(await ledger.getAttempt(attempt.id)).toMatchObject({
      state: 'timed_out',
      conclusion: 'timed_out',
    });
  });
});
