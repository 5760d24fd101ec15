import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resultsKey } from '../../src/results/results-signature.js';
import type { AttemptState, AttemptTrigger, Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  asserting,
  COURSE_YAML,
  deliver,
  fixture,
  type Harness,
  mockConfig,
  mockToken,
  randomSha,
  useAppHarness,
} from '../app/app-harness.js';

let SHA = '';

/** The recorded push, moved to a fresh commit (the tests share one ledger). */
function push() {
  return { ...fixture('push'), after: SHA };
}

describe('push', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  beforeEach(() => {
    SHA = randomSha();
    app = harness.app();
    ledger = harness.ledger();
  });

  it('records an attempt, creates a queued check run and dispatches the grader workflow', async () => {
    mockToken();
    mockConfig();
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/check-runs',
        asserting((body) => {
          expect(body).toMatchObject({
            name: 'mlgrade: milestone-4',
            head_sha: SHA,
            status: 'queued',
            external_id: expect.any(String),
          });
        }),
      )
      .reply(201, { id: 4400101, pull_requests: [] });
    nock(API)
      .post(
        '/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches',
        asserting((body) => {
          expect(body.ref).toBe('main');
          expect(body.return_run_details).toBe(true);
          expect(body.inputs.nonce).toMatch(/^[0-9a-f]{32}$/);
          // The dispatch's results key: the app's secret (the development default here) and the nonce.
          expect(body.inputs.results_key).toBe(resultsKey('development', body.inputs.nonce));
          expect(Object.keys(body.inputs).length).toBeLessThanOrEqual(10);
          expect(JSON.parse(body.inputs.runs_on)).toEqual(['self-hosted', 'gpu']);
          expect(JSON.parse(body.inputs.attempts)).toEqual([
            {
              attempt: expect.any(String),
              repository: 'ml-course/m4-alice',
              repository_name: 'm4-alice',
              sha: SHA,
              assignment: 'milestone-4',
            },
          ]);
        }),
      )
      .reply(200, {
        workflow_run_id: 30433642,
        run_url: `${API}/repos/ml-course/mlgrade-grader/actions/runs/30433642`,
      });

    await deliver(app, 'push', push());

    const [attempt] = await app.ledger.findByWorkflowRun(30433642);
    expect(attempt).toMatchObject({
      repository: 'ml-course/m4-alice',
      assignmentId: 'milestone-4',
      courseId: 'ml-systems-demo',
      sha: SHA,
      studentId: 583231,
      studentLogin: 'alice',
      trigger: 'push',
      state: 'dispatched',
      checkRunId: 4400101,
    });
    expect(attempt!.dispatchNonce).toMatch(/^[0-9a-f]{32}\.0$/);
  });

  it('does not grade a push past the attempt budget, and says so in a neutral check run', async () => {
    const earlier = await ledger.createAttempt({
      courseId: 'ml-systems-demo',
      assignmentId: 'milestone-4',
      repository: 'ml-course/m4-alice',
      repositoryId: (fixture('push') as { repository: { id: number } }).repository.id,
      studentId: 583231,
      studentLogin: 'alice',
      sha: randomSha(),
      trigger: 'push',
    });
    await ledger.updateAttempt(earlier.attempt.id, { state: 'completed', completedAt: new Date() });
    mockToken();
    mockConfig(COURSE_YAML.replace('attempts: { max: 20, keep: best }', 'attempts: { max: 1, keep: best }'));
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/check-runs',
        asserting((body) => {
          expect(body).toMatchObject({
            name: 'mlgrade: milestone-4',
            head_sha: SHA,
            status: 'completed',
            conclusion: 'neutral',
            output: { title: expect.stringMatching(/^Attempt budget used \(\d+ of 1\)$/) },
          });
          expect(body.output.summary).toContain('Your best attempt stands');
        }),
      )
      .reply(201, { id: 4400199 });

    // No dispatch is mocked: grading past the budget would fail this test on an unmatched request.
    await deliver(app, 'push', push());
  });

  it('finds the run by the nonce in its run-name when GitHub does not return run details', async () => {
    mockToken();
    mockConfig();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(201, { id: 4400102 });
    let nonce = '';
    nock(API)
      .post(
        '/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches',
        asserting((body) => {
          nonce = body.inputs.nonce;
        }),
      )
      .reply(204);
    nock(API)
      .get('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/runs')
      .query({ event: 'workflow_dispatch', per_page: '30' })
      .reply(200, () => ({
        total_count: 2,
        workflow_runs: [
          { id: 1, name: 'mlgrade grade', display_title: 'mlgrade 0123456789abcdef0123456789abcdef' },
          { id: 30433643, name: 'mlgrade grade', display_title: `mlgrade ${nonce}` },
        ],
      }));

    await deliver(app, 'push', push());

    expect(await app.ledger.findByNonce(`${nonce}.0`)).toMatchObject({
      workflowRunId: 30433643,
      state: 'dispatched',
    });
  });

  it('fails a check run listing the config problems with file:line when the course config is invalid', async () => {
    mockToken();
    mockConfig(COURSE_YAML.replace('kind: predictions', 'kind: prediction'));
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/check-runs',
        asserting((body) => {
          expect(body).toMatchObject({
            name: 'mlgrade: course config',
            status: 'completed',
            conclusion: 'failure',
          });
          expect(body.output.title).toBe('Course config has errors');
          expect(body.output.summary).toContain('`ml-course/.github`');
          expect(body.output.summary).toMatch(
            /`\.github\/mlgrade\.yml:\d+:\d+` `assignments\[\d+\]\.checks\[\d+\]\.kind`: unknown check kind "prediction"/,
          );
        }),
      )
      .reply(201, { id: 1 });

    await deliver(app, 'push', push());
    expect(await app.ledger.listPending()).toEqual([]);
  });

  it('grades nothing, and writes nothing, in an owner with no course config', async () => {
    // The app may be installed on all of an account's repositories; one without a course config
    // has no course, and a failed check run on each of its pushes would be noise. (Nock refuses
    // any request not mocked here, so a check run would fail this test.)
    mockToken();
    nock(API)
      .get('/repos/ml-course/.github/contents/.github%2Fmlgrade.yml')
      .reply(404, { message: 'Not Found' });

    await deliver(app, 'push', push());

    expect((await ledger.listPending(1000)).filter((attempt) => attempt.sha === SHA)).toEqual([]);
  });

  it('still fails a check run when the config extends a file that is missing', async () => {
    mockToken();
    mockConfig(COURSE_YAML.replace('_extends: preset:tinytorch', '_extends: [preset:tinytorch, ./base.yml]'));
    nock(API)
      .get('/repos/ml-course/.github/contents/.github%2Fbase.yml')
      .reply(404, { message: 'Not Found' });
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/check-runs',
        asserting((body) => {
          expect(body.conclusion).toBe('failure');
          expect(body.output.summary).toContain('file not found in ml-course/.github (default branch)');
        }),
      )
      .reply(201, { id: 1 });

    await deliver(app, 'push', push());
  });

  it('ignores repositories that match no assignment', async () => {
    mockToken();
    mockConfig();
    const payload = push() as unknown as { repository: { name: string; full_name: string } };
    payload.repository.name = 'lecture-notes';
    payload.repository.full_name = 'ml-course/lecture-notes';

    await deliver(app, 'push', payload);
    expect(await app.ledger.listPending()).toEqual([]);
  });

  it('does nothing for a redelivery of a handled push', async () => {
    mockToken();
    mockConfig();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(201, { id: 4400101 });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .reply(200, { workflow_run_id: 1 });

    await deliver(app, 'push', push(), 'delivery-1');
    await deliver(app, 'push', push(), 'delivery-1');
  });

  it('re-reads the course config after a push to the config repository, without grading it', async () => {
    mockToken();
    mockConfig();
    const before = await app.deps.courses.get(await tokenClient(app), 'ml-course');
    // The push re-reads the config at once (to see whether it asks for a rescore; it does not).
    mockConfig();
    await deliver(app, 'push', fixture('push.config-repository'));
    const after = await app.deps.courses.get(await tokenClient(app), 'ml-course');
    expect(after).not.toBe(before);
  });

  it('skips deleted branches and tags', async () => {
    const deleted = { ...push(), deleted: true, after: '0'.repeat(40) };
    const tag = { ...push(), ref: 'refs/tags/v1' };
    await deliver(app, 'push', deleted);
    await deliver(app, 'push', tag);
  });
});

