/**
 * dispatchWorkflow against a GitHub Enterprise Server that predates `return_run_details`: the
 * refused dispatch started no run, so it is sent again without the key and the run is found by its
 * nonce, as docs/github-app.md describes.
 */
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchWorkflow } from '../../src/github/dispatch-workflow.js';

const API = 'https://api.github.com';
const DISPATCH = '/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches';
const grader = {
  owner: 'ml-course',
  repo: 'mlgrade-grader',
  workflow: 'mlgrade-grade.yml',
  ref: 'main',
  runsOn: '["self-hosted","gpu"]',
  resultsSecret: 'secret',
};
const attempts = [
  {
    attempt: 'a1',
    repository: 'ml-course/m4-alice',
    repository_name: 'm4-alice',
    sha: 'f'.repeat(40),
    assignment: 'milestone-4',
  },
];

describe('dispatchWorkflow', () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('dispatches again without return_run_details when the server refuses the key, and finds the run by nonce', async () => {
    const bodies: Record<string, unknown>[] = [];
    nock(API)
      .post(DISPATCH, (body) => bodies.push(body) > 0)
      .reply(422, {
        message: 'Invalid request.\n\n"return_run_details" is not a permitted key.',
        documentation_url: 'https://docs.github.com/enterprise-server@3.14/rest',
      })
      .post(DISPATCH, (body) => bodies.push(body) > 0)
      .reply(204);
    const sentNonce = () => (bodies[1] as { inputs: { nonce: string } }).inputs.nonce;
    nock(API)
      .get('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/runs')
      .query(true)
      .reply(200, () => ({
        total_count: 2,
        workflow_runs: [
          { id: 71, name: 'mlgrade grade', display_title: 'mlgrade 0123' },
          { id: 72, name: 'mlgrade grade', display_title: `mlgrade ${sentNonce()}` },
        ],
      }));
    const github = new Octokit({ auth: 'ghs_test' });
    const outcome = await dispatchWorkflow(github, grader, attempts, { lookupDelayMs: 0 });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatchObject({ return_run_details: true });
    expect(bodies[1]).not.toHaveProperty('return_run_details');
    expect((bodies[1] as { inputs: { nonce: string } }).inputs.nonce).toBe(outcome.nonce);
    expect(outcome.workflowRunId).toBe(72);
  });

  it('still reports any other 422 (a missing input, a wrong ref) without dispatching again', async () => {
    nock(API).post(DISPATCH).reply(422, { message: 'No ref found for: main' });
    const github = new Octokit({ auth: 'ghs_test' });
    await expect(dispatchWorkflow(github, grader, attempts, { lookupDelayMs: 0 })).rejects.toThrow(
      /No ref found for: main/,
    );
    expect(nock.pendingMocks()).toEqual([]);
  });
});
