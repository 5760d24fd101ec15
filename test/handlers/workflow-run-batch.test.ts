/**
 * The batch workflow (templates/workflows/mlgrade-grade-batch.yml): one job grades every attempt of a
 * dispatch with the action's batch mode and uploads one `mlgrade-results-batch` artifact. The
 * collector downloads it once and completes each attempt from its own entry.
 */
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mainBatch } from '../../action/batch.js';
import { InstallationClients } from '../../src/github/installation-clients.js';
import { createOutboxWorker, sendContext } from '../../src/github/outbox-worker.js';
import { resultsKey } from '../../src/results/results-signature.js';
import type { Attempt, Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  asserting,
  closeOpenAttempts,
  deliver,
  fixture,
  type Harness,
  mockConfig,
  mockToken,
  openTestLedger,
  randomSha,
  startApp,
  throwAssertionFailures,
} from '../app/app-harness.js';
import { tempDir } from '../helpers/temp-dir.js';

let RUN = 51433642;
let NONCE = '';
const GRADER = '/repos/ml-course/mlgrade-grader';

/** Every file under `dir`, by path relative to it, as the upload-artifact action zips a directory. */
async function zipDirectory(dir: string): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, absolute).split(path.sep).join('/')] = await readFile(absolute);
  }
  return zipSync(files);
}

