import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CanvasClient } from '../../src/lms/canvas-client.js';
import { renderCanvasSyncMarkdown, renderCanvasSyncText } from '../../src/lms/canvas-report.js';
import {
  type CanvasApi,
  type CanvasSyncInput,
  canvasTargets,
  syncCanvas,
} from '../../src/lms/canvas-sync.js';
import { SqlSyncStore, type SyncStore } from '../../src/store/lms-syncs.js';
import { migrate } from '../../src/store/migrations.js';
import { openSqlClient } from '../../src/store/open-ledger.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { pgliteBackend } from '../store/ledger-backends.js';
import { CANVAS, MockCanvas, makeClass, rosterOf, studentGrade } from './canvas-mock.js';

const backend = pgliteBackend();
let db: SqlClient;
let store: SqlSyncStore;

async function openStore(): Promise<void> {
  db = await openSqlClient(await backend.options());
  await migrate(db);
  store = new SqlSyncStore(db);
}

beforeAll(async () => {
  nock.disableNetConnect();
  await openStore();
});
afterAll(async () => {
  await db.close();
});
afterEach(() => {
  nock.cleanAll();
});

let nextCourse = 100;
/** A fake Canvas with one assignment of a course of its own, `n` enrolled students and their grades. */
function fresh(n = 30) {
  const course = String(nextCourse++);
  const mock = new MockCanvas().install();
  const { grades, roster, users } = makeClass(n);
  mock.enrol(course, '77', users);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const client = () => new CanvasClient({ baseUrl: CANVAS, token: 'secret-token', sleep });
  const input = (overrides: Partial<CanvasSyncInput> = {}): CanvasSyncInput => ({
    client: client(),
    store,
    grades,
    roster,
    targets: canvasTargets({ canvas: { course_id: course } }, [
      { id: 'm4', lms: { canvas: { assignment_id: '77' } } },
    ]),
    requestedBy: 'prof',
    sleep,
    ...overrides,
  });
  return { course, mock, grades, roster, users, sleeps, input };
}

function commentsPerUser(mock: MockCanvas, course: string, users: string[]): number[] {
  return users.map((user) => mock.comments.get(`${course}/77/${user}`)?.length ?? 0);
}

