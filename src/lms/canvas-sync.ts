/**
 * Grades to Canvas (docs/lms.md, Canvas). One sync: map each grade to a Canvas user through the roster
 * (never guessed), read the Canvas scores, plan (send / unchanged / skipped) and write the plan to
 * the ledger BEFORE sending, send with the bulk `update_grades` endpoint (polling its Progress) or,
 * where bulk fails, per student, then read the scores back and mark each row confirmed or failed.
 *
 * No grade is sent twice: every decision compares with what Canvas shows now, and a sync that died
 * midway (its ledger row still `running`, its heartbeat stale) is settled by the next one against
 * Canvas: what it had sent is reported and not sent again. Writes are never retried blindly: after a
 * 5xx or a lost connection the sync reads Canvas first and resends only what did not arrive.
 */

import type { AssignmentLms, CourseLms } from '../config/schema.js';
import type {
  NewSyncGrade,
  SyncGradePatch,
  SyncGradeRow,
  SyncGradeState,
  SyncRecord,
  SyncStore,
} from '../store/lms-syncs.js';
import { SYNC_GRADE_STATES } from '../store/lms-syncs.js';
import { type CanvasClient, CanvasError } from './canvas-client.js';
import type { StudentRoster } from './roster-types.js';
import type { StudentGrade } from './student-grade.js';

/** The Canvas course and assignment an mlgrade assignment syncs to. */
export interface CanvasTarget {
  courseId: string;
  assignmentId: string;
}

/** What the sync needs of a Canvas client (tests wrap one to inject crashes). */
export type CanvasApi = Pick<CanvasClient, 'request' | 'getAll' | 'stats' | 'baseUrl'>;

