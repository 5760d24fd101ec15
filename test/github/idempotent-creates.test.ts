/**
 * A create that GitHub answered with a 5xx may still have happened. Before retrying, the write
 * scheduler looks for what the failed try made: a check run by its `external_id`, a comment by its
 * marker. Before this, a 502 on a check-run POST left two check runs, one of them "Queued" forever.
 */
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCheckRun } from '../../src/github/check-runs.js';
import { commentMarker, upsertComment } from '../../src/github/pr-comment.js';
import { createWriteScheduler } from '../../src/github/write-scheduler.js';
import type { Attempt } from '../../src/store/ledger-types.js';

const API = 'https://api.github.com';
const SHA = 'c'.repeat(40);
const attempt = {
  id: 'attempt-7f3a',
  repository: 'ml-course/m4-alice',
  assignmentId: 'milestone-4',
  sha: SHA,
} as Attempt;

function client() {
  // A clock that moves only when the scheduler sleeps: backoffs and rate-limit pauses take no time.
  let now = Date.parse('2026-11-25T04:00:00Z');
  const scheduler = createWriteScheduler({
    maxRetries: 3,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    random: () => 0.5,
  });
  const octokit = new Octokit({ auth: 'ghs_test', log: { debug() {}, info() {}, warn() {}, error() {} } });
  octokit.hook.wrap('request', scheduler.wrap);
  return { octokit, scheduler };
}

/** GitHub's check runs of the commit under the assignment's name, as the list endpoint returns them. */
function listing(runs: { id: number; external_id: string; pull_requests?: { number: number }[] }[]) {
  nock(API)
    .get(`/repos/ml-course/m4-alice/commits/${SHA}/check-runs`)
    .query({ check_name: 'mlgrade: milestone-4', filter: 'all', per_page: '100' })
    .reply(200, { total_count: runs.length, check_runs: runs });
}

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('creates retried after a 5xx', () => {
  it('finds the check run the failed POST created, by external_id, instead of creating a second', async () => {
    const { octokit, scheduler } = client();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(502, { message: 'Bad Gateway' });
    listing([
      { id: 101, external_id: 'another-attempt' },
      { id: 102, external_id: 'attempt-7f3a' },
    ]);
    expect((await createCheckRun(octokit, attempt)).id).toBe(102);
    expect(scheduler.metrics.requests.POST).toBe(1);
  });

  it('the run found stands for the created one with its pull requests (the comment goes there)', async () => {
    // Before, the run found carried only its id: a completion created after a 502 lost its PR comment.
    const { octokit } = client();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(502, { message: 'Bad Gateway' });
    listing([{ id: 104, external_id: 'attempt-7f3a', pull_requests: [{ number: 3 }] }]);
    const report = { conclusion: 'success' as const, title: '35 / 100 points', summary: 's' };
    expect(await createCheckRun(octokit, attempt, report)).toEqual({ id: 104, pullRequests: [3] });
  });

  it('creates again when the failed POST made nothing', async () => {
    const { octokit, scheduler } = client();
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(504, { message: 'Gateway Timeout' });
    listing([{ id: 101, external_id: 'another-attempt' }]);
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs', (body) => body.external_id === 'attempt-7f3a')
      .reply(201, { id: 103 });
    expect((await createCheckRun(octokit, attempt)).id).toBe(103);
    expect(scheduler.metrics.requests.POST).toBe(2);
  });

  it('does not look when the POST was refused by a rate limit (nothing was created)', async () => {
    const { octokit } = client();
    nock(API)
      .post('/repos/ml-course/m4-alice/check-runs')
      .reply(429, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '1' });
    nock(API).post('/repos/ml-course/m4-alice/check-runs').reply(201, { id: 104 });
    expect((await createCheckRun(octokit, attempt)).id).toBe(104);
  });

  it('finds the PR comment the failed POST posted, by its marker', async () => {
    const { octokit, scheduler } = client();
    const marker = commentMarker('milestone-4');
    // Nothing remembered: the first listing finds no comment, so the comment is created.
    nock(API).get('/repos/ml-course/m4-alice/issues/7/comments').query(true).reply(200, []);
    nock(API).post('/repos/ml-course/m4-alice/issues/7/comments').reply(500, { message: 'Server Error' });
    nock(API)
      .get('/repos/ml-course/m4-alice/issues/7/comments')
      .query(true)
      .reply(200, [{ id: 9001, body: `${marker}\n35 / 100 points` }]);
    expect(await upsertComment(octokit, 'ml-course/m4-alice', 7, 'milestone-4', '35 / 100 points')).toBe(
      'created',
    );
    expect(scheduler.metrics.requests.POST).toBe(1);
  });
});
