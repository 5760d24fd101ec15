/**
 * Pushes on the night before the deadline, when handling races or does not finish:
 * - two pushes of one student handled at the same time. Before the fix, each push's handler
 *   superseded every other queued attempt after its awaited check-run POST, so the two superseded
 *   each other and the student had no graded attempt at all;
 * - a push whose handling did not finish. Before, a delivery was recorded as seen before its work,
 *   so a redelivery was ignored and the attempt stayed queued without a check run;
 * - a check-run POST that fails: the announcement stays in the outbox, the attempt is graded;
 * - a push answered (recorded with what to grade) whose process died before grading it.
 */
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { announceWrite } from '../../src/github/outbox-writes.js';
import { resumeSubmissions } from '../../src/handlers/accept-submission.js';
import type { Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  aliceAttempt,
  deliver,
  fixture,
  type Harness,
  mockConfig,
  mockToken,
  randomSha,
  useAppHarness,
} from '../app/app-harness.js';

/** A request body as nock hands it over. */
interface Written {
  head_sha: string;
  status: string;
  conclusion?: string;
  output?: { title?: string };
  inputs: { attempts: string };
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };

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
    // Every check-run write, and the attempts every dispatch carried, whatever order they come in.
    const posts: { sha: string; status: string; title?: string }[] = [];
    const patches: { id: number; conclusion?: string; title?: string }[] = [];
    const dispatched: string[] = [];
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs')
      .delay(100)
      .times(2)
      .reply(201, (_uri, body: Written) => {
        posts.push({ sha: body.head_sha, status: body.status, title: body.output?.title });
        return { id: body.head_sha === older ? 9100001 : 9100002, pull_requests: [] };
      });
    nock(API)
      .patch(/\/repos\/ml-course\/m4-alice\/check-runs\/\d+/)
      .optionally()
      .times(2)
      .reply(200, (uri, body: Written) => {
        patches.push({
          id: Number(uri.split('/').pop()),
          conclusion: body.conclusion,
          title: body.output?.title,
        });
        return { pull_requests: [] };
      });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .optionally()
      .times(2)
      .reply(200, (_uri, body: Written) => {
        dispatched.push(...JSON.parse(body.inputs.attempts).map((a: { sha: string }) => a.sha));
        return { workflow_run_id: 9100003 };
      });

    const first = deliver(app, 'push', { ...fixture<Record<string, unknown>>('push'), after: older });
    // The newer delivery arrives once the older attempt is recorded.
    await until(
      async () => (await ledger.attemptBudget('ml-course/m4-alice', 'milestone-4', older)).commitAttempted,
    );
    await Promise.all([
      first,
      deliver(app, 'push', { ...fixture<Record<string, unknown>>('push'), after: newer }),
    ]);

    expect(await ledger.findByCheckRun(9100001)).toMatchObject({ sha: older, state: 'superseded' });
    expect(await ledger.findByCheckRun(9100002)).toMatchObject({ sha: newer, state: 'dispatched' });
    // One check run per commit; the older one ends neutral "superseded", in its creation or a PATCH.
    expect(posts.map((post) => post.sha).sort()).toEqual([newer, older].sort());
    const olderLast =
      patches.find((patch) => patch.id === 9100001) ?? posts.find((post) => post.sha === older);
    expect(olderLast).toMatchObject({ title: 'Superseded by a newer push' });
    expect(posts.find((post) => post.sha === newer)).toMatchObject({ status: 'queued' });
    expect(dispatched.filter((sha) => sha === newer)).toEqual([newer]);
  });

  it('is answered once recorded and dispatched; a failed check-run POST stays in the outbox to be retried, not lost', async () => {
    const sha = randomSha();
    mockToken();
    mockConfig();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(500, { message: 'Server Error' });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .reply(200, { workflow_run_id: 30433778 });
    await deliver(app, 'push', { ...fixture<Record<string, unknown>>('push'), after: sha });
    const attempt = (await ledger.listAwaitingResults(new Date(Date.now() + 60_000))).find(
      (a) => a.sha === sha,
    );
    expect(attempt).toMatchObject({ state: 'dispatched', checkRunId: null });
    const [announcement] = await ledger.outbox.ofAttempt(attempt!.id);
    expect(announcement).toMatchObject({ state: 'pending', tries: 1, kind: 'check_run' });
    expect(announcement?.lastError).toMatch(/Server Error/);
  });

  it('is handled again when redelivered after its process died: the attempt resumes, its check run found, not duplicated', async () => {
    const sha = randomSha();
    const push = { ...fixture<Record<string, unknown>>('push'), after: sha };
    const id = crypto.randomUUID();
    // What the dead process left: the delivery begun 10 minutes ago, never finished; its attempt
    // recorded with its announcement, which it had claimed and sent: the POST reached GitHub, its
    // answer never came back (the claim's lease has ended).
    expect(await ledger.recordDelivery(id, 'push', new Date(Date.now() - 10 * 60_000))).toBe(true);
    const attempt = await aliceAttempt(ledger, { sha, deliveryId: id });
    await ledger.outbox.put([announceWrite(attempt)]);
    expect(await ledger.outbox.claim(1, 0)).toHaveLength(1);

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
    expect((await ledger.outbox.ofAttempt(attempt.id)).map((row) => row.state)).toEqual(['done']);
    // A third delivery of the same id is a duplicate now that the second finished.
    await deliver(app, 'push', push, id);
  });

  it('is graded by the sweep when GitHub failed while it was being graded, after its answer', async () => {
    // Before, the 502 became a failed "course config has errors" check run, or the delivery was
    // forgotten (answered already, GitHub never sends it again): the push was lost.
    const sha = randomSha();
    const id = crypto.randomUUID();
    mockToken();
    nock(API)
      .get('/repos/ml-course/.github/contents/.github%2Fmlgrade.yml')
      .query(true)
      .reply(502, { message: 'Bad Gateway' });
    await deliver(app, 'push', { ...fixture<Record<string, unknown>>('push'), after: sha }, id);
    expect((await ledger.attemptBudget('ml-course/m4-alice', 'milestone-4', sha)).commitAttempted).toBe(
      false,
    );
    const later = new Date(Date.now() + 10 * 60_000);
    expect((await ledger.listUnfinishedSubmissions(later)).map((d) => d.deliveryId)).toContain(id);

    mockConfig();
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs', (body) => body.head_sha === sha)
      .reply(201, { id: 4400889 });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .reply(200, { workflow_run_id: 30433889 });
    expect(await resumeSubmissions(app.deps, silent, later)).toBeGreaterThanOrEqual(1);
    await app.deps.dispatcher.idle();
    await app.deps.publisher.idle();
    expect(await ledger.findByCheckRun(4400889)).toMatchObject({ sha, state: 'dispatched', deliveryId: id });
  });

  it('a stored submission that is not one is finished with an error naming it, not retried at every sweep', async () => {
    const id = crypto.randomUUID();
    const old = new Date(Date.now() - 10 * 60_000);
    await ledger.recordDelivery(id, 'push', old, false, {
      owner: 'ml-course',
      name: 'm4-alice',
      sha: 'nope',
    });
    const errors: string[] = [];
    const log = { ...silent, error: (line: string) => errors.push(line) };
    const later = new Date(Date.now() + 10 * 60_000);
    // Taken over (not graded), and finished: the next sweep finds nothing, no request is made.
    expect(await resumeSubmissions(app.deps, log, later)).toBe(0);
    expect(errors.join('\n')).toMatch(
      new RegExp(`delivery ${id} \\(push\\): its stored submission has no \`trigger\``),
    );
    expect((await ledger.listUnfinishedSubmissions(later)).map((d) => d.deliveryId)).not.toContain(id);
  });

  it('is graded by the sweep when its process died after answering the webhook, before grading', async () => {
    const sha = randomSha();
    const id = crypto.randomUUID();
    // What the dead process left: the push accepted 10 minutes ago with what to grade, nothing more.
    const submission = {
      owner: 'ml-course',
      name: 'm4-alice',
      repositoryId: 820001,
      sha,
      trigger: 'push',
      pullRequest: null,
      deliveryId: id,
      installationId: 42,
      sender: { id: 820002, login: 'alice' },
    };
    await ledger.recordDelivery(id, 'push', new Date(Date.now() - 10 * 60_000), false, submission);
    mockToken();
    mockConfig();
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/check-runs',
        (body) => body.head_sha === sha && body.status === 'queued',
      )
      .reply(201, { id: 4400888 });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .reply(200, { workflow_run_id: 30433888 });

    expect(await resumeSubmissions(app.deps, silent)).toBe(1);
    await app.deps.dispatcher.idle();
    await app.deps.publisher.idle();
    expect(await ledger.findByCheckRun(4400888)).toMatchObject({ sha, state: 'dispatched', deliveryId: id });
    // Finished: the next sweep, and GitHub redelivering it, find nothing to do.
    expect(await resumeSubmissions(app.deps, silent, new Date(Date.now() + 10 * 60_000))).toBe(0);
    expect(await ledger.recordDelivery(id, 'push')).toBe(false);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
