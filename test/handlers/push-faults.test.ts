/**
 * Pushes on the night before the deadline, when handling races or does not finish:
 * - two pushes of one student handled at the same time. Before the fix, each push's handler
 *   superseded every other queued attempt after its awaited check-run POST, so the two superseded
 *   each other and the student had no graded attempt at all;
 * - a push whose handling did not finish. Before, a delivery was recorded as seen before its work,
 *   so a redelivery was ignored and the attempt stayed queued without a check run.
 */
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  aliceAttempt,
  asserting,
  deliver,
  fixture,
  type Harness,
  mockConfig,
  mockToken,
  randomSha,
  useAppHarness,
} from '../app/app-harness.js';

describe('pushes that race or do not finish', () => {
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

  it('is answered once recorded; a failed check-run POST leaves the attempt queued for the sweep, not lost', async () => {
    const sha = randomSha();
    mockToken();
    mockConfig();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(500, { message: 'Server Error' });
    await deliver(app, 'push', { ...fixture<Record<string, unknown>>('push'), after: sha });
    const [waiting] = (await ledger.listPending()).filter((attempt) => attempt.sha === sha);
    expect(waiting).toMatchObject({ state: 'queued', checkRunId: null });
  });

  it('is handled again when redelivered after its process died: the attempt resumes, its check run found, not duplicated', async () => {
    const sha = randomSha();
    const push = { ...fixture<Record<string, unknown>>('push'), after: sha };
    const id = crypto.randomUUID();
    // What the dead process left: the delivery begun 10 minutes ago, never finished, and its attempt
    // recorded; its check-run POST reached GitHub, its answer never came back.
    expect(await ledger.recordDelivery(id, 'push', new Date(Date.now() - 10 * 60_000))).toBe(true);
    const attempt = await aliceAttempt(ledger, { sha, deliveryId: id });

    mockToken();
    mockConfig();
    nock(API)
      .get(`/repos/ml-course/m4-alice/commits/${sha}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 4400777, external_id: attempt.id }] });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .reply(200, { workflow_run_id: 30433777 });
    await deliver(app, 'push', push, id);

    expect(await ledger.getAttempt(attempt.id)).toMatchObject({
      state: 'dispatched',
      checkRunId: 4400777,
      workflowRunId: 30433777,
    });
    // A third delivery of the same id is a duplicate now that the second finished.
    await deliver(app, 'push', push, id);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
