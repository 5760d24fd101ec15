import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../action/main.js';
import { resultsKey, signResults } from '../../src/results/results-signature.js';
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

let SHA = '';
let RUN = 30433642;
let NONCE = '';
const GRADER = '/repos/ml-course/mlgrade-grader';

/** The key the app (WEBHOOK_SECRET unset in tests: the development secret) minted for a dispatch. */
const keyOf = (nonce: string) => resultsKey('development', nonce);

/** An artifact zip holding `results` signed with the dispatch's key, as the grader action would. */
function signedZip(results: unknown, nonce = NONCE): Uint8Array {
  const text = `${JSON.stringify(results, null, 2)}\n`;
  return zipSync({
    'mlgrade-results.json': strToU8(text),
    'mlgrade-results.json.sig': strToU8(signResults(keyOf(nonce), text)),
  });
}

/**
 * Results of the example passing submission, graded for `attemptId` by the real action code with the
 * dispatch's key, and the artifact zip of the files it wrote.
 */
async function gradedResults(attemptId: string, sha = SHA) {
  const file = path.join(await tempDir(), 'mlgrade-results.json');
  await main({
    config: path.resolve('examples/course/mlgrade.yml'),
    submission: path.resolve('examples/submissions/m4-passing'),
    assignment: 'milestone-4',
    data: undefined,
    results: file,
    attemptId,
    repository: 'ml-course/m4-alice',
    sha,
    resultsKey: keyOf(NONCE),
  });
  const text = await readFile(file);
  const zip = zipSync({
    'mlgrade-results.json': text,
    'mlgrade-results.json.sig': await readFile(`${file}.sig`),
  });
  return { results: JSON.parse(text.toString('utf8')) as Record<string, unknown>, zip };
}

