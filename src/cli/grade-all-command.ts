/**
 * `mlgrade grade-all PATH... --config FILE --out DIR`: grades many submissions in one process (a
 * class after a deadline or a rubric fix), a few at a time, and writes one results file per
 * submission plus a class summary (summary.csv, summary.json). A PATH is a submission directory, or a
 * directory of them when its own name matches no assignment. Interrupted, it resumes: submissions
 * whose results file is already in --out are not graded again. One submission failing never stops
 * the others; the summary lists it.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Assignment, CourseConfig } from '../config/schema.js';
import type { BatchOutcome } from '../grading/grade-batch.js';
import {
  type GradedSubmission,
  gradedSubmission,
  gradeSubmissions,
  type SubmissionToGrade,
} from '../grading/grade-submissions.js';
import type { AssignmentScore } from '../results/score-types.js';
import { validateResults } from '../results/validate-results.js';
import type { CliIO } from './cli-io.js';
import { requireDirectory, resolveDataDir } from './grade-command.js';
import { loadCourseOrExplain } from './load-course.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';
import { pickAssignment } from './pick-assignment.js';

const OPTIONS = {
  config: { type: 'string' },
  out: { type: 'string' },
  assignment: { type: 'string' },
  data: { type: 'string' },
  jobs: { type: 'string' },
  'timeout-minutes': { type: 'string' },
  'submitted-at': { type: 'string' },
} as const;

interface Submission extends SubmissionToGrade {
  assignment: Assignment;
}

type Graded = GradedSubmission;

/** Runs `mlgrade grade-all`; returns the exit code (0 all graded, 1 some could not be, 2 usage/config). */
export async function gradeAllCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  if (positionals.length === 0)
    throw new UsageError('give the submission directories (or a directory of them)');
  if (!values.config) throw new UsageError('--config FILE is required');
  if (!values.out)
    throw new UsageError('--out DIR is required (one results file per submission and the summary)');
  const jobs = values.jobs === undefined ? os.availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new UsageError(`--jobs ${values.jobs}: give a whole number of at least 1`);
  const timeoutMinutes = values['timeout-minutes'] === undefined ? 30 : Number(values['timeout-minutes']);
  if (!(timeoutMinutes > 0))
    throw new UsageError(`--timeout-minutes ${values['timeout-minutes']}: give a number of minutes above 0`);
  const submittedAt = values['submitted-at'] === undefined ? undefined : new Date(values['submitted-at']);
  if (submittedAt && Number.isNaN(submittedAt.getTime()))
    throw new UsageError(`--submitted-at "${values['submitted-at']}" is not an ISO date-time`);
  const out = await requireDirectory(values.out, '--out');

  const course = await loadCourseOrExplain(values.config, io, 'mlgrade grade-all', 'nothing was graded');
  if (!course) return 2;
  const dataDir = await resolveDataDir(values.data, course, values.config);
  const { submissions, skipped } = await findSubmissions(positionals, course, values.assignment);
  for (const line of skipped) io.stderr(`skipped ${line}\n`);
  if (submissions.length === 0) {
    io.stderr('mlgrade grade-all: no submission to grade.\n');
    return 2;
  }

  const fileOf = (submission: Submission) => path.join(out, `${submission.name}.json`);
  const outcomes = await gradeSubmissions(
    submissions.map((submission) => ({ ...submission, submittedAt })),
    {
      course,
      dataDir,
      concurrency: jobs,
      resultsFile: fileOf,
      done: async (submission) => earlierResult(fileOf(submission), submission),
      onProgress: (progress, outcome) => {
        const eta =
          progress.done < progress.total
            ? (progress.elapsed / progress.done) * (progress.total - progress.done)
            : 0;
        io.stderr(
          `[${progress.done}/${progress.total}] ${outcome.name}  ${describe(outcome)}${progress.failed > 0 ? `  (${progress.failed} failed)` : ''}${eta > 0 ? `  eta ${Math.ceil(eta)}s` : ''}\n`,
        );
      },
    },
  );
  await writeSummary(out, outcomes);
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  const resumed = outcomes.filter((outcome) => outcome.status === 'resumed').length;
  io.stdout(
    `${outcomes.length - failed.length} of ${outcomes.length} graded${resumed > 0 ? ` (${resumed} from an earlier run)` : ''}; results and summary.csv in ${out}\n`,
  );
  for (const outcome of failed)
    if (outcome.status === 'failed') io.stdout(`could not grade ${outcome.name}: ${outcome.error}\n`);
  return failed.length > 0 ? 1 : 0;
}

