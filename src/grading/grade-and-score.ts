/**
 * The step every front end shares (the CLI, the Action): grade a submission, score the rubric, and
 * write the results file after validating it against its own contract.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CourseConfig } from '../config/schema.js';
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore } from '../results/score-types.js';
import { validateResults } from '../results/validate-results.js';
import { type GradeRequest, gradeSubmission } from './grade-submission.js';
import { scoreAssignment } from './score-assignment.js';

/** Runs the assignment's checks and scores them; `submittedAt` applies the late policy. */
export async function gradeAndScore(
  request: GradeRequest & { submittedAt?: Date | undefined },
): Promise<{ results: Results; score: AssignmentScore }> {
  const results = await gradeSubmission(request);
  const timezone = request.course.course.timezone;
  const score = scoreAssignment(request.assignment, results.checks, {
    ...(request.submittedAt ? { submittedAt: request.submittedAt } : {}),
    ...(timezone ? { courseTimezone: timezone } : {}),
  });
  return { results, score };
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