export interface CanvasSyncInput {
  client: CanvasApi;
  store: SyncStore;
  /** The grades that count now, one per student and assignment. */
  grades: readonly StudentGrade[];
  roster: StudentRoster;
  /** mlgrade assignment id → Canvas ids (`canvasTargets` builds it from the config). */
  targets: ReadonlyMap<string, CanvasTarget>;
  /** `course.lms.sync_incomplete`: send grades with pending criteria (the comment says what is pending). */
  syncIncomplete?: boolean;
  /** Plan and report, send nothing. */
  dryRun?: boolean;
  requestedBy: string;
  /** Idempotency of the request: a repeat returns the first sync's outcome and sends nothing. */
  requestKey?: string;
  sourceUrl?: string;
  /** `bulk` (default): update_grades, per student where it fails; `per-student`: one PUT each. */
  method?: 'bulk' | 'per-student';
  /** Students per update_grades request (default 100). */
  bulkChunkSize?: number;
  /** A running sync without a ledger write for this long died (default 5 minutes). */
  staleAfterMs?: number;
  /** Progress polls before giving up on a bulk job (default 40, backing off to 15 s apart). */
  maxProgressPolls?: number;
  /** Wait after a bulk request failed with a 5xx before reading what arrived (default 10 s). */
  uncertainWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** One student and assignment in the outcome. */
export interface SyncGradeOutcome {
  assignmentId: string;
  student: string;
  canvasUser?: string;
  /** `course/assignment`. */
  canvasAssignment?: string;
  oldGrade?: string;
  newGrade?: string;
  state: SyncGradeState;
  reason?: string;
}

/** A sync that died midway and what this sync found it had done. */
export interface InterruptedSync {
  syncId: string;
  startedAt: string;
  requestedBy: string;
  /** Grades it had sent that Canvas shows (they were not sent again). */
  sent: { assignmentId: string; student: string; grade?: string }[];
  /** Grades it had planned that never reached Canvas (this sync sends them if still needed). */
  notSent: { assignmentId: string; student: string; grade?: string }[];
}

export interface SyncOutcome {
  syncId: string;
  dryRun: boolean;
  /** True when a repeated request (same request key) returned an earlier sync. */
  repeated: boolean;
  state: 'done' | 'failed' | 'running';
  method: 'bulk' | 'per-student';
  counts: Record<SyncGradeState, number>;
  grades: SyncGradeOutcome[];
  interrupted: InterruptedSync[];
  requests: { total: number; retries: number; throttled: number; byLabel: Record<string, number> };
  /** One line: "30 sent and confirmed", "30 unchanged", "would send 3". */
  summary: string;
  error?: string;
}

/** Builds the targets from the config; assignments without a Canvas assignment id are left out. */
export function canvasTargets(
  courseLms: CourseLms | undefined,
  assignments: readonly { id: string; lms?: AssignmentLms }[],
): Map<string, CanvasTarget> {
  const targets = new Map<string, CanvasTarget>();
  for (const assignment of assignments) {
    const canvas = assignment.lms?.canvas;
    const courseId = canvas?.course_id ?? courseLms?.canvas?.course_id;
    if (canvas && courseId) targets.set(assignment.id, { courseId, assignmentId: canvas.assignment_id });
  }
  return targets;
}

const DEFAULT_STALE_MS = 5 * 60_000;
/** While it talks to Canvas, a sync touches its heartbeat at least this often. */
const HEARTBEAT_MS = 30_000;
/** Scores within this are equal: Canvas shows points to two decimals. */
const SAME = 0.005;

/** Canvas's submission as the list and PUT endpoints return it (the fields used). */
interface CanvasSubmission {
  user_id: number | string;
  score: number | null;
  excused?: boolean | null;
  grade?: string | null;
  workflow_state?: string;
  user?: { id: number | string; sis_user_id?: string | null };
}

interface CanvasProgress {
  id: number | string;
  workflow_state: 'queued' | 'running' | 'completed' | 'failed' | string;
  message?: string | null;
  url?: string;
}

/** Canvas's view of one assignment: scores by user id, user ids by SIS id. */
interface AssignmentView {
  scores: Map<string, number | null>;
  /** Users the instructor excused in Canvas (their grade is left alone). */
  excused: Set<string>;
  bySis: Map<string, string>;
  /** Whether Canvas showed SIS ids at all (it hides them from tokens without the permission). */
  showsSis: boolean;
}

/** A row of this sync in memory (its ledger twin is written before anything is sent). */
interface Row extends NewSyncGrade {
  target?: CanvasTarget;
  /** A bulk request failed in a way that leaves unknown whether this grade arrived (5xx, lost answer). */
  uncertain?: boolean;
  /** The grade's maximum, checked against the Canvas assignment's points. */
  maxPoints?: number;
}

const keyOf = (target: CanvasTarget) => `${target.courseId}/${target.assignmentId}`;
const rowKey = (row: { assignmentId: string; student: string }) => `${row.assignmentId}\u0000${row.student}`;

/** Points as sent to Canvas: at most two decimals, no trailing zeros. */
export function formatPoints(points: number): string {
  return String(Math.round(points * 100) / 100);
}

function sameScore(score: number | null | undefined, grade: string | undefined): boolean {
  return (
    score !== null && score !== undefined && grade !== undefined && Math.abs(score - Number(grade)) < SAME
  );
}

const showScore = (score: number | null | undefined): string | undefined =>
  score === null || score === undefined ? undefined : formatPoints(score);

/** The text comment Canvas shows the student next to the grade. */
export function canvasComment(grade: StudentGrade, sendingIncomplete: boolean): string {
  const lines = [`mlgrade: ${formatPoints(grade.points)} / ${formatPoints(grade.maxPoints)} points.`];
  lines.push(
    grade.reportUrl
      ? `Report: ${grade.reportUrl}`
      : `Report: the mlgrade check of ${grade.repository} at ${grade.sha.slice(0, 7)}.`,
  );
  if (sendingIncomplete && !grade.complete) {
    const pending = grade.pending.map((c) => `${c.title} (${formatPoints(c.maxPoints)} points)`).join(', ');
    lines.push(`Not final: still pending ${pending}. This grade will change when they are scored.`);
  }
  return lines.join('\n');
}

class FatalSync extends Error {}

/** Runs one Canvas sync (or a dry run) and returns what happened; it does not throw for Canvas errors. */
export async function syncCanvas(input: CanvasSyncInput): Promise<SyncOutcome> {
  const now = input.now ?? (() => new Date());
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const method = input.method ?? 'bulk';
  const dryRun = input.dryRun ?? false;
  const store = input.store;
  const courses = [...new Set([...input.targets.values()].map((t) => t.courseId))].sort();
  const { sync, created } = await store.startSync({
    lms: 'canvas',
    courseId: courses.join(',') || '-',
    assignmentIds: [...new Set(input.grades.map((g) => g.assignmentId))].sort(),
    requestedBy: input.requestedBy,
    requestKey: input.requestKey,
    sourceUrl: input.sourceUrl,
    dryRun,
  });
  if (!created) return repeatedOutcome(sync, await store.listGrades(sync.id), method);
  const client = withHeartbeat(input.client, () => store.heartbeat(sync.id), now);
  const run: CanvasSyncInput = { ...input, client };
  const before = snapshot(client.stats);

  const rows: Row[] = [];
  const interrupted: InterruptedSync[] = [];
  try {
    // 1. Other syncs: a live one means wait; a dead one is settled against Canvas below.
    const dead: SyncRecord[] = [];
    for (const other of await store.listUnfinished({ lms: 'canvas' })) {
      if (other.id === sync.id) continue;
      if (!other.courseId.split(',').some((course) => courses.includes(course))) continue;
      const idle = now().getTime() - other.heartbeatAt.getTime();
      const stale = idle >= (input.staleAfterMs ?? DEFAULT_STALE_MS);
      if (other.dryRun) {
        // A dry run sends nothing: a live one does not block, a dead one is just closed.
        if (stale && !dryRun)
          await store.finishSync(other.id, { state: 'failed', error: 'interrupted dry run' });
        continue;
      }
      if (!stale) {
        throw new FatalSync(
          `Another Canvas sync (${other.id}, requested by ${other.requestedBy} at ${other.startedAt.toISOString()}) is still running; wait for it to finish, then sync again.`,
        );
      }
      dead.push(other);
    }
    const deadRows = new Map<string, SyncGradeRow[]>();
    for (const other of dead) deadRows.set(other.id, await store.listGrades(other.id));

    // 2. Canvas jobs a dead sync started may still be running: let them finish before reading scores.
    for (const other of dead) {
      const progressIds = new Set(
        (deadRows.get(other.id) ?? [])
          .filter((row) => row.state === 'sent')
          .map((row) => progressIdOf(row.answer))
          .filter((id): id is string => id !== undefined),
      );
      for (const id of progressIds) {
        // An expired or unknown Progress is no reason to stop: the scores are read next anyway.
        await pollProgress(client, id, input, sleep, async () => undefined).catch((error: unknown) => {
          if (!(error instanceof CanvasError) || error.kind !== 'not_found') throw error;
        });
      }
    }

    // 3. Map grades to Canvas users (roster only) and decide what is skipped.
    const seen = new Set<string>();
    for (const grade of input.grades) {
      const student = grade.login.toLowerCase();
      const target = input.targets.get(grade.assignmentId);
      const base: Row = {
        assignmentId: grade.assignmentId,
        student,
        newGrade: formatPoints(grade.points),
        maxPoints: grade.maxPoints,
        state: 'skipped',
        target,
        lmsAssignment: target && keyOf(target),
      };
      const key = rowKey(base);
      if (seen.has(key))
        throw new FatalSync(`Two grades for ${grade.login} in ${grade.assignmentId}: pass one per student.`);
      seen.add(key);
      const entry = input.roster.byLogin.get(student);
      if (!target) {
        rows.push({
          ...base,
          reason: `no Canvas assignment: set lms.canvas.assignment_id of ${grade.assignmentId}`,
        });
      } else if (!entry) {
        rows.push({ ...base, reason: `not in the roster (${input.roster.file})` });
      } else if (!entry.canvasUserId && !entry.sisId) {
        rows.push({
          ...base,
          reason: `roster line ${entry.line} has no Canvas user id or SIS id`,
        });
      } else if (!grade.complete && !input.syncIncomplete) {
        rows.push({
          ...base,
          reason: `incomplete: pending ${grade.pending.map((c) => c.title).join(', ')} (course.lms.sync_incomplete is off)`,
        });
      } else {
        rows.push({
          ...base,
          state: 'planned',
          lmsUser: entry.canvasUserId ?? `sis_user_id:${entry.sisId}`,
          comment: canvasComment(grade, true),
        });
      }
    }
    // Two logins on one Canvas user would overwrite each other: send neither.
    const byUser = new Map<string, Row[]>();
    for (const row of rows.filter((r) => r.state === 'planned')) {
      const key = `${row.lmsAssignment}\u0000${row.lmsUser}`;
      byUser.set(key, [...(byUser.get(key) ?? []), row]);
    }
    for (const group of byUser.values()) {
      if (group.length < 2) continue;
      for (const row of group) {
        row.state = 'skipped';
        row.reason = `${group.map((r) => `${r.student} (${r.assignmentId})`).join(' and ')} go to the same Canvas user ${row.lmsUser} and assignment ${row.lmsAssignment}: check the roster and the config`;
      }
    }

    // 4. Read Canvas: every assignment this sync or a dead one touches.
    const views = new Map<string, AssignmentView>();
    const targetsToRead = new Map<string, CanvasTarget>();
    for (const row of rows)
      if (row.target && row.state === 'planned') targetsToRead.set(keyOf(row.target), row.target);
    for (const other of dead) {
      for (const row of deadRows.get(other.id) ?? []) {
        const target = parseTarget(row.lmsAssignment);
        if (target && (row.state === 'planned' || row.state === 'sent'))
          targetsToRead.set(keyOf(target), target);
      }
    }
    for (const [key, target] of targetsToRead) views.set(key, await readAssignment(client, target));

    // 5. Resolve SIS ids to Canvas user ids, and plan: unchanged or planned (to send).
    for (const row of rows) {
      if (row.state !== 'planned' || !row.target) continue;
      const view = views.get(keyOf(row.target));
      if (!view) continue;
      const user = await resolveUser(client, row.target, view, row.lmsUser as string);
      if (typeof user !== 'string') {
        row.state = 'skipped';
        row.reason = user.reason;
        continue;
      }
      row.lmsUser = user;
      const score = view.scores.get(user);
      row.oldGrade = showScore(score);
      if (view.excused.has(user)) {
        row.state = 'skipped';
        row.reason = 'excused in Canvas; left as it is';
        row.comment = undefined;
      } else if (sameScore(score, row.newGrade)) {
        row.state = 'unchanged';
        row.reason = 'Canvas already has this grade';
        row.comment = undefined;
      }
    }

    // Before sending: the Canvas assignment must take points, out of as many as mlgrade's grade.
    for (const [key, target] of targetsToRead) {
      const group = rows.filter((row) => row.state === 'planned' && row.lmsAssignment === key);
      const refusal = group.length > 0 ? await checkAssignment(client, target, group) : undefined;
      if (refusal) {
        for (const row of group) {
          row.state = 'skipped';
          row.reason = refusal;
          row.comment = undefined;
        }
      }
    }

    // 6. Settle dead syncs against what Canvas shows now.
    for (const other of dead) {
      const report: InterruptedSync = {
        syncId: other.id,
        startedAt: other.startedAt.toISOString(),
        requestedBy: other.requestedBy,
        sent: [],
        notSent: [],
      };
      const patches: SyncGradePatch[] = [];
      for (const row of deadRows.get(other.id) ?? []) {
        if (row.state !== 'planned' && row.state !== 'sent') continue;
        const target = parseTarget(row.lmsAssignment);
        const view = target && views.get(keyOf(target));
        const userId = view && row.lmsUser && lookupUser(view, row.lmsUser);
        const arrived =
          view !== undefined && userId !== undefined && sameScore(view.scores.get(userId), row.newGrade);
        const item = { assignmentId: row.assignmentId, student: row.student, grade: row.newGrade };
        if (arrived) {
          report.sent.push(item);
          if (!dryRun) {
            patches.push({
              ...item,
              state: 'confirmed',
              reason: `interrupted; Canvas shows it (checked by sync ${sync.id})`,
            });
          }
        } else {
          report.notSent.push(item);
          if (!dryRun) {
            patches.push({
              ...item,
              state: 'failed',
              reason:
                row.state === 'sent'
                  ? `interrupted; Canvas accepted it but does not show it (sync ${sync.id} takes over)`
                  : `interrupted before it reached Canvas (sync ${sync.id} takes over)`,
            });
          }
        }
      }
      interrupted.push(report);
      if (dryRun) continue;
      await store.updateGrades(other.id, patches);
      await store.finishSync(other.id, {
        state: 'failed',
        error: `interrupted (no activity since ${other.heartbeatAt.toISOString()}); sync ${sync.id} found ${report.sent.length} of its grades in Canvas and ${report.notSent.length} not sent`,
        outcome: { interrupted: report },
      });
    }

    // 7. The plan goes to the ledger before anything is sent.
    await store.recordGrades(sync.id, rows.map(toLedgerRow));
    if (dryRun) return await finish(input, sync, rows, interrupted, method, 'done', before);

    // 8. Send, per Canvas assignment.
    const sending = new Map<string, Row[]>();
    for (const row of rows) {
      if (row.state !== 'planned' || !row.target) continue;
      const key = keyOf(row.target);
      sending.set(key, [...(sending.get(key) ?? []), row]);
    }
    for (const [key, group] of sending) {
      const target = group[0]?.target as CanvasTarget;
      if (method === 'bulk') await sendBulk(run, sync, target, group, sleep);
      await sendEach(run, sync, target, group, sleep);
      // 9. Read back and confirm.
      const after = await readAssignment(client, target);
      views.set(key, after);
      const patches: SyncGradePatch[] = [];
      for (const row of group) {
        if (row.state !== 'sent') continue;
        const score = after.scores.get(row.lmsUser as string);
        if (sameScore(score, row.newGrade)) {
          row.state = 'confirmed';
          row.reason = undefined;
        } else {
          row.state = 'failed';
          row.reason = `Canvas accepted it but shows ${showScore(score) ?? 'no score'} when read back`;
        }
        patches.push({
          assignmentId: row.assignmentId,
          student: row.student,
          state: row.state,
          reason: row.reason,
        });
      }
      await store.updateGrades(sync.id, patches);
    }
    const failed = rows.some((row) => row.state === 'failed');
    return await finish(input, sync, rows, interrupted, method, failed ? 'failed' : 'done', before);
  } catch (error) {
    if (!(error instanceof CanvasError || error instanceof FatalSync)) throw error;
    // Rows not sent are failed with the reason; rows Canvas accepted stay `sent` (the next sync reads them back).
    await store.recordGrades(sync.id, rows.map(toLedgerRow)).catch(() => undefined);
    const patches: SyncGradePatch[] = [];
    for (const row of rows) {
      if (row.state !== 'planned') continue;
      row.state = 'failed';
      row.reason = `not sent: ${error.message}`;
      patches.push({
        assignmentId: row.assignmentId,
        student: row.student,
        state: 'failed',
        reason: row.reason,
      });
    }
    await store.updateGrades(sync.id, patches).catch(() => undefined);
    return await finish(input, sync, rows, interrupted, method, 'failed', before, error.message);
  }
}

/** Bulk update_grades in chunks; rows it could not settle stay `planned` for the per-student pass. */
async function sendBulk(
  input: CanvasSyncInput,
  sync: SyncRecord,
  target: CanvasTarget,
  group: Row[],
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const { client, store } = input;
  const chunkSize = input.bulkChunkSize ?? 100;
  const planned = group.filter((row) => row.state === 'planned');
  for (let start = 0; start < planned.length; start += chunkSize) {
    const chunk = planned.slice(start, start + chunkSize);
    const gradeData: Record<string, { posted_grade: string; text_comment: string }> = {};
    for (const row of chunk) {
      gradeData[row.lmsUser as string] = {
        posted_grade: row.newGrade as string,
        text_comment: row.comment ?? '',
      };
    }
    let progress: CanvasProgress;
    try {
      const response = await client.request<CanvasProgress>({
        method: 'POST',
        path: `/api/v1/courses/${target.courseId}/assignments/${target.assignmentId}/submissions/update_grades`,
        body: { grade_data: gradeData },
        label: 'update-grades',
        about: `course ${target.courseId} assignment ${target.assignmentId}`,
      });
      progress = response.data;
      if (!progress || progress.id === undefined) {
        throw new CanvasError(
          'Canvas answered update_grades without a Progress.',
          'bad_response',
          response.status,
          'POST',
          '',
          progress,
        );
      }
    } catch (error) {
      if (!(error instanceof CanvasError)) throw error;
      if (
        error.kind === 'unauthorized' ||
        error.kind === 'forbidden' ||
        error.kind === 'not_found' ||
        error.kind === 'throttled'
      ) {
        throw error;
      }
      // 422/400: the per-student pass gets Canvas's reason for each. 5xx or a lost answer: some
      // grades may have arrived; the per-student pass reads Canvas before sending any.
      for (const row of chunk) {
        row.answer = { bulk: error.message };
        row.uncertain = error.kind !== 'invalid';
      }
      continue;
    }
    const answer = { progress: String(progress.id), url: progress.url };
    for (const row of chunk) {
      row.state = 'sent';
      row.answer = answer;
    }
    await store.updateGrades(
      sync.id,
      chunk.map((row) => ({
        assignmentId: row.assignmentId,
        student: row.student,
        state: 'sent' as const,
        answer,
      })),
    );
    const final = await pollProgress(client, String(progress.id), input, sleep, () =>
      store.heartbeat(sync.id),
    );
    if (final?.workflow_state === 'completed') continue;
    // The job failed (or never finished): whatever did not arrive goes per student.
    const view = await readAssignment(client, target);
    const why =
      final === undefined
        ? `Canvas's update_grades job ${progress.id} had not finished`
        : `Canvas's update_grades job ${progress.id} failed${final.message ? `: ${final.message}` : ''}`;
    const patches: SyncGradePatch[] = [];
    for (const row of chunk) {
      if (sameScore(view.scores.get(row.lmsUser as string), row.newGrade)) continue;
      if (final === undefined) {
        // Still running: sending again could double the comment. The next sync reads what it did.
        row.state = 'failed';
        row.reason = `${why} after polling; sync again later to confirm`;
        patches.push({
          assignmentId: row.assignmentId,
          student: row.student,
          state: 'failed',
          reason: row.reason,
        });
      } else {
        row.state = 'planned';
        row.answer = { progress: answer.progress, failed: final.message ?? null };
        patches.push({
          assignmentId: row.assignmentId,
          student: row.student,
          state: 'planned',
          reason: `${why}; sending per student`,
          answer: row.answer,
        });
      }
    }
    await store.updateGrades(sync.id, patches);
  }
}

/** One PUT per planned row; after a 5xx or a lost answer it reads the submission before resending. */
async function sendEach(
  input: CanvasSyncInput,
  sync: SyncRecord,
  target: CanvasTarget,
  group: Row[],
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const { client, store } = input;
  const planned = group.filter((row) => row.state === 'planned');
  if (planned.length === 0) return;
  let failedInARow = 0;
  const base = `/api/v1/courses/${target.courseId}/assignments/${target.assignmentId}/submissions`;
  // A bulk request that failed with a 5xx may still have queued its job: give it time, then read
  // Canvas and resend only what did not arrive.
  if (planned.some((row) => row.uncertain)) {
    await sleep(input.uncertainWaitMs ?? 10_000);
    const view = await readAssignment(client, target);
    for (const row of planned) {
      if (sameScore(view.scores.get(row.lmsUser as string), row.newGrade)) {
        row.state = 'sent';
        await store.updateGrades(sync.id, [
          { assignmentId: row.assignmentId, student: row.student, state: 'sent', answer: row.answer ?? null },
        ]);
      }
    }
  }
  for (const row of planned) {
    if (row.state !== 'planned') continue;
    const about = `course ${target.courseId} assignment ${target.assignmentId} user ${row.lmsUser}`;
    let answer: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await client.request<CanvasSubmission>({
          method: 'PUT',
          path: `${base}/${row.lmsUser}`,
          body: { submission: { posted_grade: row.newGrade }, comment: { text_comment: row.comment ?? '' } },
          label: 'put-submission',
          about,
        });
        answer = { score: response.data?.score ?? null, grade: response.data?.grade ?? null };
        row.state = 'sent';
        break;
      } catch (error) {
        if (!(error instanceof CanvasError)) throw error;
        // A bad token, or throttling that outlasted the retries, stops the sync; other refusals are this student's.
        if (error.kind === 'unauthorized' || error.kind === 'throttled') throw error;
        const transient = error.kind === 'server' || error.kind === 'network';
        if (!transient || attempt >= 2) {
          row.state = 'failed';
          row.reason = error.message;
          answer = error.body ?? null;
          break;
        }
        // Did it arrive? Read before resending, so a grade and its comment go once.
        const current = await client.request<CanvasSubmission>({
          method: 'GET',
          path: `${base}/${row.lmsUser}`,
          label: 'get-submission',
          about,
        });
        if (sameScore(current.data?.score, row.newGrade)) {
          answer = { score: current.data.score, afterError: error.message };
          row.state = 'sent';
          break;
        }
      }
    }
    await store.updateGrades(sync.id, [
      { assignmentId: row.assignmentId, student: row.student, state: row.state, reason: row.reason, answer },
    ]);
    failedInARow = row.state === 'failed' ? failedInARow + 1 : 0;
    if (failedInARow >= 5) {
      throw new FatalSync(
        `Canvas refused 5 grades in a row (last: ${row.reason}); stopped so as not to fail them all.`,
      );
    }
  }
}

