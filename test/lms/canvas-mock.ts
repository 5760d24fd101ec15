/**
 * A fake Canvas behind nock (https://canvas.test): submissions with scores and comments, paginated
 * lists with `Link` headers, update_grades with a Progress that completes (or fails) after some polls,
 * per-student PUT and GET, and a queue of injected faults (throttling, 5xx, 401, 404, 422). Every
 * request is logged with its body so tests can assert exactly what was sent.
 */
import nock from 'nock';
import type { RosterEntry, StudentRoster } from '../../src/lms/roster-types.js';
import type { StudentGrade } from '../../src/lms/student-grade.js';

export const CANVAS = 'https://canvas.test';

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string;
}

export interface Fault {
  method: string;
  /** Matches when the path (without query) ends with this, or matches the RegExp. */
  path: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests it answers (default 1). */
  times?: number;
  /** Canvas does the work (a bulk job's grades are applied at once), then answers with the fault. */
  afterApply?: boolean;
}

interface Job {
  key: string;
  grades: Record<string, { posted_grade: string; text_comment?: string }>;
  polls: number;
}

export class MockCanvas {
  readonly requests: LoggedRequest[] = [];
  /** `course/assignment` → user id → score. */
  readonly scores = new Map<string, Map<string, number | null>>();
  /** `course/assignment/user` → comments received. */
  readonly comments = new Map<string, string[]>();
  /** user id → SIS id. */
  readonly sis = new Map<string, string>();
  hideSis = false;
  /** Users excused in Canvas. */
  readonly excused = new Set<string>();
  /** Points of every Canvas assignment, and its grading type. */
  pointsPossible = 100;
  gradingType = 'points';
  faults: Fault[] = [];
  /** Polls a bulk job answers `running` before it ends. */
  runningPolls = 1;
  /** When set, the next bulk jobs end `failed` with this message (grades not applied). */
  failJobs?: string;
  perPage = 100;
  private jobs = new Map<string, Job>();
  private nextJob = 1;

  constructor(readonly token = 'secret-token') {}

  /** Enrols users in an assignment with no score. */
  enrol(courseId: string, assignmentId: string, users: readonly string[], score: number | null = null): void {
    const key = `${courseId}/${assignmentId}`;
    const map = this.scores.get(key) ?? new Map<string, number | null>();
    for (const user of users) map.set(user, score);
    this.scores.set(key, map);
  }

  score(courseId: string, assignmentId: string, user: string): number | null | undefined {
    return this.scores.get(`${courseId}/${assignmentId}`)?.get(user);
  }

  /** Requests whose label-like shape matches: `update_grades`, `progress`, `PUT`, `list`. */
  count(kind: 'update_grades' | 'progress' | 'put' | 'list' | 'get-one' | 'assignment' | 'all'): number {
    return this.requests.filter((r) => kind === 'all' || kindOf(r) === kind).length;
  }

  /** Starts intercepting; call `nock.cleanAll()` afterwards. */
  install(): this {
    const scope = nock(CANVAS).persist();
    const handler = (method: string) =>
      function (this: { req: { headers: Record<string, string | string[]> } }, uri: string, body: unknown) {
        return mock.handle(method, uri, body, this.req.headers);
      };
    const mock = this;
    scope.get(/.*/).reply(handler('GET'));
    scope.post(/.*/).reply(handler('POST'));
    scope.put(/.*/).reply(handler('PUT'));
    return this;
  }