describe('syncCanvas', () => {
  it('sends 30 grades once in one update_grades, polls the Progress, confirms, and a second sync sends nothing', async () => {
    const { course, mock, grades, users, input } = fresh(30);
    const outcome = await syncCanvas(input());

    const posts = mock.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.path).toBe(`/api/v1/courses/${course}/assignments/77/submissions/update_grades`);
    const body = posts[0]?.body as {
      grade_data: Record<string, { posted_grade: string; text_comment: string }>;
    };
    const gradeData = body.grade_data;
    expect(Object.keys(gradeData).sort()).toEqual([...users].sort());
    expect(gradeData['1001']).toEqual({
      posted_grade: String(grades[0]?.points),
      text_comment: expect.stringContaining(`Report: ${grades[0]?.reportUrl}`),
    });
    expect(mock.count('progress')).toBe(2);
    expect(mock.count('list')).toBe(2);
    expect(mock.count('put')).toBe(0);
    expect(users.map((u) => mock.score(course, '77', u))).toEqual(grades.map((g) => g.points));
    expect(commentsPerUser(mock, course, users)).toEqual(users.map(() => 1));

    expect(outcome).toMatchObject({
      state: 'done',
      dryRun: false,
      repeated: false,
      summary: '30 sent and confirmed',
    });
    expect(outcome.counts.confirmed).toBe(30);
    expect(outcome.requests).toEqual({
      total: 6,
      retries: 0,
      throttled: 0,
      byLabel: { 'list-submissions': 2, 'get-assignment': 1, 'update-grades': 1, progress: 2 },
    });
    const rows = await store.listGrades(outcome.syncId);
    expect(rows).toHaveLength(30);
    expect(rows.every((row) => row.state === 'confirmed' && row.oldGrade === undefined)).toBe(true);
    expect(rows[0]?.answer).toMatchObject({ progress: '1' });
    expect(await store.getSync(outcome.syncId)).toMatchObject({
      state: 'done',
      outcome: { summary: '30 sent and confirmed' },
    });
    expect(renderCanvasSyncMarkdown(outcome)).toContain('### Canvas sync: 30 sent and confirmed');

    mock.requests.length = 0;
    const again = await syncCanvas(input());
    expect(again.summary).toBe('30 unchanged');
    expect(again.counts.unchanged).toBe(30);
    expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/v1/courses/${course}/assignments/77/submissions`,
    ]);
    expect(renderCanvasSyncText(again)).toContain('Canvas sync: 30 unchanged');
  });

  it('survives throttling and 5xx answers without sending a grade twice', async () => {
    const { course, mock, users, input, sleeps } = fresh(30);
    mock.faults.push(
      { method: 'GET', path: '/submissions', status: 503 },
      {
        method: 'POST',
        path: '/update_grades',
        status: 403,
        body: '403 Forbidden (Rate Limit Exceeded)',
        headers: { 'retry-after': '2' },
      },
      { method: 'GET', path: /\/progress\//, status: 503 },
    );
    const outcome = await syncCanvas(input());
    expect(outcome.summary).toBe('30 sent and confirmed');
    expect(outcome.requests).toMatchObject({ retries: 3, throttled: 1 });
    expect(sleeps).toContain(2000);
    // Two POSTs reached Canvas, but the throttled one was refused: one job, one comment per student.
    expect(mock.count('update_grades')).toBe(2);
    expect(commentsPerUser(mock, course, users)).toEqual(users.map(() => 1));
  });

  it('after a 5xx on update_grades it reads Canvas and resends only what did not arrive', async () => {
    const { course, mock, users, input, sleeps } = fresh(30);
    // Canvas applied the grades but the answer was lost (502): nothing may be sent again.
    mock.faults.push({ method: 'POST', path: '/update_grades', status: 502, afterApply: true });
    const applied = await syncCanvas(input());
    expect(applied.summary).toBe('30 sent and confirmed');
    expect(mock.count('put')).toBe(0);
    expect(sleeps).toContain(10_000);
    expect(commentsPerUser(mock, course, users)).toEqual(users.map(() => 1));

    // A 503 that did nothing: the grades go per student, once.
    nock.cleanAll();
    const other = fresh(30);
    other.mock.faults.push({ method: 'POST', path: '/update_grades', status: 503 });
    const resent = await syncCanvas(other.input());
    expect(resent.summary).toBe('30 sent and confirmed');
    expect(other.mock.count('put')).toBe(30);
    expect(commentsPerUser(other.mock, other.course, other.users)).toEqual(other.users.map(() => 1));
  });

  it('per student, a 5xx is checked before resending and one student failing does not stop the rest', async () => {
    const { course, mock, users, input } = fresh(6);
    mock.faults.push(
      // Arrived, but the answer was lost: read back, not resent.
      { method: 'PUT', path: '/submissions/1002', status: 502, afterApply: true },
      // Fails once, then goes through on the retry.
      { method: 'PUT', path: '/submissions/1003', status: 503 },
      // Fails every time: that student is failed with Canvas's message, the others are sent.
      {
        method: 'PUT',
        path: '/submissions/1005',
        status: 500,
        body: { errors: [{ message: 'boom' }] },
        times: 5,
      },
    );
    const outcome = await syncCanvas(input({ method: 'per-student' }));
    expect(outcome.summary).toBe('5 sent and confirmed, 1 failed');
    expect(outcome.grades.find((g) => g.state === 'failed')).toMatchObject({
      student: 's005',
      reason: expect.stringContaining('Canvas failed on PUT'),
    });
    expect(commentsPerUser(mock, course, users)).toEqual([1, 1, 1, 1, 0, 1]);
    expect(mock.requests.filter((r) => r.path.endsWith('/1002')).map((r) => r.method)).toEqual([
      'PUT',
      'GET',
    ]);
    expect(mock.requests.filter((r) => r.path.endsWith('/1005')).map((r) => r.method)).toEqual([
      'PUT',
      'GET',
      'PUT',
      'GET',
      'PUT',
    ]);
  });

  it('stops after five students in a row are refused', async () => {
    const { mock, input } = fresh(8);
    mock.faults.push({
      method: 'PUT',
      path: /\/submissions\/\d+$/,
      status: 403,
      body: { errors: [{ message: 'no' }] },
      times: 5,
    });
    const outcome = await syncCanvas(input({ method: 'per-student' }));
    expect(outcome.error).toMatch(/^Canvas refused 5 grades in a row/);
    expect(outcome.summary).toBe('8 failed');
    expect(mock.count('put')).toBe(5);
  });

  it('falls back to per-student PUT when the Progress fails', async () => {
    const { course, mock, grades, users, input } = fresh(30);
    mock.failJobs = 'Internal error while grading';
    const outcome = await syncCanvas(input());
    expect(outcome.summary).toBe('30 sent and confirmed');
    const puts = mock.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(30);
    expect(puts[0]?.path).toBe(`/api/v1/courses/${course}/assignments/77/submissions/1001`);
    expect(puts[0]?.body).toEqual({
      submission: { posted_grade: String(grades[0]?.points) },
      comment: { text_comment: expect.stringContaining('mlgrade:') },
    });
    expect(commentsPerUser(mock, course, users)).toEqual(users.map(() => 1));
    const row = (await store.listGrades(outcome.syncId))[0];
    expect(row).toMatchObject({ state: 'confirmed', answer: { score: grades[0]?.points } });
  });

  it('falls back per student on a 422 and reports the student Canvas refused', async () => {
    const { mock, input } = fresh(5);
    mock.faults.push(
      {
        method: 'POST',
        path: '/update_grades',
        status: 422,
        body: { errors: [{ message: 'grade_data is invalid' }] },
      },
      {
        method: 'PUT',
        path: '/submissions/1003',
        status: 422,
        body: { errors: { posted_grade: [{ message: 'is not a valid grade' }] } },
      },
    );
    const outcome = await syncCanvas(input());
    expect(outcome.summary).toBe('4 sent and confirmed, 1 failed');
    expect(outcome.state).toBe('failed');
    const failed = outcome.grades.find((g) => g.state === 'failed');
    expect(failed).toMatchObject({
      student: 's003',
      reason: expect.stringMatching(/422.*posted_grade: is not a valid grade/),
    });
    expect(renderCanvasSyncMarkdown(outcome)).toMatch(/\| s003 .*FAILED: Canvas refused PUT/);
  });

  it('stops with a clear message on 401 and on a wrong course (404), sending nothing', async () => {
    const { mock, input } = fresh(3);
    const bad = new CanvasClient({ baseUrl: CANVAS, token: 'expired', sleep: async () => undefined });
    const unauthorized = await syncCanvas(input({ client: bad }));
    expect(unauthorized.state).toBe('failed');
    expect(unauthorized.error).toMatch(/^Canvas rejected CANVAS_TOKEN \(401/);
    expect(unauthorized.grades.map((g) => g.state)).toEqual(['failed', 'failed', 'failed']);
    expect(unauthorized.grades[0]?.reason).toMatch(/^not sent: Canvas rejected CANVAS_TOKEN/);
    expect(mock.count('update_grades')).toBe(0);

    const wrong = await syncCanvas(
      input({
        targets: canvasTargets({ canvas: { course_id: '999' } }, [
          { id: 'm4', lms: { canvas: { assignment_id: '77' } } },
        ]),
      }),
    );
    expect(wrong.error).toMatch(
      /Canvas has no course 999 assignment 77 \(404 on GET https:\/\/canvas\.test\/api\/v1\/courses\/999/,
    );
    expect(
      wrong.grades.every(
        (g) => g.state === 'failed' && g.reason?.startsWith('not sent: Canvas has no course 999'),
      ),
    ).toBe(true);
    expect((await store.getSync(wrong.syncId))?.error).toMatch(/404/);
  });

  it('skips a student missing from the roster and an incomplete grade, with reasons; sync_incomplete sends it with the pending note', async () => {
    const { course, mock, grades, roster, input } = fresh(30);
    const partial = roster.entries.filter((e) => e.login !== 's030');
    const incomplete = grades.map((g) =>
      g.login === 's029'
        ? { ...g, complete: false, pending: [{ id: 'report', title: 'Written report', maxPoints: 10 }] }
        : g,
    );
    const outcome = await syncCanvas(input({ grades: incomplete, roster: rosterOf(partial) }));
    expect(outcome.summary).toBe('28 sent and confirmed, 2 skipped');
    expect(outcome.grades.find((g) => g.student === 's030')).toMatchObject({
      state: 'skipped',
      reason: 'not in the roster (.github/mlgrade-roster.csv)',
    });
    expect(outcome.grades.find((g) => g.student === 's029')).toMatchObject({
      state: 'skipped',
      reason: expect.stringContaining('incomplete: pending Written report'),
    });
    const body = mock.requests.find((r) => r.method === 'POST')?.body as {
      grade_data: Record<string, unknown>;
    };
    expect(Object.keys(body.grade_data)).toHaveLength(28);
    expect(body.grade_data['1029']).toBeUndefined();

    mock.requests.length = 0;
    const withPending = await syncCanvas(
      input({ grades: incomplete, roster: rosterOf(partial), syncIncomplete: true }),
    );
    expect(withPending.summary).toBe('1 sent and confirmed, 28 unchanged, 1 skipped');
    const sent = mock.requests.find((r) => r.method === 'POST')?.body as {
      grade_data: Record<string, { text_comment: string }>;
    };
    expect(Object.keys(sent.grade_data)).toEqual(['1029']);
    expect(sent.grade_data['1029']?.text_comment).toContain(
      'Not final: still pending Written report (10 points)',
    );
    expect(mock.score(course, '77', '1029')).toBe(grades[28]?.points);
  });

  it('maps SIS ids from the roster, through the list or, when Canvas hides them, one by one', async () => {
    const { course, mock, input } = fresh(0);
    mock.enrol(course, '77', ['2001', '2002']);
    mock.sis.set('2001', 'S-1').set('2002', 'S-2');
    const roster = rosterOf([
      { login: 'Ada', sisId: 'S-1', line: 2 },
      { login: 'bob', sisId: 'S-2', line: 3 },
      { login: 'cy', sisId: 'S-9', line: 4 },
      { login: 'dee', line: 5 },
    ]);
    const grades = [
      studentGrade('ada', 80),
      studentGrade('bob', 70),
      studentGrade('cy', 60),
      studentGrade('dee', 50),
    ];
    const outcome = await syncCanvas(input({ grades, roster }));
    expect(outcome.summary).toBe('2 sent and confirmed, 2 skipped');
    expect(outcome.grades.map((g) => [g.student, g.canvasUser, g.state, g.reason])).toEqual([
      ['ada', '2001', 'confirmed', undefined],
      ['bob', '2002', 'confirmed', undefined],
      [
        'cy',
        'sis_user_id:S-9',
        'skipped',
        `no student with SIS id S-9 in Canvas course ${course} assignment 77`,
      ],
      ['dee', undefined, 'skipped', 'roster line 5 has no Canvas user id or SIS id'],
    ]);

    mock.hideSis = true;
    mock.requests.length = 0;
    const hidden = await syncCanvas(
      input({ grades: [studentGrade('ada', 81), studentGrade('cy', 60)], roster }),
    );
    expect(hidden.grades.map((g) => [g.student, g.canvasUser, g.state])).toEqual([
      ['ada', '2001', 'confirmed'],
      ['cy', 'sis_user_id:S-9', 'skipped'],
    ]);
    expect(mock.requests.filter((r) => r.path.includes('sis_user_id'))).toHaveLength(2);
  });

  it('leaves excused students alone and refuses a Canvas assignment out of other points', async () => {
    const { course, mock, users, input } = fresh(3);
    mock.excused.add('1002');
    mock.pointsPossible = 10;
    const refused = await syncCanvas(input());
    expect(mock.count('update_grades')).toBe(0);
    expect(refused.grades.map((g) => [g.student, g.state, g.reason])).toEqual([
      [
        's001',
        'skipped',
        'Canvas assignment 77 (Milestone 77) is out of 10 points but mlgrade grades out of 100: set the points in Canvas (or the rubric) so they match',
      ],
      ['s002', 'skipped', 'excused in Canvas; left as it is'],
      ['s003', 'skipped', expect.stringContaining('is out of 10 points')],
    ]);
    mock.pointsPossible = 100;
    const sent = await syncCanvas(input());
    expect(sent.summary).toBe('2 sent and confirmed, 1 skipped');
    expect(mock.score(course, '77', users[1] as string)).toBeNull();
    mock.gradingType = 'not_graded';
    const ungraded = await syncCanvas(input({ grades: [studentGrade('s001', 99)] }));
    expect(ungraded.grades[0]?.reason).toBe('Canvas assignment 77 (Milestone 77) is not graded in Canvas');
  });

  it('dry run plans, prints the table of changes and sends nothing', async () => {
    const { course, mock, users, input } = fresh(3);
    mock.enrol(course, '77', [users[0] as string], 42);
    const outcome = await syncCanvas(input({ dryRun: true }));
    expect(mock.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(outcome).toMatchObject({ dryRun: true, summary: 'would send 3' });
    expect(users.map((u) => mock.score(course, '77', u))).toEqual([42, null, null]);
    const text = renderCanvasSyncText(outcome);
    expect(text).toContain('Canvas sync (dry run: nothing sent): would send 3');
    expect(text).toMatch(/student\s+assignment\s+old\s+new\s+state/);
    expect(text).toMatch(/s001\s+m4\s+42\s+51\s+would send/);
    expect(await store.getSync(outcome.syncId)).toMatchObject({ dryRun: true, state: 'done' });
    expect((await store.listGrades(outcome.syncId)).map((r) => r.state)).toEqual([
      'planned',
      'planned',
      'planned',
    ]);
  });

  it('a redelivered request returns the first outcome and sends nothing', async () => {
    const { mock, input } = fresh(3);
    const first = await syncCanvas(input({ requestKey: `delivery-${nextCourse}` }));
    mock.requests.length = 0;
    const again = await syncCanvas(input({ requestKey: `delivery-${nextCourse}` }));
    expect(again).toMatchObject({ syncId: first.syncId, repeated: true, summary: '3 sent and confirmed' });
    expect(mock.requests).toHaveLength(0);
  });

  it('refuses to run beside a live sync of the same course', async () => {
    const { course, mock, input } = fresh(2);
    const live = await store.startSync({
      lms: 'canvas',
      courseId: course,
      assignmentIds: ['m4'],
      requestedBy: 'ta',
      dryRun: false,
    });
    const outcome = await syncCanvas(input());
    expect(outcome.error).toMatch(new RegExp(`Another Canvas sync \\(${live.sync.id}, requested by ta`));
    expect(mock.count('update_grades')).toBe(0);
    await store.finishSync(live.sync.id, { state: 'done' });
  });
});

describe('a sync that dies midway', () => {
  /** Simulates SIGKILL: once `kill` runs, every Canvas request and ledger write throws. */
  function killable(
    client: CanvasApi,
    inner: SyncStore,
    killWhen: (label: string, count: number) => boolean,
  ) {
    let dead = false;
    const counts: Record<string, number> = {};
    const die = () => {
      throw new Error('SIGKILL');
    };
    const proxiedClient: CanvasApi = {
      baseUrl: client.baseUrl,
      stats: client.stats,
      request: async (req) => {
        if (dead) die();
        counts[req.label] = (counts[req.label] ?? 0) + 1;
        if (killWhen(req.label, counts[req.label] as number)) {
          const answer = await client.request(req);
          dead = true;
          void answer;
          die();
        }
        return client.request(req);
      },
      getAll: async (req) => {
        if (dead) die();
        return client.getAll(req);
      },
    } as CanvasApi;
    const proxiedStore = new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          dead ? Promise.reject(new Error('SIGKILL')) : value.apply(target, args);
      },
    });
    return { client: proxiedClient, store: proxiedStore };
  }

  it('after the bulk POST was accepted: the next sync reports the 30 sent grades and sends none again', async () => {
    const { course, mock, users, input } = fresh(30);
    const base = input();
    // Dies when polling the Progress, after Canvas accepted update_grades and the rows were marked sent.
    const dying = killable(base.client, store, (label) => label === 'progress');
    await expect(syncCanvas({ ...base, ...dying })).rejects.toThrow('SIGKILL');
    const [crashed] = await store.listUnfinished({ lms: 'canvas', courseId: course });
    expect(crashed).toBeDefined();
    expect((await store.listGrades(crashed?.id as string)).map((r) => r.state)).toEqual(
      users.map(() => 'sent'),
    );

    // A new process: reopen the ledger, sync again.
    await db.close();
    await openStore();
    mock.requests.length = 0;
    const outcome = await syncCanvas(input({ store, staleAfterMs: 0 }));
    expect(mock.count('update_grades')).toBe(0);
    expect(mock.count('put')).toBe(0);
    expect(outcome.summary).toBe('30 unchanged');
    expect(outcome.interrupted).toHaveLength(1);
    expect(outcome.interrupted[0]).toMatchObject({ syncId: crashed?.id, notSent: [] });
    expect(outcome.interrupted[0]?.sent).toHaveLength(30);
    expect(commentsPerUser(mock, course, users)).toEqual(users.map(() => 1));
    expect(await store.getSync(crashed?.id as string)).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('found 30 of its grades in Canvas and 0 not sent'),
    });
    expect((await store.listGrades(crashed?.id as string)).every((r) => r.state === 'confirmed')).toBe(true);
    expect(renderCanvasSyncMarkdown(outcome)).toContain(
      'It had sent 30 grades, which Canvas shows and which were not sent again',
    );
  });

  it('per student, after 10 of 30: the next sync sends the other 20 and says which 10 were sent', async () => {
    const { course, mock, users, input } = fresh(30);
    const base = input({ method: 'per-student' });
    const dying = killable(base.client, store, (label, count) => label === 'put-submission' && count === 10);
    await expect(syncCanvas({ ...base, ...dying })).rejects.toThrow('SIGKILL');
    expect(mock.count('put')).toBe(10);

    await db.close();
    await openStore();
    const outcome = await syncCanvas(input({ store, staleAfterMs: 0, method: 'per-student' }));
    expect(mock.count('put')).toBe(30);
    expect(outcome.summary).toBe('20 sent and confirmed, 10 unchanged');
    expect(outcome.interrupted[0]?.sent.map((g) => g.student)).toEqual(
      users.slice(0, 10).map((_, i) => `s${String(i + 1).padStart(3, '0')}`),
    );
    expect(outcome.interrupted[0]?.notSent).toHaveLength(20);
    expect(commentsPerUser(mock, course, users)).toEqual(users.map(() => 1));
  });
});