/** Polls a Progress until it completes or fails; undefined when it is still going after the polls allowed. */
async function pollProgress(
  client: CanvasApi,
  id: string,
  input: CanvasSyncInput,
  sleep: (ms: number) => Promise<void>,
  alive: () => Promise<void>,
): Promise<CanvasProgress | undefined> {
  const polls = input.maxProgressPolls ?? 40;
  let delay = 500;
  for (let poll = 0; poll < polls; poll++) {
    const { data } = await client.request<CanvasProgress>({
      method: 'GET',
      path: `/api/v1/progress/${id}`,
      label: 'progress',
      about: `progress ${id}`,
    });
    if (data?.workflow_state === 'completed' || data?.workflow_state === 'failed') return data;
    await alive();
    await sleep(delay);
    delay = Math.min(15_000, delay * 2);
  }
  return undefined;
}

/** Why the Canvas assignment cannot take these grades, if it cannot (a 404 names the ids). */
async function checkAssignment(
  client: CanvasApi,
  target: CanvasTarget,
  group: Row[],
): Promise<string | undefined> {
  const { data } = await client.request<{
    name?: string;
    points_possible?: number | null;
    grading_type?: string;
  }>({
    method: 'GET',
    path: `/api/v1/courses/${target.courseId}/assignments/${target.assignmentId}`,
    label: 'get-assignment',
    about: `course ${target.courseId} assignment ${target.assignmentId}`,
  });
  const name = `Canvas assignment ${target.assignmentId}${data?.name ? ` (${data.name})` : ''}`;
  if (data?.grading_type === 'not_graded') return `${name} is not graded in Canvas`;
  const possible = data?.points_possible;
  const max = group[0]?.maxPoints;
  if (typeof possible === 'number' && max !== undefined && Math.abs(possible - max) >= SAME) {
    return `${name} is out of ${formatPoints(possible)} points but mlgrade grades out of ${formatPoints(max)}: set the points in Canvas (or the rubric) so they match`;
  }
  return undefined;
}

