/**
 * The acceptance run of issue 11, through the real app: a class of 30 students with graded attempts,
 * an instructor's score comment on each pull request resolving every pending criterion (the PR
 * comments updated in place), then a `mlgrade: sync canvas` label on an issue in the config
 * repository sending exactly the 30 expected grades once, through injected throttling and one 5xx,
 * and the label again sending nothing. GitHub is mocked with nock; Canvas is the stateful fake of
 * test/lms/canvas-mock.ts; the ledger is real (PGlite).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { gradeAndScore } from '../../src/grading/grade-and-score.js';
import type { Results } from '../../src/results/results-schema.js';
import type { AssignmentScore } from '../../src/results/score-types.js';
import type { Ledger } from '../../src/store/ledger-types.js';
import { CANVAS, MockCanvas } from '../lms/canvas-mock.js';
import {
  API,
  asserting,
  COURSE_YAML,
  deliver,
  type Harness,
  mockToken,
  openTestLedger,
  randomSha,
  startApp,
  throwAssertionFailures,
} from './app-harness.js';

const OWNER = 'ml-course';
const STUDENTS = Array.from({ length: 30 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
const CANVAS_USER = (i: number) => String(9000 + i);
const CANVAS_COURSE = '101';
const CANVAS_ASSIGNMENT = '202';
/** What m4-passing earns automatically (accuracy Exemplary 25, deliverables 5, reproducibility 5). */
const AUTOMATIC = 35;
/** The instructor's scores for student i: performance-analysis (of 25), code-quality and systems-understanding (of 20). */
const manual = (i: number) => [5 + (i % 21), i % 21, 20 - (i % 7)] as const;
const expected = (i: number) => AUTOMATIC + manual(i).reduce((sum, points) => sum + points, 0);

/** The example course with Canvas ids for milestone-4. */
function courseYaml(): string {
  const config = parse(COURSE_YAML);
  config.course.lms = { canvas: { course_id: CANVAS_COURSE } };
  const m4 = config.assignments.find((assignment: { id: string }) => assignment.id === 'milestone-4');
  m4.lms = { canvas: { assignment_id: CANVAS_ASSIGNMENT } };
  return stringify(config);
}

const ROSTER = `\uFEFFlogin,canvas_id,email\r\n${STUDENTS.map((login, i) => `${login},${CANVAS_USER(i)},${login}@uni.test`).join('\r\n')}\r\n`;

