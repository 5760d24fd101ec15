/**
 * Pushes whose handling did not finish. Before, a delivery was recorded as seen before its work, so
 * a redelivery was ignored and the attempt stayed queued without a check run.
 */
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  deliver,
  fixture,
  type Harness,
  mockConfig,
  mockToken,
  randomSha,
  useAppHarness,
} from '../app/app-harness.js';

describe('a push whose handling did not finish', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  beforeEach(() => {
    app = harness.app();
    ledger = harness.ledger();
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
    const { attempt } = await ledger.createAttempt({
      courseId: 'ml-systems-demo',
      assignmentId: 'milestone-4',
      repository: 'ml-course/m4-alice',
      repositoryId: 810001,
      studentId: 583231,
      studentLogin: 'alice',
      sha,
      trigger: 'push',
      deliveryId: id,
    });

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