/** Every submission of an assignment (students only), with SIS ids where Canvas shows them. */
async function readAssignment(client: CanvasApi, target: CanvasTarget): Promise<AssignmentView> {
  const submissions = await client.getAll<CanvasSubmission>({
    path: `/api/v1/courses/${target.courseId}/assignments/${target.assignmentId}/submissions`,
    query: { 'include[]': ['user'] },
    label: 'list-submissions',
    about: `course ${target.courseId} assignment ${target.assignmentId}`,
  });
  const view: AssignmentView = { scores: new Map(), excused: new Set(), bySis: new Map(), showsSis: false };
  for (const submission of submissions) {
    const user = String(submission.user_id);
    view.scores.set(user, submission.score ?? null);
    if (submission.excused) view.excused.add(user);
    const sis = submission.user?.sis_user_id;
    if (sis) {
      view.bySis.set(sis, user);
      view.showsSis = true;
    }
  }
  return view;
}

function lookupUser(view: AssignmentView, lmsUser: string): string | undefined {
  if (lmsUser.startsWith('sis_user_id:')) return view.bySis.get(lmsUser.slice('sis_user_id:'.length));
  return view.scores.has(lmsUser) ? lmsUser : undefined;
}

/** The Canvas user id of a roster user, or why there is none. */
async function resolveUser(
  client: CanvasApi,
  target: CanvasTarget,
  view: AssignmentView,
  lmsUser: string,
): Promise<string | { reason: string }> {
  const found = lookupUser(view, lmsUser);
  if (found) return found;
  const where = `Canvas course ${target.courseId} assignment ${target.assignmentId}`;
  if (!lmsUser.startsWith('sis_user_id:'))
    return { reason: `Canvas user ${lmsUser} is not a student of ${where}` };
  if (view.showsSis) return { reason: `no student with SIS id ${lmsUser.slice(12)} in ${where}` };
  // Canvas hides SIS ids from this token: ask for the one submission by SIS id.
  try {
    const { data } = await client.request<CanvasSubmission>({
      method: 'GET',
      path: `/api/v1/courses/${target.courseId}/assignments/${target.assignmentId}/submissions/${lmsUser}`,
      label: 'get-submission',
      about: `${where} user ${lmsUser}`,
    });
    const user = String(data.user_id);
    view.scores.set(user, data.score ?? null);
    view.bySis.set(lmsUser.slice(12), user);
    return user;
  } catch (error) {
    if (error instanceof CanvasError && error.kind === 'not_found') {
      return { reason: `no student with SIS id ${lmsUser.slice(12)} in ${where}` };
    }
    throw error;
  }
}

