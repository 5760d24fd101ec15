import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/github/dispatcher.js';
import type { Ledger } from '../../src/store/ledger-types.js';
import { openTestLedger, randomSha } from '../app/app-harness.js';

const DISPATCH = '/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches';
const silent = { info: () => {}, error: () => {} };

describe('the dispatcher', () => {
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

  const attempt = async (repo: string) =>
    (
      await ledger.createAttempt({
        courseId: 'ml-systems-demo',
        assignmentId: 'milestone-4',
        repository: `ml-course/${repo}`,
        repositoryId: repo.length,
        studentId: null,
        studentLogin: null,
        sha: randomSha(),
        trigger: 'push',
      })
    ).attempt;

  it('sends attempts queued while a dispatch is in flight as one batch, leaving superseded ones out', async () => {
    const github = new Octokit({ auth: 'ghs_test' });
    const dispatcher = createDispatcher(ledger, silent, { MLGRADE_DISPATCH_WAIT_SECONDS: '0.001' });
    const batches: string[][] = [];
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const record = (body: { inputs: { attempts: string } }) => {
      batches.push(JSON.parse(body.inputs.attempts).map((a: { repository: string }) => a.repository));
      return true;
    };
    nock('https://api.github.com')
      .post(DISPATCH, record)
      .reply(async () => {
        await gate;
        return [200, { workflow_run_id: 1100 }];
      })
      .post(DISPATCH, record)
      .reply(200, { workflow_run_id: 1101 });

    const alice = await attempt('m4-alice');
    dispatcher.enqueue(github, 'ml-course', [alice]);
    // Alice's dispatch is under way (held at the gate) before the others are queued.
    while ((await ledger.getAttempt(alice.id))?.state !== 'dispatched')
      await new Promise((resolve) => setTimeout(resolve, 5));
    const bob = await attempt('m4-bob');
    const carol = await attempt('m4-carol');
    const dave = await attempt('m4-dave');
    dispatcher.enqueue(github, 'ml-course', [bob, carol, dave]);
    await ledger.updateAttempt(dave.id, { state: 'superseded' });
    open();
    await dispatcher.idle();

    expect(batches).toEqual([['ml-course/m4-alice'], ['ml-course/m4-bob', 'ml-course/m4-carol']]);
    expect((await ledger.findByWorkflowRun(1101)).map((a) => a.id).sort()).toEqual([bob.id, carol.id].sort());
    expect(await ledger.getAttempt(bob.id)).toMatchObject({
      state: 'dispatched',
      dispatchNonce: expect.stringMatching(/\.\d$/),
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('waits a moment before the first dispatch, so that attempts queued meanwhile share its run', async () => {
    const github = new Octokit({ auth: 'ghs_test' });
    const dispatcher = createDispatcher(ledger, silent, { MLGRADE_DISPATCH_WAIT_SECONDS: '0.2' });
    const batches: string[][] = [];
    nock('https://api.github.com')
      .post(DISPATCH, (body) => {
        batches.push(JSON.parse(body.inputs.attempts).map((a: { repository: string }) => a.repository));
        return true;
      })
      .reply(200, { workflow_run_id: 1102 });
    const erin = await attempt('m4-erin');
    dispatcher.enqueue(github, 'ml-course', [erin]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const frank = await attempt('m4-frank');
    dispatcher.enqueue(github, 'ml-course', [frank]);
    await dispatcher.idle();
    expect(batches).toEqual([['ml-course/m4-erin', 'ml-course/m4-frank']]);
  });

  it('stores the nonce and marks the attempts dispatched before the request, so a run is matched even if the process dies during it', async () => {
    const github = new Octokit({ auth: 'ghs_test' });
    const dispatcher = createDispatcher(ledger, silent, { MLGRADE_DISPATCH_WAIT_SECONDS: '0.001' });
    const alice = await attempt('m4-alice');
    const bob = await attempt('m4-bob');
    let sentNonce = '';
    let storedDuringRequest: unknown[] = [];
    nock('https://api.github.com')
      .post(DISPATCH, (body) => {
        sentNonce = body.inputs.nonce;
        return true;
      })
      .reply(async () => {
        // While GitHub holds the request, the ledger already says where the run's results belong.
        storedDuringRequest = await Promise.all(
          [alice, bob].map(async (a) => {
            const stored = await ledger.getAttempt(a.id);
            return { state: stored?.state, nonce: stored?.dispatchNonce };
          }),
        );
        return [200, {}];
      });
    // GitHub Enterprise Server without return_run_details: no run id comes back, the listing finds none.
    nock('https://api.github.com')
      .get('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/runs')
      .query(true)
      .times(5)
      .reply(200, { total_count: 0, workflow_runs: [] });

    dispatcher.enqueue(github, 'ml-course', [alice, bob, alice]);
    await dispatcher.idle();

    expect(sentNonce).toMatch(/^[0-9a-f]{32}$/);
    expect(storedDuringRequest).toEqual([
      { state: 'dispatched', nonce: `${sentNonce}.0` },
      { state: 'dispatched', nonce: `${sentNonce}.1` },
    ]);
    expect(await ledger.findByNonce(`${sentNonce}.1`)).toMatchObject({ id: bob.id, workflowRunId: null });
    nock.cleanAll();
  });
});
