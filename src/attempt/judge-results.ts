/**
 * What the app makes of the results file a grader run sent back for one attempt, without GitHub:
 *   1. a run that did not succeed (failure, cancelled, timed out, …): an infrastructure error, its
 *      artifact never read, whatever it uploaded; a successful run without the file: invalid results;
 *   2. check its signature with the dispatch's key (only the grader action holds it), then parse and
 *      validate the file as untrusted input;
 *   3. check it answers this attempt (attempt id, repository, sha, course, assignment);
 *   4. score it against the current config, with the instructor's manual scores and the late policy
 *      applied at the commit's first submission;
 *   5. render the check-run report and the pull-request comment.
 * The caller fetches the file, stores the verdict and makes the GitHub writes.
 */
import type { CourseConfig } from '../config/schema.js';
import { scoreResults } from '../grading/grade-and-score.js';
import type { Results } from '../results/results-schema.js';
import { verifyResults } from '../results/results-signature.js';
import type { AssignmentScore, ManualScore } from '../results/score-types.js';
import { validateResults } from '../results/validate-results.js';
import { type CheckReport, checkRunReport } from './results-report.js';

/** The attempt fields a verdict depends on (the ledger's Attempt has them). */
export interface AttemptFacts {
  id: string;
  courseId: string;
  assignmentId: string;
  /** `owner/name`. */
  repository: string;
  sha: string;
  /** What started the attempt; regrades are scored at the commit's first submission. */
  trigger: string;
  createdAt: Date;
}

/** The ledger reads scoring needs (the ledger has them); called only for results worth scoring. */
export interface ScoringHistory {
  listManualScores(repository: string, assignmentId: string): Promise<Record<string, ManualScore>>;
  listScores(
    repository: string,
    assignmentId: string,
  ): Promise<readonly { attempt: { sha: string; createdAt: Date } }[]>;
}

/** The results file as the caller found it: its text, or why there is none. */
export type ResultsFile =
  /** The results file's text and the signature file's, if the artifact had one. */
  | { text: string; signature?: string | undefined }
  /** The run has no artifact of this name. */
  | { missing: string }
  /** The run's batch artifact has no results for this attempt: the batch job could not grade it. */
  | { notInBatch: string }
  /** The run did not succeed, so its artifact of this name was not downloaded. */
  | { notRead: string }
  /** The artifact was refused (expired, too large, not a results zip); the reason. */
  | { unreadable: string };

/** What {@link judgeResults} needs. */
export interface JudgeInput {
  attempt: AttemptFacts;
  /** The course config as it is now (never the student's). */
  course: CourseConfig;
  /** The grader run that should have produced the file. */
  run: { id: number; conclusion: string | null };
  file: ResultsFile;
  /**
   * The key the app minted for the attempt's dispatch (`resultsKey` of results-signature.ts); undefined
   * for an attempt never dispatched with one, whose results are then rejected.
   */
  resultsKey: string | undefined;
  history: ScoringHistory;
  /** The time hidden checks are revealed against (default now). */
  now?: Date;
}

/** Results that answer the attempt, scored and rendered. */
export interface Scored {
  state: 'completed';
  results: Results;
  score: AssignmentScore;
  report: CheckReport;
  /** The pull-request comment's Markdown. */
  comment: string;
}

/** Why no score came of the run: infrastructure errors are neutral and free; invalid results fail. */
export interface Fault {
  state: 'infra_error' | 'invalid_results';
  error: string;
  report: CheckReport;
}

/** Decides what a grader run's results file means for the attempt it answers. */
export async function judgeResults(input: JudgeInput): Promise<Scored | Fault> {
  const { attempt, file } = input;
  const conclusion = input.run.conclusion ?? 'no conclusion';
  if ('missing' in file) {
    const why = `grader run ${input.run.id} finished (${conclusion}) without the artifact ${file.missing}`;
    return fault(conclusion !== 'success' ? 'infra_error' : 'invalid_results', why);
  }
  if ('notInBatch' in file)
    return fault(
      'infra_error',
      `grader run ${input.run.id} graded its batch but not this attempt: ${file.notInBatch} holds no results for it (the run's job summary says why, e.g. a checkout that failed); use Re-run to grade it again`,
    );
  // Only a grading step that succeeded wrote results; anything a failed run uploaded may be a planted file.
  if (conclusion !== 'success' || 'notRead' in file) {
    const uploaded = 'notRead' in file ? file.notRead : 'its results';
    return fault(
      'infra_error',
      `grader run ${input.run.id} finished (${conclusion}); results of a run that did not succeed are not scored, so ${uploaded} was not read`,
    );
  }
  if ('unreadable' in file) return fault('invalid_results', file.unreadable);
  const unsigned = signatureProblem(file, input.resultsKey);
  if (unsigned) return fault('invalid_results', unsigned);
  let data: unknown;
  try {
    data = JSON.parse(file.text);
  } catch (error) {
    if (error instanceof SyntaxError) return fault('invalid_results', error.message);
    throw error;
  }
  const valid = validateResults(data);
  if (!valid.ok)
    return fault('invalid_results', `results do not match the schema:\n${valid.errors.join('\n')}`);
  const mismatch = answersAttempt(valid.results, attempt);
  if (mismatch) return fault('invalid_results', mismatch);

  const scored = await scoreAttempt({ ...input, results: valid.results });
  return 'missingAssignment' in scored ? fault('infra_error', scored.missingAssignment) : scored;
}