  private handle(
    method: string,
    uri: string,
    rawBody: unknown,
    headers: Record<string, string | string[]>,
  ): [number, unknown, Record<string, string>] {
    const url = new URL(uri, CANVAS);
    const body = typeof rawBody === 'string' && rawBody !== '' ? JSON.parse(rawBody) : rawBody || undefined;
    const authorization = headers.authorization;
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      authorization: Array.isArray(authorization) ? authorization[0] : authorization,
    });
    const quota = {
      'x-request-cost': '0.5',
      'x-rate-limit-remaining': '650',
      'content-type': 'application/json',
    };
    const fault = this.faults.find(
      (f) =>
        f.method === method &&
        (typeof f.path === 'string' ? url.pathname.endsWith(f.path) : f.path.test(url.pathname)),
    );
    if (fault?.afterApply) {
      this.faults.splice(this.faults.indexOf(fault), 1);
      const [status, done] = this.handle(method, uri, rawBody, headers);
      this.requests.pop();
      const job = (done as { id?: number } | undefined)?.id;
      if (status === 200 && method === 'POST' && job !== undefined) {
        const applied = this.jobs.get(String(job)) as Job;
        for (const [user, grade] of Object.entries(applied.grades)) {
          this.apply(applied.key, user, grade.posted_grade, grade.text_comment);
        }
      }
      return [fault.status, fault.body ?? '', { ...quota, ...fault.headers }];
    }
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      const text = typeof fault.body === 'string';
      return [
        fault.status,
        fault.body ?? '',
        { ...quota, ...(text ? { 'content-type': 'text/plain' } : {}), ...fault.headers },
      ];
    }
    if (authorization !== `Bearer ${this.token}`) {
      return [401, { errors: [{ message: 'Invalid access token.' }] }, quota];
    }
    const notFound: [number, unknown, Record<string, string>] = [
      404,
      { errors: [{ message: 'The specified resource does not exist.' }] },
      quota,
    ];
    const progress = /^\/api\/v1\/progress\/(\d+)$/.exec(url.pathname);
    if (progress && method === 'GET') {
      const job = this.jobs.get(progress[1] as string);
      if (!job) return notFound;
      job.polls++;
      if (job.polls <= this.runningPolls)
        return [200, this.progress(progress[1] as string, 'running'), quota];
      if (this.failJobs)
        return [200, { ...this.progress(progress[1] as string, 'failed'), message: this.failJobs }, quota];
      if (job.polls === this.runningPolls + 1) {
        for (const [user, grade] of Object.entries(job.grades))
          this.apply(job.key, user, grade.posted_grade, grade.text_comment);
      }
      return [200, this.progress(progress[1] as string, 'completed'), quota];
    }
    const assignment = /^\/api\/v1\/courses\/(\d+)\/assignments\/(\d+)$/.exec(url.pathname);
    if (assignment && method === 'GET') {
      if (!this.scores.has(`${assignment[1]}/${assignment[2]}`)) return notFound;
      return [
        200,
        {
          id: Number(assignment[2]),
          course_id: Number(assignment[1]),
          name: `Milestone ${assignment[2]}`,
          points_possible: this.pointsPossible,
          grading_type: this.gradingType,
        },
        quota,
      ];
    }
    const match = /^\/api\/v1\/courses\/(\d+)\/assignments\/(\d+)\/submissions(?:\/([^/]+))?$/.exec(
      url.pathname,
    );
    if (!match) return notFound;
    const key = `${match[1]}/${match[2]}`;
    const users = this.scores.get(key);
    if (!users) return notFound;
    const sub = match[3] && decodeURIComponent(match[3]);
    if (method === 'GET' && !sub) {
      const all = [...users.keys()];
      const page = Number(url.searchParams.get('page') ?? '1');
      const perPage = Math.min(this.perPage, Number(url.searchParams.get('per_page') ?? '10'));
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const extra: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        extra.link = `<${next.toString()}>; rel="next", <${url.toString()}>; rel="current"`;
      }
      return [200, slice.map((user) => this.submission(key, user)), { ...quota, ...extra }];
    }
    if (method === 'POST' && sub === 'update_grades') {
      const grades = (body as { grade_data?: Job['grades'] } | undefined)?.grade_data ?? {};
      for (const user of Object.keys(grades)) {
        if (!users.has(this.userId(user))) {
          return [422, { errors: [{ message: `user ${user} is not a student in this course` }] }, quota];
        }
      }
      const id = String(this.nextJob++);
      this.jobs.set(id, { key, grades, polls: 0 });
      return [200, this.progress(id, 'queued'), quota];
    }
    if (sub && sub !== 'update_grades') {
      const user = this.userId(sub);
      if (!users.has(user)) return notFound;
      if (method === 'GET') return [200, this.submission(key, user), quota];
      if (method === 'PUT') {
        const put = body as { submission?: { posted_grade?: string }; comment?: { text_comment?: string } };
        const grade = put?.submission?.posted_grade;
        if (grade !== undefined && !Number.isFinite(Number(grade))) {
          return [422, { errors: { posted_grade: [{ message: 'is not a number' }] } }, quota];
        }
        this.apply(key, user, grade, put?.comment?.text_comment);
        return [200, this.submission(key, user), quota];
      }
    }
    return notFound;
  }

  private userId(user: string): string {
    if (!user.startsWith('sis_user_id:')) return user;
    const sis = user.slice('sis_user_id:'.length);
    for (const [id, value] of this.sis) if (value === sis) return id;
    return user;
  }

  private apply(key: string, rawUser: string, grade: string | undefined, comment: string | undefined): void {
    const user = this.userId(rawUser);
    if (grade !== undefined) this.scores.get(key)?.set(user, Number(grade));
    if (comment) {
      const commentKey = `${key}/${user}`;
      this.comments.set(commentKey, [...(this.comments.get(commentKey) ?? []), comment]);
    }
  }

  private submission(key: string, user: string) {
    const score = this.scores.get(key)?.get(user) ?? null;
    const sis = this.hideSis ? undefined : this.sis.get(user);
    return {
      id: Number(user) * 10,
      user_id: Number(user),
      assignment_id: Number(key.split('/')[1]),
      score,
      grade: score === null ? null : String(score),
      excused: this.excused.has(user),
      workflow_state: score === null ? 'unsubmitted' : 'graded',
      user: { id: Number(user), name: `User ${user}`, ...(sis ? { sis_user_id: sis } : {}) },
    };
  }

  private progress(id: string, state: string) {
    return {
      id: Number(id),
      context_type: 'Course',
      tag: 'submissions_update',
      completion: state === 'completed' ? 100 : 0,
      workflow_state: state,
      message: null,
      url: `${CANVAS}/api/v1/progress/${id}`,
    };
  }
}

