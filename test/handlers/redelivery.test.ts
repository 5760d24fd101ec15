/**
 * A push whose handling failed half-way (GitHub answered 500 to the check-run POST) and that an
 * instructor redelivers from the app's settings. Before, the delivery was recorded as seen before
 * the work, so the redelivery was ignored and the attempt stayed queued without a check run.
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

describe('a redelivered push whose first handling failed', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  beforeEach(() => {
    app = harness.app();
    ledger = harness.ledger();
  });

  it('is handled again: the attempt gets its check run (found, not duplicated) and is dispatched', async () => {
    const sha = randomSha();
    const push = { ...fixture<Record<string, unknown>>('push'), after: sha };
    const id = crypto.randomUUID();
    mockToken();
    mockConfig();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(500, { message: 'Server Error' });
    await expect(deliver(app, 'push', push, id)).rejects.toThrow(/Server Error/);
    const [stuck] = (await ledger.listPending()).filter((attempt) => attempt.sha === sha);
    expect(stuck).toMatchObject({ state: 'queued', checkRunId: null, deliveryId: id });

    // The redelivery (same delivery id; the course config is cached). The 500 did create the check
    // run this time: it is found by its external_id.
    nock(API)
      .get(`/repos/ml-course/m4-alice/commits/${sha}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 4400777, external_id: stuck!.id }] });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .reply(200, { workflow_run_id: 30433777 });
    await deliver(app, 'push', push, id);

    expect(await ledger.getAttempt(stuck!.id)).toMatchObject({
      state: 'dispatched',
      checkRunId: 4400777,
      workflowRunId: 30433777,
    });
    // A third delivery of the same id is a duplicate now that the second finished.
    await deliver(app, 'push', push, id);
  });
});