/** What {@link scoreAttempt} needs: trusted results of the attempt (validated when they arrived). */
export interface RescoreInput {
  attempt: AttemptFacts;
  course: CourseConfig;
  results: Results;
  history: ScoringHistory;
  now?: Date;
}

/**
 * Scores an attempt's results against the current config, manual scores and late policy, and renders
 * the report. Used when results arrive and again when an instructor scores a criterion.
 */
export async function scoreAttempt(input: RescoreInput): Promise<Scored | { missingAssignment: string }> {
  const { attempt, course, results } = input;
  const assignment = course.assignments.find((candidate) => candidate.id === attempt.assignmentId);
  if (!assignment)
    return { missingAssignment: `assignment ${attempt.assignmentId} is no longer in the course config` };
  const manualScores = await input.history.listManualScores(attempt.repository, attempt.assignmentId);
  const score = scoreResults(course, assignment, results.checks, {
    submittedAt: await submittedAt(input.history, attempt),
    manualScores,
  });
  const report = checkRunReport({
    course,
    assignment,
    results,
    score,
    ...(input.now ? { now: input.now } : {}),
  });
  // The comment is the check run's summary: one rendering serves both.
  return { state: 'completed', results, score, report, comment: report.summary };
}

/** Why the file is not the grader action's own, or undefined when its signature holds. */
function signatureProblem(file: { text: string; signature?: string | undefined }, key: string | undefined) {
  if (key === undefined)
    return 'the attempt has no dispatch nonce, so the results signature cannot be checked';
  if (file.signature === undefined)
    return 'results are not signed: the artifact has no mlgrade-results.json.sig (the grader workflow must pass its input results_key to the mlgrade action as results-key and upload the signature; docs/github-app.md)';
  if (!verifyResults(key, file.text, file.signature))
    return 'results signature does not match: the file was not written by the mlgrade action of this dispatch';
  return undefined;
}

/** The check run of a fault: neutral and free for infrastructure errors, failed for invalid results. */
function fault(state: Fault['state'], error: string): Fault {
  const infra = state === 'infra_error';
  return {
    state,
    error,
    report: {
      conclusion: infra ? 'neutral' : 'failure',
      title: infra
        ? 'Grading infrastructure error (does not count as an attempt)'
        : 'Grading results were invalid',
      summary: infra
        ? `The grading run did not produce results mlgrade can use, so this attempt does not count. Use **Regrade** to try again.\n\n\`\`\`\n${error}\n\`\`\``
        : `The grading run produced results mlgrade cannot trust; the instructor has been flagged.\n\n\`\`\`\n${error}\n\`\`\``,
    },
  };
}

/**
 * When the commit was submitted: the attempt's creation (when the push reached mlgrade; commit dates
 * are the student's to set). A regrade is not a new submission, so it takes the earliest scored
 * attempt of the same commit when there is one.
 */
async function submittedAt(history: ScoringHistory, attempt: AttemptFacts): Promise<Date> {
  if (attempt.trigger === 'push' || attempt.trigger === 'pull_request') return attempt.createdAt;
  const earlier = (await history.listScores(attempt.repository, attempt.assignmentId))
    .map((scored) => scored.attempt)
    .filter((other) => other.sha === attempt.sha && other.createdAt < attempt.createdAt);
  return earlier[0]?.createdAt ?? attempt.createdAt;
}

/** Why results do not answer the attempt, or undefined when they do. */
function answersAttempt(
  results: { course: string; assignment: string; submission: Record<string, unknown> },
  attempt: AttemptFacts,
) {
  const expected: [string, unknown, unknown][] = [
    ['attempt id', results.submission.attemptId, attempt.id],
    ['repository', results.submission.repository, attempt.repository],
    ['commit', results.submission.sha, attempt.sha],
    ['course', results.course, attempt.courseId],
    ['assignment', results.assignment, attempt.assignmentId],
  ];
  const wrong = expected.filter(
    ([, got, want]) => String(got ?? '').toLowerCase() !== String(want).toLowerCase(),
  );
  if (wrong.length === 0) return undefined;
  return `results answer another attempt: ${wrong.map(([what, got, want]) => `${what} is ${JSON.stringify(got ?? null)}, expected ${JSON.stringify(want)}`).join('; ')}`;
}
