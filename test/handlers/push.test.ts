import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/store/ledger-types.js';
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

  it('says where to create the config when the config repository has none', async () => {
    mockToken();
    nock(API)
      .get('/repos/ml-course/.github/contents/.github%2Fmlgrade.yml')
      .reply(404, { message: 'Not Found' });
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/check-runs',
        asserting((body) => {
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
    await deliver(app, 'push', fixture('push.config-repository'));
    mockConfig();
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

async function tokenClient(app: Harness) {
  const { installationClient } = await import('../../src/github/github-client.js');
  return installationClient((await app.probot.auth()) as never, 42);
}