describe('workflow_run.completed for a batch run', () => {
  let app: Harness;
  let ledger: Ledger;
  let alice: Attempt;
  let bob: Attempt;
  beforeAll(async () => {
    nock.disableNetConnect();
    ledger = await openTestLedger();
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await ledger.close();
  });
  beforeEach(async () => {
    NONCE = randomSha().slice(0, 32);
    RUN += 10;
    app = await startApp(ledger);
    const open = async (login: string, id: number, index: number, checkRunId: number) => {
      const created = await app.ledger.createAttempt({
        courseId: 'ml-systems-demo',
        assignmentId: 'milestone-4',
        repository: `ml-course/m4-${login}`,
        repositoryId: id,
        studentId: id + 1,
        studentLogin: login,
        sha: randomSha(),
        trigger: 'push',
      });
      return app.ledger.updateAttempt(created.attempt.id, {
        checkRunId,
        state: 'dispatched',
        workflowRunId: RUN,
        dispatchNonce: `${NONCE}.${index}`,
      });
    };
    alice = await open('alice', 820001, 0, 4500101);
    bob = await open('bob', 820011, 1, 4500102);
  });
  afterEach(async () => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    await closeOpenAttempts(ledger);
    throwAssertionFailures();
    expect(pending).toStrictEqual([]);
  });

  /**
   * Runs the action's batch mode for real over checkouts of the example submissions (alice passing,
   * bob broken; `skip` gets no checkout, as when its fetch failed) and returns the uploaded zip.
   */
  async function gradedBatch(attempts: Attempt[], skip?: Attempt): Promise<Uint8Array> {
    const work = await tempDir();
    const submissions = path.join(work, 'submissions');
    for (const attempt of attempts) {
      if (attempt === skip) continue;
      await mkdir(submissions, { recursive: true });
      const example = attempt === alice ? 'm4-passing' : 'm4-broken';
      await cp(path.resolve('examples/submissions', example), path.join(submissions, attempt.id), {
        recursive: true,
      });
    }
    const results = path.join(work, 'mlgrade-results');
    const output = await mainBatch({
      config: path.resolve('examples/course/mlgrade.yml'),
      submissions,
      attempts: attempts.map((attempt) => ({
        attempt: attempt.id,
        repository: attempt.repository,
        sha: attempt.sha,
        assignment: attempt.assignmentId,
      })),
      data: undefined,
      results,
      resultsKey: resultsKey('development', NONCE),
      jobs: 2,
    });
    expect(output.outcomes.map((outcome) => outcome.status)).toEqual(
      attempts.map((attempt) => (attempt === skip ? 'failed' : 'graded')),
    );
    return zipDirectory(results);
  }

  function mockBatchArtifact(zip: Uint8Array) {
    nock(API)
      .get(`${GRADER}/actions/runs/${RUN}/artifacts`)
      .query(true)
      .reply(200, {
        total_count: 1,
        artifacts: [{ id: 91, name: 'mlgrade-results-batch', size_in_bytes: zip.length, expired: false }],
      });
    // Exactly one download, however many attempts the batch answers.
    nock(API)
      .get(`${GRADER}/actions/artifacts/91/zip`)
      .once()
      .reply(200, Buffer.from(zip), { 'content-type': 'application/zip' });
  }

  function runPayload(conclusion = 'success') {
    const payload = fixture<{ workflow_run: { id: number; display_title: string; conclusion: string } }>(
      'workflow_run.completed',
    );
    payload.workflow_run.id = RUN;
    payload.workflow_run.display_title = `mlgrade ${NONCE}`;
    payload.workflow_run.conclusion = conclusion;
    return payload;
  }

  it('completes every attempt of the run from its own entry of one downloaded batch artifact', async () => {
    const zip = await gradedBatch([alice, bob]);
    mockToken();
    mockBatchArtifact(zip);
    mockConfig();
    const titles = new Map<number, string>();
    for (const checkRun of [4500101, 4500102])
      nock(API)
        .patch(
          `/repos/ml-course/m4-${checkRun === 4500101 ? 'alice' : 'bob'}/check-runs/${checkRun}`,
          asserting((body) => {
            expect(body.status).toBe('completed');
            titles.set(checkRun, body.output.title);
          }),
        )
        .reply(200, { pull_requests: [] });

    await deliver(app, 'workflow_run', runPayload());

    expect(await app.ledger.getAttempt(alice.id)).toMatchObject({
      state: 'completed',
      conclusion: 'success',
    });
    expect(await app.ledger.getAttempt(bob.id)).toMatchObject({ state: 'completed' });
    // Each attempt got its own submission's score: the passing example 35, the broken one less.
    expect((await app.ledger.getResults(alice.id))?.score.points).toBe(35);
    expect((await app.ledger.getResults(bob.id))?.score.points).toBeLessThan(35);
    expect(titles.get(4500101)).toBe('35 / 100 points (65 pending review)');
  });

  it('a 502 on one check-run completion neither stops the run’s other attempts nor loses the write', async () => {
    const zip = await gradedBatch([alice, bob]);
    mockToken();
    mockBatchArtifact(zip);
    mockConfig();
    nock(API).patch('/repos/ml-course/m4-alice/check-runs/4500101').reply(502, { message: 'Bad Gateway' });
    nock(API).patch('/repos/ml-course/m4-bob/check-runs/4500102').reply(200, { pull_requests: [] });

    await deliver(app, 'workflow_run', runPayload());

    // Both verdicts are stored; alice's completion waits in the outbox, backing off.
    expect(await app.ledger.getAttempt(alice.id)).toMatchObject({
      state: 'completed',
      conclusion: 'success',
    });
    expect(await app.ledger.getAttempt(bob.id)).toMatchObject({ state: 'completed' });
    const [waiting] = await app.ledger.outbox.ofAttempt(alice.id);
    expect(waiting).toMatchObject({ state: 'pending', tries: 1, kind: 'check_run' });
    expect(waiting?.lastError).toMatch(/Bad Gateway/);
    expect((await app.ledger.outbox.ofAttempt(bob.id)).map((item) => item.state)).toEqual(['done']);

    // A later drain (here another worker, as after a restart, an hour on) makes the write.
    nock(API)
      .patch(
        '/repos/ml-course/m4-alice/check-runs/4500101',
        asserting((body) => {
          expect(body).toMatchObject({ status: 'completed', conclusion: 'success' });
          expect(body.output.title).toBe('35 / 100 points (65 pending review)');
        }),
      )
      .reply(200, { pull_requests: [] });
    const clients = new InstallationClients(async () => (await app.probot.auth()) as never);
    clients.remember('ml-course', 42);
    const later = createOutboxWorker({
      outbox: app.ledger.outbox,
      clients,
      context: sendContext(app.ledger),
      log: { info: () => {}, warn: () => {}, error: () => {} },
      now: () => new Date(Date.now() + 3_600_000),
    });
    later.kick();
    await later.idle();
    expect((await app.ledger.outbox.ofAttempt(alice.id)).map((item) => item.state)).toEqual(['done']);
  });

  it('reports an attempt the batch could not grade as an infrastructure error, and completes the rest', async () => {
    const zip = await gradedBatch([alice, bob], bob);
    mockToken();
    mockBatchArtifact(zip);
    mockConfig();
    nock(API).patch('/repos/ml-course/m4-alice/check-runs/4500101').reply(200, { pull_requests: [] });
    nock(API)
      .patch(
        '/repos/ml-course/m4-bob/check-runs/4500102',
        asserting((body) => {
          expect(body.conclusion).toBe('neutral');
          expect(body.output.summary).toContain(
            `grader run ${RUN} graded its batch but not this attempt: mlgrade-results-batch holds no results for it`,
          );
        }),
      )
      .reply(200, {});

    await deliver(app, 'workflow_run', runPayload());

    expect(await app.ledger.getAttempt(alice.id)).toMatchObject({ state: 'completed' });
    expect(await app.ledger.getAttempt(bob.id)).toMatchObject({
      state: 'infra_error',
      conclusion: 'neutral',
    });
  });

  it('rejects the whole batch when one entry is unsafe: every attempt gets invalid results', async () => {
    const zip = zipSync({
      [`${alice.id}/mlgrade-results.json`]: strToU8('{}'),
      '../escape': strToU8('x'),
    });
    mockToken();
    mockBatchArtifact(zip);
    mockConfig();
    for (const [login, checkRun] of [
      ['alice', 4500101],
      ['bob', 4500102],
    ] as const)
      nock(API)
        .patch(`/repos/ml-course/m4-${login}/check-runs/${checkRun}`, (body) =>
          body.output.summary.includes('unsafe entry name'),
        )
        .reply(200, {});

    await deliver(app, 'workflow_run', runPayload());
    expect(await app.ledger.getAttempt(alice.id)).toMatchObject({ state: 'invalid_results' });
    expect(await app.ledger.getAttempt(bob.id)).toMatchObject({ state: 'invalid_results' });
  });

  it('finds every attempt of a batch by its nonce when the run id was never stored', async () => {
    for (const attempt of [alice, bob]) await app.ledger.updateAttempt(attempt.id, { workflowRunId: null });
    const zip = await gradedBatch([alice, bob]);
    mockToken();
    mockBatchArtifact(zip);
    mockConfig();
    nock(API).patch('/repos/ml-course/m4-alice/check-runs/4500101').reply(200, { pull_requests: [] });
    nock(API).patch('/repos/ml-course/m4-bob/check-runs/4500102').reply(200, { pull_requests: [] });

    await deliver(app, 'workflow_run', runPayload());

    expect(await app.ledger.getAttempt(alice.id)).toMatchObject({ state: 'completed', workflowRunId: RUN });
    expect(await app.ledger.getAttempt(bob.id)).toMatchObject({ state: 'completed', workflowRunId: RUN });
  });
});
