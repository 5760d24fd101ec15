/**
 * The grades that count now, one per student of an assignment, computed from the ledger: every
 * completed attempt's stored results are scored again against the current config and manual scores
 * (so a score given after grading counts), a commit graded twice counts once (its newest grading, at
 * its first submission time), and the attempt policy picks the attempt that counts.
 */
import { matchRepository } from '../config/match-repository.js';
import type { Assignment, CourseConfig } from '../config/schema.js';
import { scoreResults } from '../grading/grade-and-score.js';
import { selectAttempt } from '../grading/select-attempt.js';
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore, ManualScore } from '../results/score-types.js';
import type { StudentGrade } from './student-grade.js';

/** The attempt fields the gradebook reads (the ledger's Attempt has them). */
export interface GradedAttempt {
  id: string;
  repository: string;
  studentLogin: string | null;
  sha: string;
  trigger: string;
  createdAt: Date;
  checkRunId: number | null;
}

/** The ledger reads the gradebook needs. */
export interface GradebookSource {
  listAssignmentResults(
    assignmentId: string,
  ): Promise<readonly { attempt: GradedAttempt; results: Results; score: AssignmentScore }[]>;
  listManualScores(repository: string, assignmentId: string): Promise<Record<string, ManualScore>>;
}

/** Options: where reports live (`https://github.com` by default). */
export interface GradebookOptions {
  webUrl?: string;
}

/** The grade of every student with a graded attempt, sorted by login. */
export async function gradebook(
  source: GradebookSource,
  course: CourseConfig,
  assignment: Assignment,
  options: GradebookOptions = {},
): Promise<StudentGrade[]> {
  const byRepository = new Map<string, { attempt: GradedAttempt; results: Results }[]>();
  for (const row of await source.listAssignmentResults(assignment.id)) {
    const key = row.attempt.repository.toLowerCase();
    byRepository.set(key, [...(byRepository.get(key) ?? []), row]);
  }
  const grades: StudentGrade[] = [];
  for (const rows of byRepository.values()) {
    const grade = await repositoryGrade(
      source,
      course,
      assignment,
      rows,
      options.webUrl ?? 'https://github.com',
    );
    if (grade) grades.push(grade);
  }
  return grades.sort((a, b) => a.login.localeCompare(b.login));
}

async function repositoryGrade(
  source: GradebookSource,
  course: CourseConfig,
  assignment: Assignment,
  rows: readonly { attempt: GradedAttempt; results: Results }[],
  webUrl: string,
): Promise<StudentGrade | undefined> {
  const repository = rows[0]!.attempt.repository;
  const manualScores = await source.listManualScores(repository, assignment.id);
  // One entry per commit: its newest grading, submitted when the commit first reached mlgrade.
  const commits = new Map<string, { attempt: GradedAttempt; results: Results; submittedAt: Date }>();
  for (const row of rows) {
    const earlier = commits.get(row.attempt.sha);
    const submittedAt =
      earlier && earlier.submittedAt < row.attempt.createdAt ? earlier.submittedAt : row.attempt.createdAt;
    commits.set(row.attempt.sha, { ...row, submittedAt });
  }
  const candidates = [...commits.values()].map((commit) => ({
    ...commit,
    id: commit.attempt.id,
    score: scoreResults(course, assignment, commit.results.checks, {
      submittedAt: commit.submittedAt,
      manualScores,
    }),
  }));
  const { selected } = selectAttempt(candidates, assignment.attempts);
  if (!selected) return undefined;
  const { attempt, score } = selected;
  const name = repository.split('/')[1] ?? repository;
  const fromName = assignment.repository ? matchRepository(assignment.repository, name) : undefined;
  return {
    assignmentId: assignment.id,
    login: attempt.studentLogin ?? (fromName || name),
    repository,
    points: score.points,
    maxPoints: score.maxPoints,
    complete: score.complete,
    pending: score.criteria
      .filter((criterion) => criterion.status === 'pending')
      .map((criterion) => ({ id: criterion.id, title: criterion.title, maxPoints: criterion.maxPoints })),
    attemptId: attempt.id,
    sha: attempt.sha,
    ...(attempt.checkRunId !== null
      ? { reportUrl: `${webUrl}/${repository}/runs/${attempt.checkRunId}` }
      : {}),
  };
}
