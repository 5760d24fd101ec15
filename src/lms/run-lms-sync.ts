/**
 * One grade sync, from a request to what the requester reads: the assignments named, the gradebook
 * of each (lms/gradebook.ts), then Canvas (lms/canvas-sync.ts) or the Gradescope scores CSV. Shared
 * by the sync label (handlers/issues-labeled.ts) and `mlgrade sync` on the terminal.
 */
import type { Assignment, CourseConfig } from '../config/schema.js';
import type { SyncStore } from '../store/lms-syncs.js';
import { canvasClientFromEnv } from './canvas-client.js';
import { renderCanvasSyncMarkdown, renderCanvasSyncText } from './canvas-report.js';
import { type CanvasApi, canvasTargets, syncCanvas } from './canvas-sync.js';
import { type GradebookSource, gradebook } from './gradebook.js';
import { gradescopeScoresCsv } from './gradescope-scores-csv.js';
import type { StudentRoster } from './roster-types.js';
import type { StudentGrade } from './student-grade.js';
import { requestedAssignments, type SyncTarget } from './sync-request.js';

/** What a sync needs. Assignments come from `assignmentIds`, else from the issue's title and body. */
export interface LmsSyncRequest {
  target: SyncTarget;
  course: CourseConfig;
  roster: StudentRoster;
  ledger: GradebookSource & { syncs: SyncStore };
  env: NodeJS.ProcessEnv;
  requestedBy: string;
  assignmentIds?: readonly string[];
  title?: string;
  body?: string;
  requestKey?: string;
  sourceUrl?: string;
  dryRun?: boolean;
  /** The Canvas client (default: CANVAS_URL and CANVAS_TOKEN from env). */
  canvas?: CanvasApi;
  /** Waits between Canvas retries and Progress polls (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

/** What happened, for the issue comment and the terminal. */
export interface LmsSyncResult {
  ok: boolean;
  summary: string;
  markdown: string;
  text?: string;
  /** The Gradescope CSV, for `mlgrade export`. */
  csv?: string;
  /** True when nothing was attempted (a request that cannot be carried out). */
  refused?: boolean;
}

/** Runs one sync; refusals (no assignment named, no Canvas ids, no token) come back as failed results. */
export async function runLmsSync(request: LmsSyncRequest): Promise<LmsSyncResult> {
  const { course } = request;
  const ids = course.assignments.map((assignment) => assignment.id);
  const named = request.assignmentIds
    ? { ids: [...request.assignmentIds] }
    : requestedAssignments(request.title ?? '', request.body, ids);
  if ('error' in named) return refused(named.error);
  const unknown = named.ids.filter((id) => !ids.includes(id));
  if (unknown.length > 0)
    return refused(`No assignment ${unknown.map((id) => `\`${id}\``).join(', ')} in the course config.`);
  const assignments = named.ids.map((id) => course.assignments.find((assignment) => assignment.id === id)!);
  const grades: StudentGrade[] = [];
  for (const assignment of assignments) grades.push(...(await gradebook(request.ledger, course, assignment)));
  const notes = ungradedNotes(assignments, grades, request.roster);
  return request.target === 'canvas'
    ? canvas(request, assignments, grades, notes)
    : gradescope(request, assignments, grades, notes);
}

async function canvas(
  request: LmsSyncRequest,
  assignments: readonly Assignment[],
  grades: readonly StudentGrade[],
  notes: string[],
): Promise<LmsSyncResult> {
  const targets = canvasTargets(request.course.course.lms, assignments);
  const missing = assignments
    .filter((assignment) => !targets.has(assignment.id))
    .map((assignment) => assignment.id);
  if (targets.size === 0)
    return refused(
      `No Canvas assignment is configured for ${missing.map((id) => `\`${id}\``).join(', ')}: set \`lms.canvas.assignment_id\` on the assignment and \`course.lms.canvas.course_id\` (docs/lms.md#canvas).`,
    );
  if (missing.length > 0)
    notes.push(
      `Not synced, no Canvas assignment configured: ${missing.map((id) => `\`${id}\``).join(', ')}.`,
    );
  let client: CanvasApi;
  try {
    client = request.canvas ?? canvasClientFromEnv(request.env);
  } catch (error) {
    return refused((error as Error).message);
  }
  const outcome = await syncCanvas({
    client,
    store: request.ledger.syncs,
    grades: grades.filter((grade) => targets.has(grade.assignmentId)),
    roster: request.roster,
    targets,
    syncIncomplete: request.course.course.lms?.sync_incomplete ?? false,
    dryRun: request.dryRun ?? false,
    requestedBy: request.requestedBy,
    ...(request.requestKey ? { requestKey: request.requestKey } : {}),
    ...(request.sourceUrl ? { sourceUrl: request.sourceUrl } : {}),
    ...(request.sleep ? { sleep: request.sleep } : {}),
  });
  const ok = outcome.state === 'done' && outcome.counts.failed === 0 && !outcome.error;
  const extra = notes.length > 0 ? `\n\n${notes.join('\n\n')}` : '';
  return {
    ok,
    summary: outcome.summary,
    markdown: `${renderCanvasSyncMarkdown(outcome)}${extra}`,
    text: `${renderCanvasSyncText(outcome)}${extra}\n`,
  };
}

async function gradescope(
  request: LmsSyncRequest,
  assignments: readonly Assignment[],
  grades: readonly StudentGrade[],
  notes: string[],
): Promise<LmsSyncResult> {
  const idColumn = request.course.course.lms?.gradescope?.id_column ?? 'email';
  const sections: string[] = [];
  let csvAll = '';
  const { sync } = await request.ledger.syncs.startSync({
    lms: 'gradescope',
    courseId: request.course.course.id,
    assignmentIds: assignments.map((assignment) => assignment.id),
    requestedBy: request.requestedBy,
    ...(request.requestKey ? { requestKey: request.requestKey } : {}),
    ...(request.sourceUrl ? { sourceUrl: request.sourceUrl } : {}),
    dryRun: request.dryRun ?? false,
  });
  let exported = 0;
  let skipped = 0;
  const sendIncomplete = request.course.course.lms?.sync_incomplete ?? false;
  for (const assignment of assignments) {
    const all = grades.filter((grade) => grade.assignmentId === assignment.id);
    // As with Canvas, a grade with pending criteria stays out unless the course says otherwise.
    const incomplete = all.filter((grade) => !grade.complete && !sendIncomplete);
    const mine = all.filter((grade) => !incomplete.includes(grade));
    const { csv, missing } = gradescopeScoresCsv(mine, request.roster, idColumn);
    const missingSet = new Set(missing.map((login) => login.toLowerCase()));
    const pendingReason = (grade: StudentGrade) =>
      `incomplete: ${grade.pending.map((criterion) => criterion.id).join(', ')} pending (course.lms.sync_incomplete is off)`;
    await request.ledger.syncs.recordGrades(sync.id, [
      ...mine.map((grade) => {
        const skip = missingSet.has(grade.login.toLowerCase());
        return {
          assignmentId: assignment.id,
          student: grade.login,
          newGrade: String(grade.points),
          state: skip ? ('skipped' as const) : ('sent' as const),
          reason: skip
            ? `no ${idColumn === 'email' ? 'Gradescope email' : 'SID'} in the roster`
            : 'in the scores CSV',
        };
      }),
      ...incomplete.map((grade) => ({
        assignmentId: assignment.id,
        student: grade.login,
        newGrade: String(grade.points),
        state: 'skipped' as const,
        reason: pendingReason(grade),
      })),
    ]);
    exported += mine.length - missing.length;
    skipped += missing.length + incomplete.length;
    if (incomplete.length > 0)
      notes.push(
        `Not in the \`${assignment.id}\` CSV, criteria pending: ${incomplete.map((grade) => `${grade.login} (${grade.pending.map((c) => c.id).join(', ')})`).join(', ')}.`,
      );
    const name = assignment.lms?.gradescope?.assignment ?? assignment.title;
    sections.push(
      `### ${assignment.id} → Gradescope “${name}”`,
      '',
      missing.length > 0
        ? `Not in the CSV (no ${idColumn === 'email' ? 'email' : 'SID'} in the roster): ${missing.join(', ')}.`
        : `${mine.length - missing.length} students.`,
      '',
      '<details><summary>scores CSV</summary>',
      '',
      '```csv',
      csv.trimEnd(),
      '```',
      '',
      '</details>',
      '',
    );
    csvAll += csv;
  }
  const summary = `${exported} scores in the CSV${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  await request.ledger.syncs.finishSync(sync.id, { state: 'done', outcome: { exported, skipped } });
  const markdown = [
    `**Gradescope scores CSV**: ${summary}. Gradescope has no API to write grades: in the assignment, open **Review Grades → Upload** (“Import scores”) and upload the CSV below.`,
    '',
    ...sections,
    ...notes,
  ].join('\n');
  return { ok: true, summary, markdown, text: `${summary}\n${notes.join('\n')}\n`, csv: csvAll };
}

/** Roster students with no graded submission are listed, never silently left out. */
function ungradedNotes(
  assignments: readonly Assignment[],
  grades: readonly StudentGrade[],
  roster: StudentRoster,
): string[] {
  const notes: string[] = [];
  for (const assignment of assignments) {
    const graded = new Set(
      grades
        .filter((grade) => grade.assignmentId === assignment.id)
        .map((grade) => grade.login.toLowerCase()),
    );
    const missing = roster.entries
      .filter((entry) => !graded.has(entry.login.toLowerCase()))
      .map((entry) => entry.login);
    if (missing.length > 0)
      notes.push(`No graded submission of \`${assignment.id}\` (nothing sent): ${missing.join(', ')}.`);
  }
  return notes;
}

function refused(message: string): LmsSyncResult {
  return {
    ok: false,
    refused: true,
    summary: message,
    markdown: `**Sync failed.** ${message}`,
    text: `${message}\n`,
  };
}