function kindOf(request: LoggedRequest): string {
  if (request.path.startsWith('/api/v1/progress/')) return 'progress';
  if (request.method === 'POST') return 'update_grades';
  if (request.method === 'PUT') return 'put';
  if (request.path.endsWith('/submissions')) return 'list';
  if (/\/assignments\/\d+$/.test(request.path)) return 'assignment';
  return 'get-one';
}

/** `n` students s001… with Canvas users 1001…, and their grades in one assignment. */
export function makeClass(
  n: number,
  options: { assignmentId?: string; points?: (i: number) => number } = {},
): { grades: StudentGrade[]; roster: StudentRoster; users: string[] } {
  const entries: RosterEntry[] = [];
  const grades: StudentGrade[] = [];
  const users: string[] = [];
  for (let i = 1; i <= n; i++) {
    const login = `s${String(i).padStart(3, '0')}`;
    const user = String(1000 + i);
    users.push(user);
    entries.push({ login, canvasUserId: user, line: i + 1 });
    grades.push(studentGrade(login, options.points?.(i) ?? 50 + (i % 50), options.assignmentId));
  }
  return { grades, roster: rosterOf(entries), users };
}

export function studentGrade(login: string, points: number, assignmentId = 'm4'): StudentGrade {
  return {
    assignmentId,
    login,
    repository: `cs329s/${assignmentId}-${login}`,
    points,
    maxPoints: 100,
    complete: true,
    pending: [],
    attemptId: `attempt-${login}`,
    sha: 'abcdef1234567890abcdef1234567890abcdef12',
    reportUrl: `https://github.com/cs329s/${assignmentId}-${login}/runs/1`,
  };
}

export function rosterOf(entries: RosterEntry[]): StudentRoster {
  return {
    file: '.github/mlgrade-roster.csv',
    entries,
    byLogin: new Map(entries.map((entry) => [entry.login.toLowerCase(), entry])),
  };
}
