/**
 * Work no webhook starts again: a queued attempt whose process died before dispatching it, and a
 * run whose `workflow_run.completed` delivery never arrived. Before, both stayed open until the
 * timeout sweep called them timed out, although nothing was wrong with the student's work.
 */
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRunPoller, resumeStranded } from '../../src/handlers/resume-attempts.js';
import type { Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  aliceAttempt,
  asserting,
  type Harness,
  mockConfig,
  mockToken,
  useAppHarness,
} from '../app/app-harness.js';

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const GRADER = '/repos/ml-course/mlgrade-grader';

describe('resuming from the ledger', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  beforeEach(() => {
    app = harness.app();
    ledger = harness.ledger();
  });

  const queued = () => aliceAttempt(ledger);

  it('dispatches a stranded queued attempt (its check run is the outbox’s); a fresh one is left to its process', async () => {
    const stranded = await queued();
    // The installation is looked up: no event told this process.
    nock(API).get('/repos/ml-course/m4-alice/installation').reply(200, { id: 42 });
    mockToken();
    nock(API)
      .post(
        `${GRADER}/actions/workflows/mlgrade-grade.yml/dispatches`,
        asserting((body) => {
          expect(JSON.parse(body.inputs.attempts).map((a: { attempt: string }) => a.attempt)).toEqual([
            stranded.id,
          ]);
        }),
      )
      .reply(200, { workflow_run_id: 8800002 });

    // Four minutes on, the attempt no process dispatched is stranded.
    const resumed = await resumeStranded(app.deps, silent, new Date(Date.now() + 4 * 60_000));
    await app.deps.dispatcher.idle();

    expect(resumed).toBe(1);
    expect(await ledger.getAttempt(stranded.id)).toMatchObject({
      state: 'dispatched',
      workflowRunId: 8800002,
    });
    // Not stranded yet: created just now, so resumeStranded at the present time leaves it.
    const young = await queued();
    expect(await resumeStranded(app.deps, silent)).toBe(0);
    expect((await ledger.getAttempt(young.id))?.state).toBe('queued');
  });

  it('collects a run that finished without its workflow_run delivery', async () => {
    const attempt = await queued();
    const dispatchedAt = new Date(Date.now() - 20 * 60_000);
    await ledger.updateAttempt(attempt.id, {
      state: 'dispatched',
      checkRunId: 8800011,
      workflowRunId: 8800012,
      dispatchNonce: `${'e'.repeat(32)}.0`,
      dispatchedAt,
    });
    app.deps.clients.remember('ml-course', 42);
    mockToken();
    nock(API)
      .get(`${GRADER}/actions/runs/8800012`)
      .reply(200, { id: 8800012, status: 'completed', conclusion: 'failure', display_title: 'mlgrade x' });
    nock(API)
      .get(`${GRADER}/actions/runs/8800012/artifacts`)
      .query(true)
      .reply(200, { total_count: 0, artifacts: [] });
    mockConfig();
    nock(API)
      .patch(
        '/repos/ml-course/m4-alice/check-runs/8800011',
        asserting((body) => {
          expect(body.status).toBe('completed');
          expect(body.conclusion).not.toBe('success');
        }),
      )
      .reply(200, { pull_requests: [] });

    const poll = createRunPoller(app.deps, silent);
    expect(await poll()).toBe(1);
    await app.deps.publisher.idle();

    const finished = await ledger.getAttempt(attempt.id);
    expect(['infra_error', 'invalid_results']).toContain(finished?.state);
    // Polled once per run per window: a second poll right away asks GitHub nothing.
    expect(await poll()).toBe(0);
  });

  it('finds by its nonce a run whose id was never stored (the process died during the dispatch), and collects it', async () => {
    const attempt = await queued();
    const nonce = 'd'.repeat(32);
    await ledger.updateAttempt(attempt.id, {
      state: 'dispatched',
      checkRunId: 8800021,
      dispatchNonce: `${nonce}.0`,
      dispatchedAt: new Date(Date.now() - 20 * 60_000),
    });
    app.deps.clients.remember('ml-course', 42);
    mockToken();
    nock(API)
      .get(`${GRADER}/actions/workflows/mlgrade-grade.yml/runs`)
      .query(true)
      .reply(200, {
        total_count: 2,
        workflow_runs: [
          { id: 8800020, name: 'mlgrade grade', display_title: `mlgrade ${'c'.repeat(32)}` },
          { id: 8800022, name: 'mlgrade grade', display_title: `mlgrade ${nonce}` },
        ],
      });
    nock(API)
      .get(`${GRADER}/actions/runs/8800022`)
      .reply(200, {
        id: 8800022,
        status: 'completed',
        conclusion: 'failure',
        display_title: `mlgrade ${nonce}`,
      });
    nock(API)
      .get(`${GRADER}/actions/runs/8800022/artifacts`)
      .query(true)
      .reply(200, { total_count: 0, artifacts: [] });
    mockConfig();
    nock(API).patch('/repos/ml-course/m4-alice/check-runs/8800021').reply(200, { pull_requests: [] });

    expect(await createRunPoller(app.deps, silent)()).toBe(1);
    await app.deps.publisher.idle();

    expect(await ledger.getAttempt(attempt.id)).toMatchObject({ workflowRunId: 8800022 });
    expect(['infra_error', 'invalid_results']).toContain((await ledger.getAttempt(attempt.id))?.state);
  });

  it('queues again an attempt marked dispatched whose dispatch never reached GitHub', async () => {
    const attempt = await queued();
    await ledger.updateAttempt(attempt.id, {
      state: 'dispatched',
      checkRunId: 8800031,
      dispatchNonce: `${'a'.repeat(32)}.0`,
      dispatchedAt: new Date(Date.now() - 40 * 60_000),
    });
    app.deps.clients.remember('ml-course', 42);
    mockToken();
    nock(API)
      .get(`${GRADER}/actions/workflows/mlgrade-grade.yml/runs`)
      .query(true)
      .reply(200, {
        total_count: 1,
        workflow_runs: [{ id: 8800030, display_title: `mlgrade ${'c'.repeat(32)}` }],
      });

    expect(await createRunPoller(app.deps, silent)()).toBe(0);

    expect(await ledger.getAttempt(attempt.id)).toMatchObject({
      state: 'queued',
      dispatchNonce: null,
      dispatchedAt: null,
      checkRunId: 8800031,
    });
  });
});