describe('an instructor term: 30 students scored in their PRs, then synced to Canvas by a label', () => {
  let ledger: Ledger;
  let app: Harness;
  let graded: { results: Results; score: AssignmentScore };
  const canvas = new MockCanvas('canvas-token');

  beforeAll(async () => {
    nock.disableNetConnect();
    ledger = await openTestLedger();
    // GitHub's 80 writes a minute would make the 90 writes of 30 score commands take a minute; the
    // pacing has its own tests (test/github/write-scheduler.test.ts).
    app = await startApp(
      ledger,
      { CANVAS_URL: CANVAS, CANVAS_TOKEN: 'canvas-token' },
      { writesPerMinute: 1000 },
    );
    const { config } = await loadConfig(path.resolve('examples/course/mlgrade.yml'));
    graded = await gradeAndScore({
      course: config!,
      assignment: config!.assignments.find((assignment) => assignment.id === 'milestone-4')!,
      submissionDir: path.resolve('examples/submissions/m4-passing'),
      dataDir: path.resolve('examples/hidden-data'),
      submittedAt: new Date('2026-12-01T12:00:00Z'),
    });
    for (const [i, login] of STUDENTS.entries()) {
      const { attempt } = await ledger.createAttempt({
        courseId: 'ml-systems-demo',
        assignmentId: 'milestone-4',
        repository: `${OWNER}/m4-${login}`,
        repositoryId: 10_000 + i,
        studentId: 20_000 + i,
        studentLogin: login,
        sha: randomSha(),
        trigger: 'pull_request',
        pullRequest: 1,
        deliveryId: randomUUID(),
      });
      await ledger.saveResults(attempt.id, graded.results, graded.score);
      await ledger.updateAttempt(attempt.id, {
        state: 'completed',
        checkRunId: 50_000 + i,
        completedAt: new Date(),
      });
    }
    canvas.enrol(
      CANVAS_COURSE,
      CANVAS_ASSIGNMENT,
      STUDENTS.map((_, i) => CANVAS_USER(i)),
    );
    canvas.install();
  }, 120_000);

  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await ledger?.close();
  });

  it('the automatic part is what the rubric gives m4-passing', () => {
    expect(graded.score.points).toBe(AUTOMATIC);
    expect(graded.score.pendingPoints).toBe(65);
  });

  it('score comments resolve every pending criterion and update each PR comment in place', async () => {
    mockToken();
    nock(API)
      .get(`/repos/${OWNER}/.github/collaborators/prof-lee/permission`)
      .times(30)
      .reply(200, { permission: 'write' });
    nock(API)
      .get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade.yml`)
      .reply(200, courseYaml(), { 'content-type': 'application/vnd.github.raw' });
    const titles = new Map<string, string>();
    nock(API)
      .patch(/\/repos\/ml-course\/m4-s\d+\/check-runs\/\d+$/)
      .times(30)
      .reply(200, (uri, body) => {
        titles.set(uri.split('/')[3]!, (body as { output: { title: string } }).output.title);
        return {};
      });
    nock(API)
      .get(/\/repos\/ml-course\/m4-s\d+\/issues\/1\/comments/)
      .times(30)
      .reply(200, (uri) => {
        const repo = uri.split('/')[3]!;
        return [{ id: Number(repo.slice(4)), body: '<!-- mlgrade:comment assignment=milestone-4 -->\nold' }];
      });
    const updated: number[] = [];
    nock(API)
      .patch(/\/repos\/ml-course\/m4-s\d+\/issues\/comments\/\d+$/)
      .times(30)
      .reply(200, (uri) => {
        updated.push(Number(uri.split('/').pop()));
        return {};
      });
    nock(API)
      .post(
        /\/repos\/ml-course\/m4-s\d+\/issues\/comments\/\d+\/reactions$/,
        asserting((body) => expect(body).toEqual({ content: '+1' })),
      )
      .times(30)
      .reply(201, {});

    for (const [i, login] of STUDENTS.entries()) {
      const [analysis, quality, understanding] = manual(i);
      await deliver(app, 'issue_comment', {
        action: 'created',
        issue: { number: 1, title: 'Milestone 4', pull_request: { url: 'x' } },
        comment: {
          id: 700_000 + i,
          body: `Good work.\n/mlgrade score performance-analysis ${analysis}\n/mlgrade score code-quality ${quality}\n/mlgrade score systems-understanding ${understanding} ok`,
          html_url: `https://github.com/${OWNER}/m4-${login}/pull/1#issuecomment-${700_000 + i}`,
          user: { login: 'prof-lee', type: 'User' },
          created_at: '2026-12-06T10:00:00Z',
          updated_at: '2026-12-06T10:00:00Z',
        },
        repository: {
          id: 10_000 + i,
          name: `m4-${login}`,
          full_name: `${OWNER}/m4-${login}`,
          owner: { login: OWNER },
        },
        sender: { login: 'prof-lee', id: 77001, type: 'User' },
        installation: { id: 42 },
      });
    }
    throwAssertionFailures();
    expect(
      nock.pendingMocks().filter((mock) => !mock.startsWith(`GET ${CANVAS}`) && !mock.includes(CANVAS)),
    ).toEqual([]);
    // Each student's comment was updated in place (the id the listing returned), none created.
    expect(updated.sort((a, b) => a - b)).toEqual(STUDENTS.map((_, i) => i + 1));
    for (const [i, login] of STUDENTS.entries()) {
      expect(titles.get(`m4-${login}`)).toBe(`${expected(i)} / 100 points`);
      const latest = await ledger.latestResults(`${OWNER}/m4-${login}`, 'milestone-4');
      expect(latest?.score).toMatchObject({ complete: true, pendingPoints: 0, points: expected(i) });
    }
  }, 120_000);

  /** Mocks what a sync label costs on GitHub; returns the outcome comment's body when it comes. */
  function mockLabelRun(issue: number, readsRoster: boolean): { body: () => string } {
    let body = '';
    nock(API)
      .get(`/repos/${OWNER}/.github/collaborators/prof-lee/permission`)
      .reply(200, { permission: 'admin' });
    // The roster is cached like the config (5 minutes): only the first sync reads it.
    if (readsRoster)
      nock(API)
        .get(`/repos/${OWNER}/.github/contents/.github%2Fmlgrade-roster.csv`)
        .reply(200, ROSTER, { 'content-type': 'application/vnd.github.raw' });
    nock(API)
      .post(`/repos/${OWNER}/.github/issues/${issue}/comments`, (sent) => {
        body = sent.body;
        return true;
      })
      .reply(201, { id: 1 });
    nock(API)
      .delete(`/repos/${OWNER}/.github/issues/${issue}/labels/${encodeURIComponent('mlgrade: sync canvas')}`)
      .reply(200, []);
    nock(API)
      .post(
        `/repos/${OWNER}/.github/issues/${issue}/labels`,
        asserting((sent) => expect(sent).toEqual({ labels: ['mlgrade: synced'] })),
      )
      .reply(200, []);
    return { body: () => body };
  }

  function labelEvent(issue: number) {
    return {
      action: 'labeled',
      label: { name: 'mlgrade: sync canvas' },
      issue: {
        number: issue,
        title: 'Sync milestone-4 to Canvas',
        body: 'End of term.',
        labels: [{ name: 'mlgrade: sync canvas' }],
        html_url: `https://github.com/${OWNER}/.github/issues/${issue}`,
      },
      repository: { id: 1, name: '.github', full_name: `${OWNER}/.github`, owner: { login: OWNER } },
      sender: { login: 'prof-lee', id: 77001, type: 'User' },
      installation: { id: 42 },
    };
  }

  it('a sync label sends the 30 grades once through throttling and a 5xx, and the next sends nothing', async () => {
    canvas.faults.push(
      {
        method: 'GET',
        path: '/submissions',
        status: 403,
        body: '403 Forbidden (Rate Limit Exceeded)',
        headers: { 'retry-after': '0', 'x-rate-limit-remaining': '0' },
      },
      { method: 'POST', path: '/update_grades', status: 503, body: 'Service Unavailable' },
    );
    const first = mockLabelRun(7, true);
    await deliver(app, 'issues', labelEvent(7));
    throwAssertionFailures();

    const sent = canvas.requests.filter(
      (request) => request.method === 'POST' && request.path.endsWith('/update_grades'),
    );
    const accepted = sent.slice(-1)[0]!.body as {
      grade_data: Record<string, { posted_grade: string; text_comment: string }>;
    };
    expect(Object.keys(accepted.grade_data).sort()).toEqual(STUDENTS.map((_, i) => CANVAS_USER(i)).sort());
    for (const [i] of STUDENTS.entries()) {
      expect(accepted.grade_data[CANVAS_USER(i)]!.posted_grade).toBe(String(expected(i)));
      expect(accepted.grade_data[CANVAS_USER(i)]!.text_comment).toContain(
        `https://github.com/${OWNER}/m4-${STUDENTS[i]}/runs/${50_000 + i}`,
      );
      expect(canvas.score(CANVAS_COURSE, CANVAS_ASSIGNMENT, CANVAS_USER(i))).toBe(expected(i));
      // One comment per student: nothing was applied twice.
      expect(canvas.comments.get(`${CANVAS_COURSE}/${CANVAS_ASSIGNMENT}/${CANVAS_USER(i)}`)).toHaveLength(1);
    }
    expect(first.body()).toContain('30 sent and confirmed');
    // Both injected faults were met (and survived): the throttled read and the failed bulk write.
    expect(canvas.faults).toEqual([]);

    const before = canvas.requests.length;
    const second = mockLabelRun(8, false);
    await deliver(app, 'issues', labelEvent(8));
    throwAssertionFailures();
    const writes = canvas.requests.slice(before).filter((request) => request.method !== 'GET');
    expect(writes).toEqual([]);
    expect(second.body()).toContain('30 unchanged');
    expect(nock.pendingMocks().filter((mock) => !mock.includes(CANVAS))).toEqual([]);
  }, 120_000);
});
