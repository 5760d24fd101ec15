/**
 * Two pushes of one student handled at the same time (the night before the deadline). Before the
 * fix, each push's handler superseded every other queued attempt after its awaited check-run POST,
 * so the two superseded each other and the student had no graded attempt at all.
 */
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  asserting,
  deliver,
  fixture,
  type Harness,
  mockConfig,
  mockToken,
  randomSha,
  useAppHarness,
} from '../app/app-harness.js';

describe('two pushes of one student at once', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  beforeEach(() => {
    app = harness.app();
    ledger = harness.ledger();
  });

  it('grades the newer push and closes the older one as superseded, whichever handler finishes first', async () => {
    const older = randomSha();
    const newer = randomSha();
    mockToken();
    mockConfig();
    // The older push's check-run POST is slow: the newer push is recorded while it is in flight.
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs', (body) => body.head_sha === older)
      .delay(300)
      .reply(201, { id: 9100001, pull_requests: [] });
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs', (body) => body.head_sha === newer)
      .reply(201, { id: 9100002, pull_requests: [] });
    nock(API)
      .patch(
        '/repos/ml-course/m4-alice/check-runs/9100001',
        asserting((body) => {
          expect(body).toMatchObject({
            status: 'completed',
            conclusion: 'neutral',
            output: { title: 'Superseded by a newer push' },
          });
        }),
      )
      .reply(200, { id: 9100001, pull_requests: [] });
    nock(API)
      .post(
        '/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches',
        asserting((body) => {
          expect(JSON.parse(body.inputs.attempts).map((a: { sha: string }) => a.sha)).toEqual([newer]);
        }),
      )
      .reply(200, { workflow_run_id: 9100003 });

    const first = deliver(app, 'push', { ...fixture<Record<string, unknown>>('push'), after: older });
    // The newer delivery arrives once the older attempt is recorded and its POST is under way.
    await until(async () => (await ledger.listPending()).some((attempt) => attempt.sha === older));
    await Promise.all([
      first,
      deliver(app, 'push', { ...fixture<Record<string, unknown>>('push'), after: newer }),
    ]);

    expect(await ledger.findByCheckRun(9100001)).toMatchObject({ sha: older, state: 'superseded' });
    expect(await ledger.findByCheckRun(9100002)).toMatchObject({ sha: newer, state: 'dispatched' });
    expect(nock.pendingMocks()).toEqual([]);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
