/**
 * What the action does, without `@actions/core` side effects beyond logging. Steps:
 *   1. load and validate the course config (the grader repository's checkout, never the student's);
 *   2. pick the assignment and the hidden data directory;
 *   3. grade the submission, score it;
 *   4. write mlgrade-results.json (schema-validated) for the app to collect, replacing whatever was at
 *      that path, and its signature with the dispatch's key (`<results>.sig`).
 * Whatever was at the results path is removed first, so a step that fails leaves nothing to upload.
 */
import { rm, stat } from 'node:fs/promises';
import { formatProblem, loadConfig } from '../src/config/load-config.js';
import type { Assignment, CourseConfig } from '../src/config/schema.js';
import { configDataDir, gradeAndScore, writeResultsFile } from '../src/grading/grade-and-score.js';
import type { Results } from '../src/results/results-schema.js';
import { SIGNATURE_SUFFIX } from '../src/results/results-signature.js';
import type { AssignmentScore } from '../src/results/score-types.js';
import type { ActionInputs } from './inputs.js';

/** What one grading step produced. */
export interface ActionOutput {
  course: CourseConfig;
  assignment: Assignment;
  results: Results;
  score: AssignmentScore;
  /** The signature file written beside the results, when the step had a results key. */
  signature: string | undefined;
}

/** Grades the submission and writes the results file. Throws with what to fix on bad inputs. */
export async function main(inputs: ActionInputs): Promise<ActionOutput> {
  for (const planted of [inputs.results, `${inputs.results}${SIGNATURE_SUFFIX}`])
    await rm(planted, { recursive: true, force: true });
  // Without this, every check would report its own "not found" as an internal error.
  if (!(await stat(inputs.submission).catch(() => undefined))?.isDirectory()) {
    throw new Error(
      `Invalid input 'submission': ${inputs.submission} is not a directory. Check out the student repository there (actions/checkout with \`path:\`) before this step.`,
    );
  }
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
  const { results, score } = await gradeAndScore({
    course,
    assignment,
    submissionDir: inputs.submission,
    dataDir: inputs.data ?? configDataDir(course, inputs.config),
    submission: {
      ...(inputs.repository ? { repository: inputs.repository } : { path: inputs.submission }),
      ...(inputs.sha ? { sha: inputs.sha } : {}),
      ...(inputs.attemptId ? { attemptId: inputs.attemptId } : {}),
    },
  });
  const signature = await writeResultsFile(inputs.results, results, score, { signingKey: inputs.resultsKey });
  return { course, assignment, results, score, signature };
}
