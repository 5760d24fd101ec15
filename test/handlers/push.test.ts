import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  API,
  COURSE_YAML,
  deliver,
  fixture,
  type Harness,
  mockConfig,
  mockToken,
  startApp,
} from '../app/app-harness.js';

const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';

describe('push', () => {
  let app: Harness;
  beforeEach(async () => {
    nock.disableNetConnect();
    app = await startApp();
  });
  afterEach(async () => {
    expect(nock.pendingMocks()).toStrictEqual([]);
    nock.cleanAll();
    nock.enableNetConnect();
    await app.ledger.close();
  });

  it('records an attempt, creates a queued check run and dispatches the grader workflow', async () => {
    mockToken();
    mockConfig();
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs', (body) => {
        expect(body).toMatchObject({
          name: 'mlgrade: milestone-4',
          head_sha: SHA,
          status: 'queued',
          external_id: expect.any(String),
        });
        return true;
      })
      .reply(201, { id: 4400101, pull_requests: [] });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches', (body) => {
        expect(body.ref).toBe('main');
        expect(body.return_run_details).toBe(true);
        expect(body.inputs.nonce).toMatch(/^[0-9a-f]{32}$/);
        expect(JSON.parse(body.inputs.runs_on)).toEqual(['self-hosted', 'gpu']);
        expect(JSON.parse(body.inputs.attempts)).toEqual([
          {
            attempt: expect.any(String),
            repository: 'ml-course/m4-alice',
            sha: SHA,
            assignment: 'milestone-4',
          },
        ]);
        return true;
      })
      .reply(200, {
        workflow_run_id: 30433642,
        run_url: `${API}/repos/ml-course/mlgrade-grader/actions/runs/30433642`,
      });

    await deliver(app, 'push', fixture('push'));

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
    expect(attempt!.dispatchNonce).toMatch(/^[0-9a-f]{32}$/);
  });

  it('finds the run by the nonce in its run-name when GitHub does not return run details', async () => {
    mockToken();
    mockConfig();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(201, { id: 4400102 });
    let nonce = '';
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches', (body) => {
        nonce = body.inputs.nonce;
        return true;
      })
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

    await deliver(app, 'push', fixture('push'));

    expect(await app.ledger.findByNonce(nonce)).toMatchObject({
      workflowRunId: 30433643,
      state: 'dispatched',
    });
  });

  it('fails a check run listing the config problems with file:line when the course config is invalid', async () => {
    mockToken();
    mockConfig(COURSE_YAML.replace('kind: predictions', 'kind: prediction'));
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs', (body) => {
        expect(body).toMatchObject({
          name: 'mlgrade: course config',
          status: 'completed',
          conclusion: 'failure',
        });
        expect(body.output.title).toBe('Course config has errors');
        expect(body.output.summary).toContain('`ml-course/.github`');
        expect(body.output.summary).toMatch(
          /`\.github\/mlgrade\.yml:\d+:\d+` `assignments\[0\]\.checks\[2\]\.kind`/,
        );
        return true;
      })
      .reply(201, { id: 1 });

    await deliver(app, 'push', fixture('push'));
    expect(await app.ledger.listPending()).toEqual([]);
  });

  it('says where to create the config when the config repository has none', async () => {
    mockToken();
    nock(API)
      .get('/repos/ml-course/.github/contents/.github%2Fmlgrade.yml')
      .reply(404, { message: 'Not Found' });
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs', (body) => {
        expect(body.output.summary).toContain('file not found in ml-course/.github (default branch)');
        return true;
      })
      .reply(201, { id: 1 });

    await deliver(app, 'push', fixture('push'));
  });

  it('ignores repositories that match no assignment', async () => {
    mockToken();
    mockConfig();
    const payload = fixture<{ repository: { name: string; full_name: string } }>('push');
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

    await deliver(app, 'push', fixture('push'), 'delivery-1');
    await deliver(app, 'push', fixture('push'), 'delivery-1');
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
    const deleted = { ...fixture('push'), deleted: true, after: '0'.repeat(40) };
    const tag = { ...fixture('push'), ref: 'refs/tags/v1' };
    await deliver(app, 'push', deleted);
    await deliver(app, 'push', tag);
  });
});

async function tokenClient(app: Harness) {
  const { installationClient } = await import('../../src/github/github-client.js');
  return installationClient({ octokit: await app.probot.auth(42) } as never);
}