function describe(outcome: BatchOutcome<Graded>): string {
  if (outcome.status === 'failed') return `could not be graded: ${outcome.error.split('\n')[0]}`;
  const { score } = outcome.result;
  const points = `${score.points}/${score.maxPoints}${score.pendingPoints > 0 ? ` (${score.pendingPoints} pending)` : ''}`;
  return outcome.status === 'resumed'
    ? `${points}  (already graded)`
    : `${points}  ${outcome.seconds.toFixed(1)}s`;
}

/** The earlier run's result for this submission, when its file is there, valid, and about this directory. */
async function earlierResult(file: string, submission: Submission): Promise<Graded | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const data = JSON.parse(text) as { score?: AssignmentScore };
  const valid = validateResults(data);
  if (!valid.ok || !data.score || valid.results.submission.path !== submission.dir) return undefined;
  if (valid.results.assignment !== submission.assignment.id) return undefined;
  return gradedSubmission(submission.assignment.id, data.score, valid.results.checks);
}

/** Expands the paths into submissions; what is not one is listed with the reason. */
async function findSubmissions(
  paths: readonly string[],
  course: CourseConfig,
  assignmentId: string | undefined,
) {
  const submissions: Submission[] = [];
  const skipped: string[] = [];
  const matching = (name: string): Assignment | undefined => {
    try {
      return pickAssignment(course, assignmentId, name);
    } catch {
      return undefined;
    }
  };
  const byPattern = (name: string): Assignment | undefined => {
    try {
      return pickAssignment(course, undefined, name);
    } catch {
      return undefined;
    }
  };
  for (const given of paths) {
    const dir = await requireDirectory(given, 'PATH');
    const name = path.basename(dir);
    const entries = await readdir(dir, { withFileTypes: true });
    // A directory of submissions: its name matches no assignment and it holds only directories.
    const isContainer =
      !byPattern(name) && entries.length > 0 && entries.every((entry) => entry.isDirectory());
    if (!isContainer) {
      const assignment = matching(name);
      if (assignment) submissions.push({ name, dir, assignment });
      else skipped.push(`${dir}: matches no assignment's repository pattern (name one with --assignment)`);
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(dir, entry.name);
      if (entry.name.startsWith('.')) {
        skipped.push(`${child}: hidden directory`);
        continue;
      }
      const assignment = matching(entry.name);
      if (assignment) submissions.push({ name: entry.name, dir: child, assignment });
      else skipped.push(`${child}: matches no assignment's repository pattern (name one with --assignment)`);
    }
  }
  const seen = new Map<string, string>();
  for (const submission of submissions) {
    const other = seen.get(submission.name);
    if (other)
      throw new UsageError(
        `two submissions are named ${submission.name} (${other}, ${submission.dir}): their results files would collide; grade them in separate runs`,
      );
    seen.set(submission.name, submission.dir);
  }
  return { submissions, skipped };
}

async function writeSummary(out: string, outcomes: readonly BatchOutcome<Graded>[]): Promise<void> {
  const rows = outcomes.map((outcome) =>
    outcome.status === 'failed'
      ? {
          submission: outcome.name,
          status: 'failed',
          assignment: '',
          points: '',
          maxPoints: '',
          pendingPoints: '',
          checksFailed: '',
          seconds: outcome.seconds.toFixed(2),
          error: outcome.error,
        }
      : {
          submission: outcome.name,
          status: outcome.status,
          assignment: outcome.result.assignment,
          points: String(outcome.result.score.points),
          maxPoints: String(outcome.result.score.maxPoints),
          pendingPoints: String(outcome.result.score.pendingPoints),
          checksFailed: String(outcome.result.checksFailed),
          seconds: outcome.status === 'graded' ? outcome.seconds.toFixed(2) : '',
          error: '',
        },
  );
  const header = [
    'submission',
    'status',
    'assignment',
    'points',
    'maxPoints',
    'pendingPoints',
    'checksFailed',
    'seconds',
    'error',
  ] as const;
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const csv = [header.join(','), ...rows.map((row) => header.map((key) => quote(row[key])).join(','))].join(
    '\n',
  );
  await writeFile(path.join(out, 'summary.csv'), `${csv}\n`);
  await writeFile(path.join(out, 'summary.json'), `${JSON.stringify(rows, null, 2)}\n`);
}