describe('push: the attempt budget', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  // A fresh student per test, in a repository of their own, so that no earlier test's attempts count.
  let login = '';
  let repository = '';
  beforeEach(() => {
    SHA = randomSha();
    app = harness.app();
    ledger = harness.ledger();
    login = `s${randomSha().slice(0, 8)}`;
    repository = `ml-course/m4-${login}`;
  });

  type Payload = Record<string, unknown> & { repository: object; sender: object };

  /** `payload` moved to this test's student and repository. */
  function own<P extends Payload>(payload: P): P {
    const ids = { id: 820000, name: `m4-${login}`, full_name: repository };
    return {
      ...payload,
      repository: { ...payload.repository, ...ids },
      sender: { ...payload.sender, login, id: 920000 },
    };
  }

  function ownPush() {
    return own({ ...fixture<Payload>('push'), after: SHA });
  }

  function ownPullRequest() {
    const payload = own(fixture<Payload & { pull_request: { head: object } }>('pull_request.synchronize'));
    payload.pull_request.head = { ...payload.pull_request.head, sha: SHA, repo: { id: 820000 } };
    return payload;
  }

  /** An earlier attempt of this student in `state`, started by `trigger`. */
  async function earlier(state: AttemptState, trigger: AttemptTrigger = 'push', sha = randomSha()) {
    const { attempt } = await ledger.createAttempt({
      courseId: 'ml-systems-demo',
      assignmentId: 'milestone-4',
      repository,
      repositoryId: 820000,
      studentId: 920000,
      studentLogin: login,
      sha,
      trigger,
    });
    const started = state === 'running' || state === 'completed' ? { startedAt: new Date() } : {};
    await ledger.updateAttempt(attempt.id, { state, ...started });
    return attempt;
  }

  function withBudget(max: number) {
    mockToken();
    mockConfig(
      COURSE_YAML.replace('attempts: { max: 20, keep: best }', `attempts: { max: ${max}, keep: best }`),
    );
  }

  function expectRefused(title: string, summary: string) {
    nock(API)
      .post(
        `/repos/${repository}/check-runs`,
        asserting((body) => {
          expect(body).toMatchObject({ head_sha: SHA, status: 'completed', conclusion: 'neutral' });
          expect(body.output.title).toBe(title);
          expect(body.output.summary).toContain(summary);
        }),
      )
      .reply(201, { id: 4400301 });
  }

  function expectGraded(runId: number) {
    nock(API)
      .post(
        `/repos/${repository}/check-runs`,
        asserting((body) => expect(body).toMatchObject({ head_sha: SHA, status: 'queued' })),
      )
      .reply(201, { id: runId });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .reply(200, { workflow_run_id: runId });
  }

  it('counts an attempt that a runner has picked up: a newer push cannot supersede it', async () => {
    await earlier('completed');
    await earlier('running');
    withBudget(2);
    expectRefused(
      'Attempt budget used (2 of 2)',
      '1 of them is still being graded: one that ends without a grade (an infrastructure error or a timeout) does not count, and you can push again then.',
    );
    await deliver(app, 'push', ownPush());
  });

  it('does not count queued attempts the push supersedes, regrades, timeouts or infrastructure errors', async () => {
    await earlier('completed');
    await earlier('completed', 'regrade');
    await earlier('timed_out');
    await earlier('infra_error');
    const queued = await earlier('queued');
    withBudget(2);
    expectGraded(4400302);
    await deliver(app, 'push', ownPush());
    expect((await ledger.getAttempt(queued.id))?.state).toBe('superseded');
  });

  it('does not refuse the pull request of a commit that its push already had graded', async () => {
    await earlier('completed', 'push', SHA);
    withBudget(1);
    // Nothing else is mocked: a neutral check run on the graded commit would be an unmatched request.
    await deliver(app, 'pull_request', ownPullRequest());
  });
});

async function tokenClient(app: Harness) {
  const { installationClient } = await import('../../src/github/github-client.js');
  return installationClient((await app.probot.auth()) as never, 42);
}
