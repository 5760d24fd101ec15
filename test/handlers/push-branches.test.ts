/**
 * Only the branches the course config names count as submissions (default: the repository's default
 * branch). Nock refuses every request not mocked here, so a check run or a dispatch for a branch that
 * does not count fails the test; the token and config mocks must be used (the config decides).
 */
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

const DISPATCH = '/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches';

/** The example course with `branches` set course-wide. */
function courseWithBranches(branches: string): string {
  const withBranches = COURSE_YAML.replace(
    '  timezone: America/New_York\n',
    `  timezone: America/New_York\n  branches: ${branches}\n`,
  );
  expect(withBranches).not.toBe(COURSE_YAML);
  return withBranches;
}

describe('push and pull_request: which branches count', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  let sha = '';
  beforeEach(() => {
    sha = randomSha();
    app = harness.app();
    ledger = harness.ledger();
  });

  /** The recorded push (default branch `main`), to `branch` at a fresh commit. */
  function pushTo(branch: string) {
    return { ...fixture('push'), ref: `refs/heads/${branch}`, after: sha };
  }

  /** The recorded pull request (head `m4`), into `base` at a fresh head commit. */
  function pullRequestInto(base: string) {
    const payload = fixture<{ pull_request: { head: { sha: string }; base: { ref: string } } }>(
      'pull_request.synchronize',
    );
    payload.pull_request.head.sha = sha;
    payload.pull_request.base.ref = base;
    return payload;
  }

  /** Whether the commit has an attempt in any state (queued ones may already be dispatched or given up). */
  async function attempted(): Promise<boolean> {
    return (await ledger.attemptBudget('ml-course/m4-alice', 'milestone-4', sha)).commitAttempted;
  }

  /** Requests nock refused during `run`: a write the app should not have made (it may retry them quietly). */
  async function refusedDuring(run: () => Promise<void>): Promise<string[]> {
    const refused: string[] = [];
    const record = (request: { method: string; path: string }) =>
      refused.push(`${request.method} ${request.path}`);
    nock.emitter.on('no match', record);
    try {
      await run();
    } finally {
      nock.emitter.removeListener('no match', record);
    }
    return refused;
  }

  function expectGraded(runId: number) {
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/check-runs',
        asserting((body) => expect(body).toMatchObject({ head_sha: sha, status: 'queued' })),
      )
      .reply(201, { id: runId });
    nock(API).post(DISPATCH).reply(200, { workflow_run_id: runId });
  }

  it('grades nothing, and writes nothing, for a push to a branch other than the default', async () => {
    mockToken();
    mockConfig();

    expect(await refusedDuring(() => deliver(app, 'push', pushTo('feature/idea')))).toEqual([]);

    expect(await attempted()).toBe(false);
  });

  it('grades a push to a branch the config names, and no longer the default branch alone', async () => {
    mockToken();
    mockConfig(courseWithBranches('["submit/*"]'));
    expectGraded(4600101);

    await deliver(app, 'push', pushTo('submit/final'));

    expect(await ledger.findByCheckRun(4600101)).toMatchObject({ sha, trigger: 'push' });
    sha = randomSha();
    expect(await refusedDuring(() => deliver(app, 'push', pushTo('main')))).toEqual([]);
    expect(await attempted()).toBe(false);
  });

  it("takes an assignment's own branches over the course's", async () => {
    mockToken();
    mockConfig(
      courseWithBranches('["submit/*"]').replace(
        '    attempts: { max: 20, keep: best }\n',
        '    attempts: { max: 20, keep: best }\n    branches: [main]\n',
      ),
    );
    expectGraded(4600102);

    await deliver(app, 'push', pushTo('main'));

    expect(await ledger.findByCheckRun(4600102)).toMatchObject({ sha, assignmentId: 'milestone-4' });
  });

  it('grades a pull request by its base branch: into the default branch yes, into another no', async () => {
    mockToken();
    mockConfig();

    expect(await refusedDuring(() => deliver(app, 'pull_request', pullRequestInto('experiments')))).toEqual(
      [],
    );
    expect(await attempted()).toBe(false);

    sha = randomSha();
    expectGraded(4600103);
    await deliver(app, 'pull_request', pullRequestInto('main'));
    expect(await ledger.findByCheckRun(4600103)).toMatchObject({
      sha,
      trigger: 'pull_request',
      pullRequest: 3,
    });
  });
});
