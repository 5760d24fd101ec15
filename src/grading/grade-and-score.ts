/**
 * The steps the front ends share: grade a submission and score the rubric (the CLI, the Action; the
 * app scores collected results with the same `scoreResults`), and write the results file after
 * validating it against its own contract.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Assignment, CourseConfig } from '../config/schema.js';
import type { CheckResult, Results } from '../results/results-schema.js';
import { SIGNATURE_SUFFIX, signResults } from '../results/results-signature.js';
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

/**
 * Writes `mlgrade-results.json` (results with the score); refuses to write a file that breaks the
 * contract. With `signingKey` (the grader action's per-dispatch key), also writes the signature to
 * `<file>.sig`; without it, `<file>.sig` is not touched (the action removes a planted one before
 * grading). Returns the signature file's path, if written.
 */
export async function writeResultsFile(
  file: string,
  results: Results,
  score: AssignmentScore,
  options: { signingKey?: string | undefined } = {},
): Promise<string | undefined> {
  const document = { ...results, score };
  const valid = validateResults(document);
  if (!valid.ok) throw new Error(`mlgrade produced invalid results (a bug):\n${valid.errors.join('\n')}`);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  await replaceFile(file, text);
  if (options.signingKey === undefined) return undefined;
  const signatureFile = `${file}${SIGNATURE_SUFFIX}`;
  await replaceFile(signatureFile, `${signResults(options.signingKey, text)}\n`);
  return signatureFile;
}

/**
 * Puts `text` at `file` whatever was there. Where the workspace is writable by others (a previous job
 * on a self-hosted runner, student code), the path may hold a symlink to a file elsewhere or a
 * directory with a forged file inside; plain writeFile would follow the link or fail and leave the
 * forgery. So: write a fresh file beside it (exclusive create, never an existing one), remove what is
 * at the path (a link itself, not its target), and rename the fresh file into place.
 */
async function replaceFile(file: string, text: string): Promise<void> {
  const fresh = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await writeFile(fresh, text, { flag: 'wx', mode: 0o644 });
    // Whatever is at the path goes: a file, a symlink (not its target), a directory tree.
    await rm(file, { recursive: true, force: true });
    await rename(fresh, file);
  } catch (error) {
    await rm(fresh, { force: true });
    throw new Error(`Could not write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
