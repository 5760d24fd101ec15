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

const DISPATCH = '/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches';

describe('pull_request, check_run and installation', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  let sha = '';
  beforeEach(() => {
    sha = randomSha();
    app = harness.app();
    ledger = harness.ledger();
  });

  function pullRequest() {
    const payload = fixture<{ pull_request: { head: { sha: string } } }>('pull_request.synchronize');
    payload.pull_request.head.sha = sha;
    return payload;
  }

  it('grades the head of a synchronized pull request, remembering the PR number', async () => {
    mockToken();
    mockConfig();
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/check-runs',
        asserting((body) => expect(body).toMatchObject({ head_sha: sha, status: 'queued' })),
      )
      .reply(201, { id: 501 });
    nock(API).post(DISPATCH).reply(200, { workflow_run_id: 601 });

    await deliver(app, 'pull_request', pullRequest());

    expect(await ledger.findByCheckRun(501)).toMatchObject({ trigger: 'pull_request', pullRequest: 3, sha });
  });

  it('grades a commit once when its push and its pull_request both arrive', async () => {
    mockToken();
    mockConfig();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(201, { id: 502 });
    nock(API).post(DISPATCH).reply(200, { workflow_run_id: 602 });

    await deliver(app, 'push', { ...fixture<object>('push'), after: sha });
    await deliver(app, 'pull_request', pullRequest());
  });

  it('identifies the student from the roster when someone else pushed', async () => {
    mockToken();
    mockConfig();
    nock(API)
      .get('/repos/ml-course/.github/contents/.github%2Fmlgrade-roster.csv')
      .reply(404, { message: 'Not Found' });
    nock(API)
      .get('/repos/ml-course/.github/contents/.github%2Fmlgrade-roster.yml')
      .reply(200, 'alice: 583231\nbob: 4412907\n', { 'content-type': 'application/vnd.github.raw' });
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(201, { id: 503 });
    nock(API).post(DISPATCH).reply(200, { workflow_run_id: 603 });
    const byInstructor = { ...fixture<object>('push'), after: sha, sender: { login: 'prof-lee', id: 77001 } };

    await deliver(app, 'push', byInstructor);

    expect(await ledger.findByCheckRun(503)).toMatchObject({ studentId: 583231, studentLogin: 'alice' });
  });

  it('ignores pull requests from forks', async () => {
    const payload = pullRequest() as unknown as { pull_request: { head: { repo: { id: number } } } };
    payload.pull_request.head.repo.id = 1;
    await deliver(app, 'pull_request', payload);
  });

  it('does not take a pull request without an installation as handled: its redelivery is graded', async () => {
    const id = crypto.randomUUID();
    const bare = pullRequest() as unknown as { installation?: unknown };
    delete bare.installation;
    // No request is made for it (nock refuses any), and nothing is recorded ...
    await deliver(app, 'pull_request', bare, id);
    // ... so GitHub's redelivery of the same delivery, once the app is installed, is graded.
    mockToken();
    mockConfig();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(201, { id: 507 });
    nock(API).post(DISPATCH).reply(200, { workflow_run_id: 607 });
    await deliver(app, 'pull_request', pullRequest(), id);
    expect(await ledger.findByCheckRun(507)).toMatchObject({ trigger: 'pull_request', sha });
  });

  it.each([
    ['a bot (Dependabot)', { login: 'dependabot[bot]', id: 49699333, type: 'Bot' }],
    ['github-actions', { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }],
    ['no sender', undefined],
  ])('grades no pull request or push by %s: it would spend a student attempt', async (_, sender) => {
    const withSender = <T extends object>(payload: T) => {
      const copy = { ...payload } as T & { sender?: unknown };
      if (sender) copy.sender = sender;
      else delete copy.sender;
      return copy;
    };
    await deliver(app, 'pull_request', withSender(pullRequest()));
    await deliver(app, 'push', withSender({ ...fixture<object>('push'), after: sha }));
    expect((await ledger.listPending(1000)).filter((attempt) => attempt.sha === sha)).toEqual([]);
  });

  it.each([
    ['rerequested', 'check_run.rerequested', undefined, 'rerequested'],
    ['the Regrade button, pressed by an instructor', 'check_run.requested_action', 200, 'regrade'],
    // A student can press it too (they can write to their repository): it then counts as a re-run.
    ['the Regrade button, pressed by a student', 'check_run.requested_action', 404, 'rerequested'],
  ] as const)(
    'starts a new attempt for the same commit and student on %s',
    async (_, name, permission, trigger) => {
      const first = await ledger.createAttempt({
        courseId: 'ml-systems-demo',
        assignmentId: 'milestone-4',
        repository: 'ml-course/m4-alice',
        repositoryId: 810001,
        studentId: 583231,
        studentLogin: 'alice',
        sha,
        trigger: 'push',
      });
      const checkRunId = 700 + (permission === undefined ? 0 : permission === 200 ? 1 : 2);
      await ledger.updateAttempt(first.attempt.id, { checkRunId, state: 'completed' });
      mockToken();
      if (permission === 200) {
        nock(API)
          .get('/repos/ml-course/.github/collaborators/prof-lee/permission')
          .reply(200, { permission: 'admin' });
      } else if (permission === 404) {
        nock(API)
          .get('/repos/ml-course/.github/collaborators/prof-lee/permission')
          .reply(404, { message: 'Not Found' });
      }
      mockConfig();
      nock(API)
        .post(
          '/repos/ml-course/m4-alice/check-runs',
          asserting((body) => expect(body).toMatchObject({ head_sha: sha, name: 'mlgrade: milestone-4' })),
        )
        .reply(201, { id: 800 + checkRunId });
      nock(API)
        .post(DISPATCH)
        .reply(200, { workflow_run_id: 900 + checkRunId });
      const payload = fixture<{ check_run: { id: number; head_sha: string } }>(name);
      payload.check_run.id = checkRunId;
      payload.check_run.head_sha = sha;

      await deliver(app, 'check_run', payload);

      expect(await ledger.findByCheckRun(800 + checkRunId)).toMatchObject({
        trigger,
        sha,
        studentId: 583231,
        state: 'dispatched',
      });
    },
  );

  it('ignores requested actions that are not Regrade, and check runs that are not mlgrade attempts', async () => {
    const other = {
      ...fixture('check_run.requested_action'),
      requested_action: { identifier: 'something-else' },
    };
    await deliver(app, 'check_run', other);
    const unknown = fixture<{ check_run: { id: number } }>('check_run.rerequested');
    unknown.check_run.id = 123456789;
    await deliver(app, 'check_run', unknown);
  });

  it('logs installations without calling GitHub', async () => {
    await deliver(app, 'installation', fixture('installation.created'));
  });
});
