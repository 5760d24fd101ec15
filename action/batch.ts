/**
 * The action's batch mode: one runner job grades every attempt of a dispatch in one process (the
 * path `mlgrade grade-all` takes), instead of one job and one process per attempt. Steps:
 *   1. load the course config once; check every attempt's assignment;
 *   2. grade the checkouts `<submissions>/<attempt id>` a few at a time;
 *   3. write `<results-dir>/<attempt id>/mlgrade-results.json` and its signature for each.
 * An attempt that cannot be graded (its checkout is missing, its assignment unknown) gets no results
 * file: the app reports it as not graded, with the reason from the job summary, and the others are
 * kept. Whatever was at the results directory is removed first.
 */
import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, loadConfig } from '../src/config/load-config.js';
import type { CourseConfig } from '../src/config/schema.js';
import { configDataDir } from '../src/grading/grade-and-score.js';
import type { BatchOutcome } from '../src/grading/grade-batch.js';
import { type GradedSubmission, gradeSubmissions } from '../src/grading/grade-submissions.js';
import type { BatchAttempt, BatchInputs } from './batch-inputs.js';

/** The file each attempt's results go to, inside the results directory. */
export const BATCH_RESULTS_FILE = 'mlgrade-results.json';

/** One attempt's outcome in the batch. */
export type BatchAttemptOutcome = BatchOutcome<GradedSubmission> & { attempt: BatchAttempt };

/** What the batch step produced. */
export interface BatchOutput {
  course: CourseConfig;
  outcomes: BatchAttemptOutcome[];
}

/** Grades every attempt; throws (nothing graded) only when the config or the inputs are unusable. */
export async function mainBatch(inputs: BatchInputs): Promise<BatchOutput> {
  await rm(inputs.results, { recursive: true, force: true });
  if (!(await stat(inputs.submissions).catch(() => undefined))?.isDirectory())
    throw new Error(
      `Invalid input 'submissions': ${inputs.submissions} is not a directory. Check each attempt out into ${path.basename(inputs.submissions)}/<attempt id> before this step.`,
    );
  const loaded = await loadConfig(inputs.config);
  if (!loaded.config)
    throw new Error(
      `The course config ${inputs.config} has errors; nothing was graded:\n${loaded.problems.map(formatProblem).join('\n')}`,
    );
  const course = loaded.config;
  const byId = new Map(course.assignments.map((assignment) => [assignment.id, assignment]));
  const unknown = (attempt: BatchAttempt): BatchAttemptOutcome => ({
    name: attempt.attempt,
    status: 'failed',
    error: `assignment "${attempt.assignment}" is not in the course config (assignments: ${[...byId.keys()].join(', ')})`,
    seconds: 0,
    attempt,
  });
  const items = inputs.attempts.flatMap((attempt) => {
    const assignment = byId.get(attempt.assignment);
    if (!assignment) return [];
    const submission = { repository: attempt.repository, sha: attempt.sha, attemptId: attempt.attempt };
    return [
      {
        name: attempt.attempt,
        dir: path.join(inputs.submissions, attempt.attempt),
        assignment,
        attempt,
        submission,
      },
    ];
  });
  const graded = await gradeSubmissions(items, {
    course,
    dataDir: inputs.data ?? configDataDir(course, inputs.config),
    concurrency: inputs.jobs ?? os.availableParallelism(),
    signingKey: inputs.resultsKey,
    resultsFile: (item) => path.join(inputs.results, item.attempt.attempt, BATCH_RESULTS_FILE),
    refuse: async (item) =>
      (await stat(item.dir).catch(() => undefined))?.isDirectory()
        ? undefined
        : `no checkout at ${path.relative(process.cwd(), item.dir) || item.dir} (the checkout step failed for ${item.attempt.repository}@${item.attempt.sha.slice(0, 7)})`,
  });
  const byAttempt = new Map(
    graded.map((outcome, index) => [
      items[index]!.attempt.attempt,
      { ...outcome, attempt: items[index]!.attempt },
    ]),
  );
  // In the dispatch's order, unknown assignments included.
  const outcomes = inputs.attempts.map((attempt) => byAttempt.get(attempt.attempt) ?? unknown(attempt));
  return { course, outcomes };
}
