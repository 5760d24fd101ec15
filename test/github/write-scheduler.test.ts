import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWriteScheduler, type WriteSchedulerOptions } from '../../src/github/write-scheduler.js';

const API = 'https://api.github.com';
const START = Date.parse('2026-11-21T15:00:00Z');
const CHECK_RUN = { name: 'mlgrade', head_sha: 'a'.repeat(40) };

/** A clock that only moves when the scheduler sleeps, and remembers every sleep. */
function fakeClock() {
  const clock = { t: START, sleeps: [] as number[] };
  return {
    clock,
    options: {
      now: () => clock.t,
      sleep: async (ms: number) => {
        clock.sleeps.push(ms);
        clock.t += ms;
      },
      random: () => 0.5,
    } satisfies WriteSchedulerOptions,
  };
}

function setup(options: WriteSchedulerOptions = {}) {
  const { clock, options: seams } = fakeClock();
  const scheduler = createWriteScheduler({ ...seams, ...options });
  const octokit = new Octokit({ auth: 'ghs_test', log: { debug() {}, info() {}, warn() {}, error() {} } });
  octokit.hook.wrap('request', scheduler.wrap);
  const createCheckRun = () => octokit.rest.checks.create({ owner: 'cs329s', repo: 'm4-ada', ...CHECK_RUN });
  return { clock, scheduler, octokit, createCheckRun };
}

const checkRuns = () => nock(API).post('/repos/cs329s/m4-ada/check-runs', CHECK_RUN);

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe('write scheduler', () => {
  it('waits as long as retry-after says after a 429, then succeeds', async () => {
    const { clock, scheduler, createCheckRun } = setup();
    checkRuns().reply(429, { message: 'Too many requests' }, { 'retry-after': '3' });
    checkRuns().reply(201, { id: 42 });
    expect((await createCheckRun()).data).toEqual({ id: 42 });
    expect(clock.sleeps).toEqual([3000]);
    expect(scheduler.metrics).toMatchObject({ requests: { POST: 2 }, retries: 1, waits: 1, waitedMs: 3000 });
  });

  it('waits a minute on a secondary rate limit 403 without headers', async () => {
    const { clock, createCheckRun } = setup();
    checkRuns().reply(403, {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes.',
    });
    checkRuns().reply(201, { id: 43 });
    expect((await createCheckRun()).data).toEqual({ id: 43 });
    expect(clock.sleeps).toEqual([60_000]);
  });

  it('waits for x-ratelimit-reset when the primary limit is spent, reads included', async () => {
    const { clock, octokit } = setup();
    const reset = Math.floor(START / 1000) + 120;
    nock(API)
      .get('/repos/cs329s/m4-ada')
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(reset),
        },
      );
    nock(API).get('/repos/cs329s/m4-ada').reply(200, { full_name: 'cs329s/m4-ada' });
    const { data } = await octokit.rest.repos.get({ owner: 'cs329s', repo: 'm4-ada' });
    expect(data).toEqual({ full_name: 'cs329s/m4-ada' });
    expect(clock.sleeps).toEqual([121_000]);
  });

  it('pauses before the next request when a success spent the primary limit', async () => {
    const { clock, octokit } = setup();
    const reset = Math.floor(START / 1000) + 30;
    nock(API)
      .get('/repos/cs329s/m4-ada')
      .reply(200, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    nock(API).get('/repos/cs329s/m4-ada').reply(200, {}, { 'x-ratelimit-remaining': '4999' });
    await octokit.rest.repos.get({ owner: 'cs329s', repo: 'm4-ada' });
    expect(clock.sleeps).toEqual([]);
    await octokit.rest.repos.get({ owner: 'cs329s', repo: 'm4-ada' });
    expect(clock.sleeps).toEqual([31_000]);
  });

  it('backs off exponentially on 502 and succeeds', async () => {
    const { clock, scheduler, createCheckRun } = setup();
    checkRuns().times(2).reply(502, 'Bad gateway');
    checkRuns().reply(201, { id: 44 });
    expect((await createCheckRun()).data).toEqual({ id: 44 });
    expect(clock.sleeps).toEqual([750, 1500]);
    expect(scheduler.metrics.retries).toBe(2);
  });

  it('gives up after maxRetries, throwing the last error with its status', async () => {
    const { scheduler, createCheckRun } = setup({ maxRetries: 2 });
    checkRuns().times(3).reply(500, { message: 'Server error' });
    const error = await createCheckRun().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500 });
    expect((error as Error).message).toMatch(
      /^GitHub POST \/repos\/\{owner\}\/\{repo\}\/check-runs failed 3 times; giving up: Server error/,
    );
    expect(scheduler.metrics).toMatchObject({ requests: { POST: 3 }, retries: 2, gaveUp: 1 });
  });

  it('does not retry a 404 or a 403 that is not a rate limit, and the next write still goes out', async () => {
    const { scheduler, createCheckRun } = setup();
    checkRuns().reply(404, { message: 'Not Found' });
    checkRuns().reply(403, { message: 'Resource not accessible by integration' });
    checkRuns().reply(201, { id: 45 });
    const results = await Promise.allSettled([createCheckRun(), createCheckRun(), createCheckRun()]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : r.reason.status))).toEqual([
      404, 403, 201,
    ]);
    expect(scheduler.metrics.retries).toBe(0);
  });

  it('makes the 81st write in a minute wait for the window, keeping arrival order', async () => {
    const { clock, scheduler, octokit } = setup();
    const seen: number[] = [];
    nock(API)
      .post('/repos/cs329s/m4-ada/issues/1/comments')
      .times(81)
      .reply(201, (_uri, body) => {
        seen.push(Number((body as { body: string }).body));
        return { id: seen.length };
      });
    const comment = (i: number) =>
      octokit.rest.issues.createComment({
        owner: 'cs329s',
        repo: 'm4-ada',
        issue_number: 1,
        body: String(i),
      });
    await Promise.all(Array.from({ length: 81 }, (_, i) => comment(i)));
    expect(seen).toEqual(Array.from({ length: 81 }, (_, i) => i));
    expect(clock.sleeps).toEqual([60_000]);
    expect(scheduler.metrics).toMatchObject({ requests: { POST: 81 }, waits: 1, waitedMs: 60_000 });
  });

  it('does not count GETs against the write window', async () => {
    const { clock, octokit, createCheckRun } = setup({ writesPerMinute: 2 });
    checkRuns().times(3).reply(201, { id: 46 });
    nock(API).get('/repos/cs329s/m4-ada').times(5).reply(200, {});
    await createCheckRun();
    await createCheckRun();
    for (let i = 0; i < 5; i++) await octokit.rest.repos.get({ owner: 'cs329s', repo: 'm4-ada' });
    expect(clock.sleeps).toEqual([]);
    await createCheckRun();
    expect(clock.sleeps).toEqual([60_000]);
  });
});
