/**
 * What the action does, without `@actions/core` side effects beyond logging. Steps:
 *   1. load and validate the course config (the grader repository's checkout, never the student's);
 *   2. pick the assignment and the hidden data directory;
 *   3. grade the submission, score it;
 *   4. write mlgrade-results.json (schema-validated) for the app to collect.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatProblem, loadConfig } from '../src/config/load-config.js';
import type { Assignment, CourseConfig } from '../src/config/schema.js';
import { gradeSubmission } from '../src/grading/grade-submission.js';
import type { Results } from '../src/grading/results-schema.js';
import { scoreAssignment } from '../src/grading/score-assignment.js';
import type { AssignmentScore } from '../src/grading/score-types.js';
import { validateResults } from '../src/grading/validate-results.js';
import type { ActionInputs } from './inputs.js';

/** What one grading step produced. */
export interface ActionOutput {
  course: CourseConfig;
  assignment: Assignment;
  results: Results;
  score: AssignmentScore;
}

/** Grades the submission and writes the results file. Throws with what to fix on bad inputs. */
export async function main(inputs: ActionInputs): Promise<ActionOutput> {
  const loaded = await loadConfig(inputs.config);
  if (!loaded.config)
    throw new Error(
      `The course config ${inputs.config} has errors; nothing was graded:\n${loaded.problems.map(formatProblem).join('\n')}`,
    );
  const course = loaded.config;
  const assignment = course.assignments.find((candidate) => candidate.id === inputs.assignment);
  if (!assignment)
    throw new Error(
      `Invalid input 'assignment': "${inputs.assignment}" is not in ${inputs.config} (assignments: ${course.assignments.map((a) => a.id).join(', ')}).`,
    );
  const dataDir =
    inputs.data ??
    (course.course.data_dir ? path.resolve(path.dirname(inputs.config), course.course.data_dir) : undefined);
  const results = await gradeSubmission({
    course,
    assignment,
    submissionDir: inputs.submission,
    dataDir,
    submission: {
      ...(inputs.repository ? { repository: inputs.repository } : { path: inputs.submission }),
      ...(inputs.sha ? { sha: inputs.sha } : {}),
      ...(inputs.attemptId ? { attemptId: inputs.attemptId } : {}),
    },
  });
  const score = scoreAssignment(assignment, results.checks, {
    ...(course.course.timezone ? { courseTimezone: course.course.timezone } : {}),
  });
  const file = { ...results, score };
  const valid = validateResults(file);
  if (!valid.ok) throw new Error(`mlgrade produced invalid results (a bug):\n${valid.errors.join('\n')}`);
  await writeFile(inputs.results, `${JSON.stringify(file, null, 2)}\n`);
  return { course, assignment, results, score };
}