function parseTarget(lmsAssignment: string | undefined): CanvasTarget | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(lmsAssignment ?? '');
  return match ? { courseId: match[1] as string, assignmentId: match[2] as string } : undefined;
}

function progressIdOf(answer: unknown): string | undefined {
  const progress = (answer as { progress?: unknown } | undefined)?.progress;
  return typeof progress === 'string' || typeof progress === 'number' ? String(progress) : undefined;
}

function toLedgerRow(row: Row): NewSyncGrade {
  const { target: _target, uncertain: _uncertain, maxPoints: _maxPoints, ...rest } = row;
  return rest;
}

function emptyCounts(): Record<SyncGradeState, number> {
  return Object.fromEntries(SYNC_GRADE_STATES.map((state) => [state, 0])) as Record<SyncGradeState, number>;
}

/** "30 sent and confirmed, 2 skipped", "30 unchanged", "would send 3, 27 unchanged". */
export function summarize(counts: Record<SyncGradeState, number>, dryRun: boolean): string {
  const parts: string[] = [];
  if (dryRun) {
    if (counts.planned > 0) parts.push(`would send ${counts.planned}`);
  } else {
    if (counts.confirmed > 0) parts.push(`${counts.confirmed} sent and confirmed`);
    if (counts.sent > 0) parts.push(`${counts.sent} sent, not yet confirmed`);
    if (counts.planned > 0) parts.push(`${counts.planned} not sent`);
  }
  if (counts.unchanged > 0) parts.push(`${counts.unchanged} unchanged`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  return parts.join(', ') || 'no grades';
}

function outcomeOf(
  sync: SyncRecord,
  rows: readonly (NewSyncGrade | SyncGradeRow)[],
  interrupted: InterruptedSync[],
  method: 'bulk' | 'per-student',
  requests: SyncOutcome['requests'],
  state: SyncOutcome['state'],
  repeated: boolean,
  error?: string,
): SyncOutcome {
  const counts = emptyCounts();
  for (const row of rows) counts[row.state]++;
  return {
    syncId: sync.id,
    dryRun: sync.dryRun,
    repeated,
    state,
    method,
    counts,
    grades: rows.map((row) => ({
      assignmentId: row.assignmentId,
      student: row.student,
      canvasUser: row.lmsUser,
      canvasAssignment: row.lmsAssignment,
      oldGrade: row.oldGrade,
      newGrade: row.newGrade,
      state: row.state,
      reason: row.reason,
    })),
    interrupted,
    requests,
    summary: summarize(counts, sync.dryRun),
    error,
  };
}

async function finish(
  input: CanvasSyncInput,
  sync: SyncRecord,
  rows: Row[],
  interrupted: InterruptedSync[],
  method: 'bulk' | 'per-student',
  state: 'done' | 'failed',
  before: CanvasApi['stats'],
  error?: string,
): Promise<SyncOutcome> {
  const failedRows = rows.filter((row) => row.state === 'failed').length;
  const message =
    error ??
    (failedRows > 0
      ? `${failedRows} ${failedRows === 1 ? 'grade' : 'grades'} failed; see the table`
      : undefined);
  const outcome = outcomeOf(
    sync,
    rows.map(toLedgerRow),
    interrupted,
    method,
    requestsSince(before, input.client.stats),
    state,
    false,
    message,
  );
  await input.store.finishSync(sync.id, { state, outcome, error: message });
  return outcome;
}

/** The client, touching the sync's heartbeat before a request when the last touch is old. */
function withHeartbeat(client: CanvasApi, beat: () => Promise<void>, now: () => Date): CanvasApi {
  let last = now().getTime();
  const touch = async () => {
    if (now().getTime() - last < HEARTBEAT_MS) return;
    last = now().getTime();
    await beat();
  };
  return {
    baseUrl: client.baseUrl,
    stats: client.stats,
    request: async (req) => {
      await touch();
      return client.request(req);
    },
    getAll: async (req) => {
      await touch();
      return client.getAll(req);
    },
  } as CanvasApi;
}

function snapshot(stats: CanvasApi['stats']): CanvasApi['stats'] {
  return { ...stats, byLabel: { ...stats.byLabel } };
}

/** The requests this sync made (a client may serve several syncs). */
function requestsSince(before: CanvasApi['stats'], now: CanvasApi['stats']): SyncOutcome['requests'] {
  const byLabel: Record<string, number> = {};
  for (const [label, count] of Object.entries(now.byLabel)) {
    const made = count - (before.byLabel[label] ?? 0);
    if (made > 0) byLabel[label] = made;
  }
  return {
    total: now.requests - before.requests,
    retries: now.retries - before.retries,
    throttled: now.throttled - before.throttled,
    byLabel,
  };
}

/** A repeated request: the earlier sync's outcome, nothing sent. */
function repeatedOutcome(
  sync: SyncRecord,
  rows: SyncGradeRow[],
  method: 'bulk' | 'per-student',
): SyncOutcome {
  const none = { total: 0, retries: 0, throttled: 0, byLabel: {} };
  const stored = sync.outcome as SyncOutcome | undefined;
  if (stored && sync.state !== 'running') return { ...stored, repeated: true, requests: none };
  return outcomeOf(
    sync,
    rows,
    [],
    method,
    none,
    sync.state,
    true,
    sync.state === 'running' ? 'this request is already being synced' : sync.error,
  );
}
