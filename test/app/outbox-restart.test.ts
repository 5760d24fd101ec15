/**
 * A process that stored a verdict and died (SIGKILL, OOM, a deploy) before telling GitHub: the next
 * process sends the write when it starts. Before the outbox, the check run stayed "Queued" forever.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptOutcomeWrites } from '../../src/github/outbox-writes.js';
import type { Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  aliceAttempt,
  asserting,
  mockToken,
  openTestLedger,
  startApp,
  throwAssertionFailures,
} from './app-harness.js';

describe('writes left by a process that died', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    nock.disableNetConnect();
    ledger = await openTestLedger();
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await ledger.close();
  });

  it('are sent by the next process as it starts', async () => {
    const attempt = await aliceAttempt(ledger);
    await ledger.updateAttempt(attempt.id, { state: 'running', checkRunId: 7700001 });
    const report = {
      conclusion: 'timed_out' as const,
      title: 'Grading did not finish in time',
      summary: 'x',
    };
    // What the dying process stored: the state and the write, in one transaction; nothing was sent.
    await ledger.finishAttempt(
      attempt.id,
      ['running'],
      { state: 'timed_out' },
      attemptOutcomeWrites(attempt, report),
    );

    // The new process knows no installation yet: it asks GitHub which one the repository has.
    nock(API).get('/repos/ml-course/m4-alice/installation').reply(200, { id: 42 });
    mockToken();
    nock(API)
      .patch(
        '/repos/ml-course/m4-alice/check-runs/7700001',
        asserting((body) => {
          expect(body).toMatchObject({ status: 'completed', conclusion: 'timed_out' });
          expect(body.output.title).toBe('Grading did not finish in time');
        }),
      )
      .reply(200, { pull_requests: [] });
    const app = await startApp(ledger);
    await app.deps.publisher.idle();

    throwAssertionFailures();
    expect(nock.pendingMocks()).toEqual([]);
    expect((await ledger.outbox.ofAttempt(attempt.id)).map((item) => item.state)).toEqual(['done']);
  });
});
