/**
 * Rescoring from the app after the config changes (course.rescore_on_change). The ledger holds two
 * graded milestone-4 attempts of the example passing submission (accuracy 0.8+: Exemplary, 25
 * points; 35 in all with 65 pending review). The new config asks 0.95 for Exemplary, so by the
 * example rubric's levels both fall to Proficient (22): 35 → 32, worked out by hand.
 */
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { gradeAndScore } from '../../src/grading/grade-and-score.js';
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

type Graded = Awaited<ReturnType<typeof gradeAndScore>>;
let graded: Graded;

beforeAll(async () => {
  const { config } = await loadConfig('examples/course/mlgrade.yml');
  graded = await gradeAndScore({
    course: config!,
    assignment: config!.assignments.find((a) => a.id === 'milestone-4')!,
    submissionDir: path.resolve('examples/submissions/m4-passing'),
    dataDir: path.resolve('examples/hidden-data'),
  });
}, 60_000);

/** The example config with `rescore_on_change` set and Exemplary accuracy raised to 0.95. */
function changedConfig(mode: 'off' | 'preview' | 'apply'): string {
  const yaml = parse(COURSE_YAML);
  yaml.course.rescore_on_change = mode;
  const m4 = yaml.assignments.find((a: { id: string }) => a.id === 'milestone-4');
  m4.rubric.find((c: { id: string }) => c.id === 'accuracy').levels[0].min = 0.95;
  return stringify(yaml);
}

