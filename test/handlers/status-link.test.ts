/**
 * The queued check run links the queue's status page when the app knows its public URL, so a
 * student can follow their place in line without the app spending GitHub writes on it.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  deliver,
  fixture,
  type Harness,
  mockConfig,
  mockToken,
  openTestLedger,
  randomSha,
  startApp,
} from '../app/app-harness.js';

describe('the queued check run', () => {
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

  async function pushWith(env: NodeJS.ProcessEnv) {
    const app: Harness = await startApp(ledger, env);
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
    expect(nock.pendingMocks()).toEqual([]);
    return created as { details_url?: string; output: { summary: string } };
  }

  it('links the status page of its repository when MLGRADE_PUBLIC_URL is set', async () => {
    const created = await pushWith({ MLGRADE_PUBLIC_URL: 'https://grader.example.edu/' });
    expect(created.details_url).toBe('https://grader.example.edu/mlgrade/status/ml-course/m4-alice');
    expect(created.output.summary).toContain(created.details_url);
  });

  it('has no link without it', async () => {
    const created = await pushWith({});
    expect(created.details_url).toBeUndefined();
  });
});
