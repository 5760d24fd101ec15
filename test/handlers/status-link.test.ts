/**
 * The queued check run links the queue's status page when the app knows its public URL, so a
 * student can follow their place in line without the app spending GitHub writes on it.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
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

/** Pushes once; returns the body of the check-run POST. */
async function pushAndReadCheckRun(app: Harness) {
  let created: Record<string, unknown> = {};
  mockToken();
  mockConfig();
  nock(API)
    .post('/repos/ml-course/m4-alice/check-runs', (body) => {
      created = body;
      return true;
    })
    .reply(201, { id: 4400999 });
  nock(API)
    .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
    .reply(200, { workflow_run_id: 30433999 });
  await deliver(app, 'push', { ...fixture<Record<string, unknown>>('push'), after: randomSha() });
  return created as { details_url?: string; output: { summary: string } };
}

describe('the queued check run, with MLGRADE_PUBLIC_URL', () => {
  const harness = useAppHarness({ MLGRADE_PUBLIC_URL: 'https://grader.example.edu/' });

  it('links the status page of its repository', async () => {
    const created = await pushAndReadCheckRun(harness.app());
    expect(created.details_url).toBe('https://grader.example.edu/mlgrade/status/ml-course/m4-alice');
    expect(created.output.summary).toContain(created.details_url);
  });
});

describe('the queued check run, without MLGRADE_PUBLIC_URL', () => {
  const harness = useAppHarness();

  it('has no link', async () => {
    const created = await pushAndReadCheckRun(harness.app());
    expect(created.details_url).toBeUndefined();
  });
});