describe('workflow_run.completed', () => {
  let app: Harness;
  let attempt: Attempt;
  let ledger: Ledger;
  beforeAll(async () => {
    nock.disableNetConnect();
    ledger = await openTestLedger();
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await ledger.close();
  });
  beforeEach(async () => {
    SHA = randomSha();
    NONCE = randomSha().slice(0, 32);
    RUN += 10;
    app = await startApp(ledger);
    const created = await app.ledger.createAttempt({
      courseId: 'ml-systems-demo',
      assignmentId: 'milestone-4',
      repository: 'ml-course/m4-alice',
      repositoryId: 810001,
      studentId: 583231,
      studentLogin: 'alice',
      sha: SHA,
      trigger: 'push',
    });
    attempt = await app.ledger.updateAttempt(created.attempt.id, {
      checkRunId: 4400101,
      state: 'dispatched',
      workflowRunId: RUN,
      dispatchNonce: `${NONCE}.0`,
    });
  });
  afterEach(async () => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    await closeOpenAttempts(ledger);
    throwAssertionFailures();
    expect(pending).toStrictEqual([]);
  });

  function mockArtifact(zip: Uint8Array, name = `mlgrade-results-${attempt.id}`) {
    nock(API)
      .get(`${GRADER}/actions/runs/${RUN}/artifacts`)
      .query(true)
      .reply(200, {
        total_count: 1,
        artifacts: [{ id: 77, name, size_in_bytes: zip.length, expired: false }],
      });
    // GitHub answers the download with a redirect to blob storage.
    nock(API)
      .get(`${GRADER}/actions/artifacts/77/zip`)
      .reply(302, '', { location: 'https://pipelines.actions.githubusercontent.example/blob/77.zip' });
    nock('https://pipelines.actions.githubusercontent.example')
      .get('/blob/77.zip')
      .reply(200, Buffer.from(zip), { 'content-type': 'application/zip' });
  }

  /** Expects the attempt's check run to be completed with a body that passes `check`. */
  function expectCheckRun(check: Parameters<typeof asserting>[0]) {
    nock(API).patch('/repos/ml-course/m4-alice/check-runs/4400101', asserting(check)).reply(200, {});
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

  it('scores the results, completes the check run with a Regrade button and comments once on the PR', async () => {
    const { zip } = await gradedResults(attempt.id);
    mockToken();
    mockArtifact(zip);
    mockConfig();
    nock(API)
      .patch(
        '/repos/ml-course/m4-alice/check-runs/4400101',
        asserting((body) => {
          expect(body).toMatchObject({
            status: 'completed',
            conclusion: 'success',
            actions: [{ label: 'Regrade', identifier: 'regrade', description: expect.any(String) }],
          });
          expect(body.output.title).toBe('35 / 100 points (65 pending review)');
          expect(body.output.summary).toContain('Milestone 4: Advanced Vision (CIFAR-10)');
          expect(Buffer.byteLength(body.output.summary)).toBeLessThanOrEqual(65_535);
        }),
      )
      .reply(200, { id: 4400101, pull_requests: [{ number: 3 }] });
    nock(API).get('/repos/ml-course/m4-alice/issues/3/comments').query(true).reply(200, []);
    nock(API)
      .post(
        '/repos/ml-course/m4-alice/issues/3/comments',
        asserting((body) => {
          expect(body.body).toMatch(/^<!-- mlgrade:comment assignment=milestone-4 -->\n## /);
        }),
      )
      .reply(201, { id: 9001 });

    await deliver(app, 'workflow_run', runPayload());

    expect(await app.ledger.getAttempt(attempt.id)).toMatchObject({
      state: 'completed',
      conclusion: 'success',
    });
    expect((await app.ledger.getResults(attempt.id))?.score.points).toBe(35);
  });

  it('updates the existing comment in place, and skips the write when nothing changed', async () => {
    // The comment was made before the ledger kept comments (or by an earlier test of this file).
    await app.ledger.comments.forget({
      repository: 'ml-course/m4-alice',
      pullRequest: 3,
      assignmentId: 'milestone-4',
    });
    const { results, zip } = await gradedResults(attempt.id);
    mockToken();
    mockArtifact(zip);
    mockConfig();
    nock(API)
      .patch('/repos/ml-course/m4-alice/check-runs/4400101')
      .reply(200, { pull_requests: [{ number: 3 }] });
    nock(API)
      .get('/repos/ml-course/m4-alice/issues/3/comments')
      .query(true)
      .reply(200, [
        { id: 1, body: 'Nice work!' },
        { id: 8001, body: '<!-- mlgrade:comment assignment=milestone-4 -->\nold report' },
      ]);
    let written = '';
    nock(API)
      .patch(
        '/repos/ml-course/m4-alice/issues/comments/8001',
        asserting((body) => {
          written = body.body;
        }),
      )
      .reply(200, { id: 8001 });
    await deliver(app, 'workflow_run', runPayload());

    // A regrade of the same commit produces the same report: no comment write at all.
    const again = await app.ledger.createAttempt({ ...attempt, trigger: 'regrade' });
    const rerunNonce = randomSha().slice(0, 32);
    await app.ledger.updateAttempt(again.attempt.id, {
      checkRunId: 4400102,
      state: 'dispatched',
      workflowRunId: RUN + 1,
      dispatchNonce: `${rerunNonce}.0`,
    });
    const rerun = runPayload();
    rerun.workflow_run.id = RUN + 1;
    const regraded = {
      ...results,
      submission: { ...(results.submission as object), attemptId: again.attempt.id },
    };
    nock(API)
      .get(`${GRADER}/actions/runs/${RUN + 1}/artifacts`)
      .query(true)
      .reply(200, {
        artifacts: [
          { id: 78, name: `mlgrade-results-${again.attempt.id}`, size_in_bytes: 10, expired: false },
        ],
      });
    nock(API)
      .get(`${GRADER}/actions/artifacts/78/zip`)
      .reply(200, Buffer.from(signedZip(regraded, rerunNonce)));
    nock(API)
      .patch('/repos/ml-course/m4-alice/check-runs/4400102')
      .reply(200, { pull_requests: [{ number: 3 }] });
    await deliver(app, 'workflow_run', rerun);

    expect(written).toContain('Milestone 4: Advanced Vision (CIFAR-10)');
  });

  it('rejects results that answer another attempt or commit (invalid results, failure)', async () => {
    const { zip } = await gradedResults(attempt.id, 'f'.repeat(40));
    mockToken();
    mockArtifact(zip);
    mockConfig();
    expectCheckRun((body) => {
      expect(body.conclusion).toBe('failure');
      expect(body.output.summary).toContain(`commit is "${'f'.repeat(40)}", expected "${SHA}"`);
    });

    await deliver(app, 'workflow_run', runPayload());
    expect(await app.ledger.getAttempt(attempt.id)).toMatchObject({ state: 'invalid_results' });
  });

  it.each([
    [
      'unsigned',
      (results: unknown) => zipSync({ 'mlgrade-results.json': strToU8(JSON.stringify(results)) }),
      'results are not signed',
    ],
    [
      'signed with another dispatch’s key',
      (results: unknown) => signedZip(results, 'e'.repeat(32)),
      'results signature does not match',
    ],
  ])(
    'rejects %s results as invalid, flagged to the instructor, even when they answer the attempt',
    async (_, forge, why) => {
      const { results } = await gradedResults(attempt.id);
      mockToken();
      mockArtifact(forge(results));
      mockConfig();
      expectCheckRun((body) => {
        expect(body.conclusion).toBe('failure');
        expect(body.output.title).toBe('Grading results were invalid');
        expect(body.output.summary).toContain(why);
      });

      await deliver(app, 'workflow_run', runPayload());
      expect(await app.ledger.getAttempt(attempt.id)).toMatchObject({
        state: 'invalid_results',
        error: expect.stringContaining(why),
      });
      expect(await app.ledger.getResults(attempt.id)).toBeFalsy();
    },
  );

  it('rejects a zip with a path-traversal entry', async () => {
    const zip = zipSync({ 'mlgrade-results.json': strToU8('{}'), '../escape': strToU8('x') });
    mockToken();
    mockArtifact(zip);
    mockConfig();
    nock(API)
      .patch('/repos/ml-course/m4-alice/check-runs/4400101', (body) =>
        body.output.summary.includes('unsafe entry name'),
      )
      .reply(200, {});

    await deliver(app, 'workflow_run', runPayload());
    expect(await app.ledger.getAttempt(attempt.id)).toMatchObject({ state: 'invalid_results' });
  });

  it('turns a failed run without results into a neutral infrastructure error', async () => {
    mockToken();
    nock(API).get(`${GRADER}/actions/runs/${RUN}/artifacts`).query(true).reply(200, { artifacts: [] });
    mockConfig();
    expectCheckRun((body) => {
      expect(body.conclusion).toBe('neutral');
      expect(body.output.title).toContain('does not count as an attempt');
    });

    await deliver(app, 'workflow_run', runPayload('failure'));
    expect(await app.ledger.getAttempt(attempt.id)).toMatchObject({ state: 'infra_error' });
  });

  it.each(['failure', 'cancelled', 'timed_out'])(
    'does not read the artifact of a run that finished %s: neutral infrastructure error saying why',
    async (conclusion) => {
      mockToken();
      // Only the listing: a download of the (possibly planted) artifact would be an unmatched request.
      nock(API)
        .get(`${GRADER}/actions/runs/${RUN}/artifacts`)
        .query(true)
        .reply(200, {
          artifacts: [{ id: 77, name: `mlgrade-results-${attempt.id}`, size_in_bytes: 300, expired: false }],
        });
      mockConfig();
      expectCheckRun((body) => {
        expect(body.conclusion).toBe('neutral');
        expect(body.output.title).toBe('Grading infrastructure error (does not count as an attempt)');
        expect(body.output.summary).toContain(
          `grader run ${RUN} finished (${conclusion}); results of a run that did not succeed are not scored, so mlgrade-results-${attempt.id} was not read`,
        );
      });

      await deliver(app, 'workflow_run', runPayload(conclusion));
      expect(await app.ledger.getAttempt(attempt.id)).toMatchObject({
        state: 'infra_error',
        conclusion: 'neutral',
        error: expect.stringContaining(`finished (${conclusion})`),
      });
      expect(await app.ledger.getResults(attempt.id)).toBeFalsy();
    },
  );

  it('ignores runs it did not dispatch and runs outside the grader repository', async () => {
    const stranger = runPayload();
    stranger.workflow_run.id = 1;
    stranger.workflow_run.display_title = 'nightly build';
    await deliver(app, 'workflow_run', stranger);
    const elsewhere = fixture<{ repository: { name: string } }>('workflow_run.completed');
    elsewhere.repository.name = 'm4-alice';
    await deliver(app, 'workflow_run', elsewhere);
  });
});
