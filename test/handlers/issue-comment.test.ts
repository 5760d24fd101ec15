/**
 * `/mlgrade` commands in pull-request comments, through the real app: GitHub mocked with nock at its
 * boundary (asserting what is sent), the ledger real (PGlite), results graded from the example
 * submission by the real checks.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import nock from 'nock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { gradeAndScore } from '../../src/grading/grade-and-score.js';
import type { Results } from '../../src/results/results-schema.js';
import type { AssignmentScore } from '../../src/results/score-types.js';
import type { Attempt, Ledger } from '../../src/store/ledger-types.js';
import {
  API,
  asserting,
  deliver,
  type Harness,
  mockConfig,
  mockToken,
  randomSha,
  useAppHarness,
} from '../app/app-harness.js';

const OWNER = 'ml-course';
const PERMISSION = (login: string) => `/repos/${OWNER}/.github/collaborators/${login}/permission`;
const PULL = 3;

let graded: { results: Results; score: AssignmentScore };

beforeAll(async () => {
  const { config } = await loadConfig(path.resolve('examples/course/mlgrade.yml'));
  const assignment = config!.assignments.find((candidate) => candidate.id === 'milestone-4')!;
  graded = await gradeAndScore({
    course: config!,
    assignment,
    submissionDir: path.resolve('examples/submissions/m4-passing'),
    dataDir: path.resolve('examples/hidden-data'),
    submittedAt: new Date('2026-12-01T12:00:00Z'),
  });
}, 120_000);

describe('issue_comment: /mlgrade commands', () => {
  const harness = useAppHarness();
  let app: Harness;
  let ledger: Ledger;
  let student = '';
  let repo = '';
  let checkRunId = 0;
  let commentId = 0;
  beforeEach(() => {
    app = harness.app();
    ledger = harness.ledger();
    // A repository per test: manual scores belong to a repository and assignment.
    student = `s${randomUUID().slice(0, 8)}`;
    repo = `m4-${student}`;
    checkRunId += 1000;
    commentId = Math.floor(Math.random() * 1e9);
  });

  /** A completed, scored attempt on the pull request, as the collector leaves it. */
  async function gradedAttempt(): Promise<Attempt> {
    const { attempt } = await ledger.createAttempt({
      courseId: 'ml-systems-demo',
      assignmentId: 'milestone-4',
      repository: `${OWNER}/${repo}`,
      repositoryId: 9001,
      studentId: 583231,
      studentLogin: student,
      sha: randomSha(),
      trigger: 'pull_request',
      pullRequest: PULL,
      deliveryId: randomUUID(),
    });
    await ledger.saveResults(attempt.id, graded.results, graded.score);
    return ledger.updateAttempt(attempt.id, {
      state: 'completed',
      checkRunId,
      conclusion: 'success',
      completedAt: new Date(),
    });
  }

  function comment(
    body: string,
    options: { by?: string; action?: string; from?: string; updated?: string } = {},
  ) {
    const by = options.by ?? 'prof-lee';
    return {
      action: options.action ?? 'created',
      issue: {
        number: PULL,
        title: 'Milestone 4',
        pull_request: { url: `${API}/repos/${OWNER}/${repo}/pulls/${PULL}` },
      },
      comment: {
        id: commentId,
        body,
        html_url: `https://github.com/${OWNER}/${repo}/pull/${PULL}#issuecomment-${commentId}`,
        user: { login: by, id: 77001, type: 'User' },
        created_at: '2026-12-06T10:00:00Z',
        updated_at: options.updated ?? '2026-12-06T10:00:00Z',
      },
      ...(options.from !== undefined ? { changes: { body: { from: options.from } } } : {}),
      repository: { id: 9001, name: repo, full_name: `${OWNER}/${repo}`, owner: { login: OWNER } },
      sender: { login: by, id: 77001, type: 'User' },
      installation: { id: 42 },
    };
  }

  function mockPermission(login: string, permission: string) {
    nock(API).get(PERMISSION(login)).reply(200, { permission, user: { login } });
  }

  function mockReaction(content: '+1' | 'confused') {
    nock(API)
      .post(
        `/repos/${OWNER}/${repo}/issues/comments/${commentId}/reactions`,
        asserting((body) => expect(body).toEqual({ content })),
      )
      .reply(201, { id: 1, content });
  }

  /** The check run's new title and the PR comment's new body, as the app sends them. */
  function mockRepublish(expectTitle: (title: string) => void, expectBody: (body: string) => void) {
    nock(API)
      .patch(
        `/repos/${OWNER}/${repo}/check-runs/${checkRunId}`,
        asserting((body) => {
          expect(Object.keys(body).sort()).toEqual(['output']);
          expect(body.output.annotations).toBeUndefined();
          expectTitle(body.output.title);
        }),
      )
      .reply(200, { id: checkRunId });
    nock(API)
      .get(`/repos/${OWNER}/${repo}/issues/${PULL}/comments`)
      .query(true)
      .reply(200, [{ id: 555, body: '<!-- mlgrade:comment assignment=milestone-4 -->\nold report' }]);
    nock(API)
      .patch(
        `/repos/${OWNER}/${repo}/issues/comments/555`,
        asserting((body) => expectBody(body.body)),
      )
      .reply(200, { id: 555 });
  }

  it('records an instructor score with who, where and which attempt, then updates the check run and comment in place', async () => {
    const attempt = await gradedAttempt();
    // The example rubric: performance-analysis (25), code-quality (20) and systems-understanding (20)
    // are manual, so 65 points are pending before any score.
    expect(graded.score.pendingPoints).toBe(65);
    mockToken();
    mockPermission('prof-lee', 'write');
    mockConfig();
    mockRepublish(
      (title) => expect(title).toBe(`${graded.score.points + 20} / 100 points (40 pending review)`),
      (body) => expect(body).toContain('Scored by prof-lee: thorough error analysis'),
    );
    mockReaction('+1');

    // Exactly these requests (nock fails on any other): permission, config, check run, comment list
    // and update (the list only the first time), reaction.
    await deliver(
      app,
      'issue_comment',
      comment('/mlgrade score performance-analysis 20 thorough error analysis'),
    );

    expect(await ledger.listManualScores(`${OWNER}/${repo}`, 'milestone-4')).toEqual({
      'performance-analysis': { points: 20, note: 'thorough error analysis', by: 'prof-lee' },
    });
    const [event] = await ledger.listScoreEvents({ repository: `${OWNER}/${repo}` });
    expect(event).toMatchObject({
      criterionId: 'performance-analysis',
      points: 20,
      by: 'prof-lee',
      attemptId: attempt.id,
      source: 'comment',
      sourceUrl: `https://github.com/${OWNER}/${repo}/pull/${PULL}#issuecomment-${commentId}`,
    });
    const stored = await ledger.getResults(attempt.id);
    expect(stored?.score.pendingPoints).toBe(40);
    expect(stored?.score.points).toBe(graded.score.points + 20);
  });

  it('carries out the valid lines and answers every problem in one reply', async () => {
    await gradedAttempt();
    mockToken();
    mockPermission('prof-lee', 'admin');
    mockConfig();
    mockRepublish(
      (title) => expect(title).toContain('(45 pending review)'),
      () => undefined,
    );
    mockReaction('confused');
    nock(API)
      .post(
        `/repos/${OWNER}/${repo}/issues/${PULL}/comments`,
        asserting((body) =>
          expect(body.body).toBe(
            [
              '@prof-lee some commands could not be carried out:',
              '',
              '- line 2: no criterion `quality` in milestone-4; did you mean `code-quality`?',
              '- line 3: 21 is out of range for `code-quality`: give 0 to 20 points.',
              '- line 4: `lots` is not a number of points for `systems-understanding` (0 to 20); write `clear` to remove a score.',
              '',
              'The other commands were carried out.',
            ].join('\n'),
          ),
        ),
      )
      .reply(201, { id: 777 });

    await deliver(
      app,
      'issue_comment',
      comment(
        [
          '/mlgrade score code-quality 20',
          '/mlgrade score quality 10',
          '/mlgrade score code-quality 21',
          '/mlgrade score systems-understanding lots',
          '```',
          '/mlgrade score performance-analysis 25',
          '```',
        ].join('\n'),
      ),
    );

    expect(await ledger.listManualScores(`${OWNER}/${repo}`, 'milestone-4')).toEqual({
      'code-quality': { points: 20, by: 'prof-lee' },
    });
  });

  it('changes nothing for a student, says so once, and not again on an edit', async () => {
    await gradedAttempt();
    mockToken();
    mockPermission(student, 'read');
    mockReaction('confused');
    nock(API)
      .post(
        `/repos/${OWNER}/${repo}/issues/${PULL}/comments`,
        asserting((body) => expect(body.body).toContain('only instructors')),
      )
      .reply(201, { id: 778 });
    await deliver(app, 'issue_comment', comment('/mlgrade score code-quality 20', { by: student }));

    mockPermission(student, 'read');
    await deliver(
      app,
      'issue_comment',
      comment('/mlgrade score code-quality 19', {
        by: student,
        action: 'edited',
        from: '/mlgrade score code-quality 20',
        updated: '2026-12-06T10:05:00Z',
      }),
    );

    expect(await ledger.listManualScores(`${OWNER}/${repo}`, 'milestone-4')).toEqual({});
    expect(await ledger.listScoreEvents({ repository: `${OWNER}/${repo}` })).toEqual([]);
  });

  it('makes no request for quoted or fenced commands, bots, or a deleted comment', async () => {
    await gradedAttempt();
    await deliver(app, 'issue_comment', comment('> /mlgrade score code-quality 20\n\n    /mlgrade regrade'));
    const fromBot = comment('/mlgrade score code-quality 20');
    fromBot.comment.user.type = 'Bot';
    await deliver(app, 'issue_comment', fromBot);
    await deliver(app, 'issue_comment', comment('/mlgrade score code-quality 20', { action: 'deleted' }));
    expect(await ledger.listScoreEvents({ repository: `${OWNER}/${repo}` })).toEqual([]);
  });

  it('applies an edit that changes a score, ignores a redelivery, and a level label and clear work', async () => {
    await gradedAttempt();
    mockToken();
    mockPermission('prof-lee', 'maintain');
    mockConfig();
    mockRepublish(
      () => undefined,
      () => undefined,
    );
    mockReaction('+1');
    const created = comment('/mlgrade score code-quality 12');
    const delivery = randomUUID();
    await deliver(app, 'issue_comment', created, delivery);
    await deliver(app, 'issue_comment', created, delivery); // redelivered: no request, no row

    // The edit changes the score and adds a level label for an automatic criterion (accuracy: Proficient is 22).
    mockPermission('prof-lee', 'maintain');
    nock(API).patch(`/repos/${OWNER}/${repo}/check-runs/${checkRunId}`).reply(200, {});
    nock(API)
      .patch(
        `/repos/${OWNER}/${repo}/issues/comments/555`,
        asserting((body) => expect(body.body).toContain('Proficient')),
      )
      .reply(200, {});
    mockReaction('+1');
    await deliver(
      app,
      'issue_comment',
      comment('/mlgrade score code-quality 15\n/mlgrade score accuracy proficient', {
        action: 'edited',
        from: '/mlgrade score code-quality 12',
        updated: '2026-12-06T10:07:00Z',
      }),
    );
    expect(await ledger.listManualScores(`${OWNER}/${repo}`, 'milestone-4')).toMatchObject({
      'code-quality': { points: 15 },
      accuracy: { points: 22 },
    });

    commentId += 1;
    mockPermission('prof-lee', 'maintain');
    nock(API).patch(`/repos/${OWNER}/${repo}/check-runs/${checkRunId}`).reply(200, {});
    nock(API).patch(`/repos/${OWNER}/${repo}/issues/comments/555`).reply(200, {});
    mockReaction('+1');
    await deliver(app, 'issue_comment', comment('/mlgrade score code-quality clear'));
    const history = await ledger.listScoreEvents({ repository: `${OWNER}/${repo}` });
    expect(history.map((event) => [event.criterionId, event.points])).toEqual([
      ['code-quality', 12],
      ['code-quality', 15],
      ['accuracy', 22],
      ['code-quality', null],
    ]);
    expect(await ledger.listManualScores(`${OWNER}/${repo}`, 'milestone-4')).toEqual({
      accuracy: { points: 22, note: 'Proficient', by: 'prof-lee' },
    });
  });

  it('/mlgrade regrade starts an instructor regrade of the graded commit', async () => {
    const attempt = await gradedAttempt();
    mockToken();
    mockPermission('prof-lee', 'write');
    mockConfig();
    nock(API)
      .post(
        `/repos/${OWNER}/${repo}/check-runs`,
        asserting((body) => expect(body).toMatchObject({ head_sha: attempt.sha, status: 'queued' })),
      )
      .reply(201, { id: checkRunId + 1 });
    nock(API)
      .post('/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches')
      .reply(200, { workflow_run_id: 99 });
    mockReaction('+1');
    nock(API)
      .post(
        `/repos/${OWNER}/${repo}/issues/${PULL}/comments`,
        asserting((body) =>
          expect(body.body).toBe(`Regrading \`milestone-4\` at ${attempt.sha.slice(0, 7)}.`),
        ),
      )
      .reply(201, { id: 779 });

    await deliver(app, 'issue_comment', comment('/mlgrade regrade'));

    expect(await ledger.findByCheckRun(checkRunId + 1)).toMatchObject({
      trigger: 'regrade',
      sha: attempt.sha,
    });
  });
});
