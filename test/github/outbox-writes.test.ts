/**
 * An attempt's check run has one outbox key from its announcement to its completion: stored while
 * the announcement waits, the completion replaces it and the run is created once, completed. The
 * send creates a run only when none is known (the ledger, then GitHub by `external_id` on a retry).
 */
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  announceWrite,
  attemptOutcomeWrites,
  type SendContext,
  sendWrite,
} from '../../src/github/outbox-writes.js';
import type { Attempt, Ledger } from '../../src/store/ledger-types.js';
import { OUTBOX_PRIORITY, type OutboxItem } from '../../src/store/outbox.js';
import { openTestLedger } from '../app/app-harness.js';

const API = 'https://api.github.com';
const SHA = 'd'.repeat(40);
const report = { conclusion: 'success' as const, title: '35 / 100 points', summary: 's' };
const attempt = {
  id: 'a1',
  repository: 'ml-course/m4-Alice',
  assignmentId: 'milestone-4',
  sha: SHA,
  pullRequest: 3 as number | null,
} as Attempt;

/** The ledger side of sending, in a map: which check run each attempt has. */
function context(known: Record<string, number> = {}): SendContext & { known: Record<string, number> } {
  return {
    known,
    checkRuns: {
      idOf: async (id) => known[id],
      remember: async (id, checkRunId) => {
        known[id] = checkRunId;
      },
    },
    comments: { get: async () => undefined, set: async () => {} },
  };
}

function item(put: ReturnType<typeof announceWrite>, tries = 1): OutboxItem {
  return {
    id: 'row-1',
    key: put.key,
    kind: put.kind,
    repository: put.repository,
    attemptId: put.attemptId ?? null,
    payload: JSON.parse(JSON.stringify(put.payload)),
    priority: put.priority,
    state: 'pending',
    tries,
    version: 1,
    lastError: null,
    createdAt: new Date(),
  };
}

const octokit = new Octokit({ auth: 'ghs_test', log: { debug() {}, info() {}, warn() {}, error() {} } });
const runs = '/repos/ml-course/m4-Alice/check-runs';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('the outbox writes of an attempt’s check run', () => {
  it('announce and complete under one key; the announcement goes first, the comment last', () => {
    const [outcome] = attemptOutcomeWrites(attempt, report, 'body');
    const announce = announceWrite(attempt);
    expect(announce.key).toBe('check_run:ml-course/m4-alice:attempt:a1');
    expect(outcome?.key).toBe(announce.key);
    expect(announce.priority).toBeLessThan(outcome!.priority);
    expect(outcome!.priority).toBeLessThan(OUTBOX_PRIORITY.comment);
    expect(outcome?.payload).toEqual({
      attempt: { id: 'a1', repository: 'ml-course/m4-Alice', sha: SHA, assignmentId: 'milestone-4' },
      report,
      comment: { assignmentId: 'milestone-4', markdown: 'body', pullRequests: [3] },
    });
  });

  it('creates the run completed when none exists yet (one write), remembering its id', async () => {
    const ctx = context();
    let sent: Record<string, unknown> = {};
    nock(API)
      .post(runs, (body) => {
        sent = body;
        return true;
      })
      .reply(201, { id: 555, pull_requests: [{ number: 9 }] });
    const next = await sendWrite(octokit, item(attemptOutcomeWrites(attempt, report, 'body')[0]!), ctx);
    expect(sent).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      external_id: 'a1',
      head_sha: SHA,
      name: 'mlgrade: milestone-4',
      output: { title: '35 / 100 points' },
    });
    expect(ctx.known.a1).toBe(555);
    // The comment goes to the run's pull request and the attempt's own.
    expect(next.map((put) => (put.payload as { pullRequest: number }).pullRequest).sort()).toEqual([3, 9]);
  });

  it('creates a queued run for an announcement, and completes it later with a PATCH', async () => {
    const ctx = context();
    nock(API)
      .post(runs, (body) => body.status === 'queued' && body.external_id === 'a1')
      .reply(201, { id: 556 });
    expect(await sendWrite(octokit, item(announceWrite(attempt)), ctx)).toEqual([]);
    nock(API)
      .patch(`${runs}/556`, (body) => body.status === 'completed')
      .reply(200, { pull_requests: [] });
    await sendWrite(octokit, item(attemptOutcomeWrites({ ...attempt, pullRequest: null }, report)[0]!), ctx);
  });

  it('sends nothing for an announcement of a run that exists (a resumed attempt)', async () => {
    expect(await sendWrite(octokit, item(announceWrite(attempt)), context({ a1: 557 }))).toEqual([]);
  });

  it('on a retry, looks for the run an earlier try may have created before creating one', async () => {
    const ctx = context();
    nock(API)
      .get(`${runs.replace('/check-runs', '')}/commits/${SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 558, external_id: 'a1' }] });
    nock(API).patch(`${runs}/558`).reply(200, { pull_requests: [] });
    await sendWrite(
      octokit,
      item(attemptOutcomeWrites({ ...attempt, pullRequest: null }, report)[0]!, 2),
      ctx,
    );
    expect(ctx.known.a1).toBe(558);
  });
});

describe('coalescing in the ledger’s outbox', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await openTestLedger();
  });
  afterAll(async () => ledger.close());

  it('a completion stored while the announcement waits replaces it: one row, sent first, completed', async () => {
    const waiting = { ...attempt, id: 'coalesce-1' } as Attempt;
    await ledger.outbox.put([announceWrite(waiting)]);
    await ledger.outbox.put(attemptOutcomeWrites(waiting, report));
    const [row, ...rest] = await ledger.outbox.claim(10, 60_000);
    expect(rest).toEqual([]);
    expect(row?.priority).toBe(OUTBOX_PRIORITY.announce);
    expect((row!.payload as { report?: unknown }).report).toEqual(report);
  });
});
