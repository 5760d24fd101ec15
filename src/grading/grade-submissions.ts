/**
 * Grades several submissions of one course in this process and writes a results file for each: the
 * path `mlgrade grade-all` and the grader action's batch mode share. The pool is bounded, a
 * submission that throws never stops the others, and assignments whose scores read a timing run
 * alone (see timing-sensitive.ts).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Assignment, CourseConfig } from '../config/schema.js';
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore } from '../results/score-types.js';
import { gradeAndScore, writeResultsFile } from './grade-and-score.js';
import { type BatchOutcome, type BatchProgress, gradeBatch } from './grade-batch.js';
import { timingSensitive } from './timing-sensitive.js';

/** One submission to grade. */
export interface SubmissionToGrade {
  /** Unique in the batch: names the submission in progress lines, summaries and results paths. */
  name: string;
  /** Absolute path of the checkout. */
  dir: string;
  assignment: Assignment;
  /** Identity written into the results (the action: repository, sha, attempt id). */
  submission?: Results['submission'];
  /** Applies the late policy when given. */
  submittedAt?: Date | undefined;
}

/** What a graded submission came to, as summaries show it. */
export interface GradedSubmission {
  assignment: string;
  score: AssignmentScore;
  /** Checks that failed or could not judge the submission. */
  checksFailed: number;
}

/** How to grade the batch. */
export interface GradeSubmissionsOptions<S extends SubmissionToGrade> {
  course: CourseConfig;
  dataDir: string | undefined;
  concurrency: number;
  /** Where the submission's results file goes. */
  resultsFile: (submission: S) => string;
  /** Signs each results file (`<file>.sig`) with this key (the action's per-dispatch key). */
  signingKey?: string | undefined;
  /** Before grading: the outcome an earlier run left (resume); undefined to grade. */
  done?: (submission: S) => Promise<GradedSubmission | undefined>;
  /** Before grading: why this submission cannot be graded (a missing checkout), or undefined. */
  refuse?: (submission: S) => Promise<string | undefined>;
  onProgress?: (progress: BatchProgress, outcome: BatchOutcome<GradedSubmission>) => void;
  /** Longest one submission may take (default 30 minutes); past it, it is failed as hung. */
  timeoutMs?: number;
}

/** The default time limit for one submission in a batch. */
export const DEFAULT_SUBMISSION_TIMEOUT_MS = 30 * 60 * 1000;

/** Grades every submission; outcomes come back in the submissions' order. */
export function gradeSubmissions<S extends SubmissionToGrade>(
  submissions: readonly S[],
  options: GradeSubmissionsOptions<S>,
): Promise<BatchOutcome<GradedSubmission>[]> {
  const { course, dataDir } = options;
  return gradeBatch(submissions, {
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs ?? DEFAULT_SUBMISSION_TIMEOUT_MS,
    ...(options.done ? { done: options.done } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    exclusive: (submission) => timingSensitive(submission.assignment),
    grade: async (submission) => {
      const refused = await options.refuse?.(submission);
      if (refused !== undefined) throw new Error(refused);
      const { results, score } = await gradeAndScore({
        course,
        assignment: submission.assignment,
        submissionDir: submission.dir,
        dataDir,
        submittedAt: submission.submittedAt,
        ...(submission.submission ? { submission: submission.submission } : {}),
      });
      const file = options.resultsFile(submission);
      await mkdir(path.dirname(file), { recursive: true });
      await writeResultsFile(file, results, score, {
        signingKey: options.signingKey,
      });
      return gradedSubmission(submission.assignment.id, score, results.checks);
    },
  });
}

/** The summary of one graded submission. */
export function gradedSubmission(
  assignment: string,
  score: AssignmentScore,
  checks: readonly { status: string }[],
): GradedSubmission {
  return {
    assignment,
    score,
    checksFailed: checks.filter((check) => check.status === 'fail' || check.status === 'error').length,
  };
}
