/**
 * The steps the front ends share: grade a submission and score the rubric (the CLI, the Action; the
 * app scores collected results with the same `scoreResults`), and write the results file after
 * validating it against its own contract.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Assignment, CourseConfig } from '../config/schema.js';
import type { CheckResult, Results } from '../results/results-schema.js';
import type { AssignmentScore, ManualScore } from '../results/score-types.js';
import { validateResults } from '../results/validate-results.js';
import { type GradeRequest, gradeSubmission } from './grade-submission.js';
import { scoreAssignment } from './score-assignment.js';

/** Runs the assignment's checks and scores them; `submittedAt` applies the late policy. */
export async function gradeAndScore(
  request: GradeRequest & { submittedAt?: Date | undefined },
): Promise<{ results: Results; score: AssignmentScore }> {
  const results = await gradeSubmission(request);
  const score = scoreResults(request.course, request.assignment, results.checks, {
    submittedAt: request.submittedAt,
  });
  return { results, score };
}

/**
 * Scores check results against the assignment's rubric, with `due` read in the course's time zone.
 * Shared by the front ends that grade (CLI, Action) and the app, which adds the instructor's manual scores.
 */
export function scoreResults(
  course: CourseConfig,
  assignment: Assignment,
  checks: readonly CheckResult[],
  options: { submittedAt?: Date | undefined; manualScores?: Record<string, ManualScore> } = {},
): AssignmentScore {
  const timezone = course.course.timezone;
  return scoreAssignment(assignment, checks, {
    ...(options.submittedAt ? { submittedAt: options.submittedAt } : {}),
    ...(options.manualScores ? { manualScores: options.manualScores } : {}),
    ...(timezone ? { courseTimezone: timezone } : {}),
  });
}

/** The hidden data directory a config names (`course.data_dir`, relative to the config file), if any. */
export function configDataDir(course: CourseConfig, configFile: string): string | undefined {
  const dir = course.course.data_dir;
  return dir === undefined ? undefined : path.resolve(path.dirname(configFile), dir);
}

/** Writes `mlgrade-results.json` (results with the score); refuses to write a file that breaks the contract. */
export async function writeResultsFile(
  file: string,
  results: Results,
  score: AssignmentScore,
): Promise<void> {
  const document = { ...results, score };
  const valid = validateResults(document);
  if (!valid.ok) throw new Error(`mlgrade produced invalid results (a bug):\n${valid.errors.join('\n')}`);
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
}