describe('rescore after a config change', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  let logins: string[] = [];
  const CONFIG_SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246'; // the push fixture's `after`

  beforeEach(async () => {
    app = harness.app();
    ledger = harness.ledger();
    // Fresh students per test: the ledger is shared by the file's tests.
    logins = [`a${randomSha().slice(0, 6)}`, `b${randomSha().slice(0, 6)}`];
    for (const [index, login] of logins.entries()) {
      const { attempt } = await ledger.createAttempt({
        courseId: 'ml-systems-demo',
        assignmentId: 'milestone-4',
        repository: `ml-course/m4-${login}`,
        repositoryId: 900 + index,
        studentId: null,
        studentLogin: login,
        sha: randomSha(),
        trigger: 'push',
      });
      await ledger.saveResults(attempt.id, graded.results, graded.score);
      await ledger.updateAttempt(attempt.id, { state: 'completed', checkRunId: 5000 + index });
    }
  });
  afterEach(async () => {
    // Later tests must not rescore these students again.
    for (const login of logins)
      for (const row of await ledger.listAssignmentResults('milestone-4'))
        if (row.attempt.studentLogin === login)
          await ledger.updateAttempt(row.attempt.id, { state: 'superseded' });
  });

  const points = async () =>
    (await ledger.listAssignmentResults('milestone-4'))
      .filter((row) => logins.includes(row.attempt.studentLogin ?? ''))
      .map((row) => row.score.points);

  function expectPublished() {
    for (const [index, login] of logins.entries())
      nock(API)
        .patch(
          `/repos/ml-course/m4-${login}/check-runs/${5000 + index}`,
          asserting((body) => {
            expect(body.output.title).toBe('32 / 100 points (65 pending review)');
            expect(body.actions).toBeUndefined();
          }),
        )
        .reply(200, {});
  }

  it('previews on the config commit, stores and shows nothing, until an instructor applies it', async () => {
    mockToken();
    mockConfig(changedConfig('preview'));
    let preview: Record<string, unknown> = {};
    nock(API)
      .post(
        '/repos/ml-course/.github/check-runs',
        asserting((body) => {
          preview = body;
        }),
      )
      .reply(201, { id: 6001 });

    await deliver(app, 'push', fixture('push.config-repository'));

    expect(preview).toMatchObject({
      name: 'mlgrade rescore',
      head_sha: CONFIG_SHA,
      status: 'completed',
      conclusion: 'neutral',
      actions: [{ label: 'Apply rescore', identifier: 'rescore-apply' }],
    });
    const output = preview.output as { title: string; summary: string };
    expect(output.summary).toMatch(
      new RegExp(`ml-course/m4-${logins[0]} .*35 → 32 / 100 .*accuracy 25 → 22`),
    );
    expect(output.summary).toContain('Nothing is stored or shown to students yet');
    expect(await points()).toEqual([35, 35]);

    // The instructor presses Apply: the config's head is still the previewed commit.
    const press = {
      ...fixture<Record<string, unknown>>('check_run.requested_action'),
      repository: { ...fixture<{ repository: object }>('push.config-repository').repository },
      check_run: { id: 6001, name: 'mlgrade rescore', head_sha: CONFIG_SHA },
      requested_action: { identifier: 'rescore-apply' },
    };
    nock(API)
      .get('/repos/ml-course/.github/collaborators/prof-lee/permission')
      .reply(200, { permission: 'write' });
    nock(API)
      .get('/repos/ml-course/.github/branches/main')
      .reply(200, { name: 'main', commit: { sha: CONFIG_SHA } });
    mockConfig(changedConfig('preview'));
    expectPublished();
    nock(API)
      .patch(
        '/repos/ml-course/.github/check-runs/6001',
        asserting((body) => {
          expect(body.actions).toEqual([]);
          expect(body.output.title).toMatch(/^Rescored: \d+ attempts change/);
          expect(body.output.summary).toContain('Applied by @prof-lee.');
        }),
      )
      .reply(200, {});

    await deliver(app, 'check_run', press);

    expect(await points()).toEqual([32, 32]);
  });

  it('applies at once with rescore_on_change: apply', async () => {
    mockToken();
    mockConfig(changedConfig('apply'));
    expectPublished();
    nock(API)
      .post(
        '/repos/ml-course/.github/check-runs',
        asserting((body) => {
          expect(body.output.title).toMatch(/^Rescored: /);
          expect(body.actions).toBeUndefined();
        }),
      )
      .reply(201, { id: 6002 });

    await deliver(app, 'push', fixture('push.config-repository'));
    expect(await points()).toEqual([32, 32]);
  });

  it('does nothing more than re-read the config when it does not opt in', async () => {
    mockToken();
    mockConfig(changedConfig('off'));
    await deliver(app, 'push', fixture('push.config-repository'));
    expect(await points()).toEqual([35, 35]);
  });

  it('refuses to apply a preview of a config that has changed since, and stores nothing', async () => {
    mockToken();
    const press = {
      ...fixture<Record<string, unknown>>('check_run.requested_action'),
      repository: { ...fixture<{ repository: object }>('push.config-repository').repository },
      check_run: { id: 6003, name: 'mlgrade rescore', head_sha: CONFIG_SHA },
      requested_action: { identifier: 'rescore-apply' },
    };
    nock(API)
      .get('/repos/ml-course/.github/collaborators/prof-lee/permission')
      .reply(200, { permission: 'admin' });
    nock(API)
      .get('/repos/ml-course/.github/branches/main')
      .reply(200, { name: 'main', commit: { sha: 'e'.repeat(40) } });
    nock(API)
      .patch(
        '/repos/ml-course/.github/check-runs/6003',
        asserting((body) => {
          expect(body.output.title).toBe('Rescore not applied: the config changed since this preview');
          expect(body.actions).toEqual([]);
        }),
      )
      .reply(200, {});

    await deliver(app, 'check_run', press);
    expect(await points()).toEqual([35, 35]);
  });

  it('ignores Apply pressed by someone who cannot write to the config repository', async () => {
    mockToken();
    const press = {
      ...fixture<Record<string, unknown>>('check_run.requested_action'),
      repository: { ...fixture<{ repository: object }>('push.config-repository').repository },
      check_run: { id: 6004, name: 'mlgrade rescore', head_sha: CONFIG_SHA },
      requested_action: { identifier: 'rescore-apply' },
    };
    nock(API).get('/repos/ml-course/.github/collaborators/prof-lee/permission').reply(404, {});

    await deliver(app, 'check_run', press);
    expect(await points()).toEqual([35, 35]);
  });
});
