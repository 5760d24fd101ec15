/**
 * A new submission (push or pull request) or a regrade becomes attempts. Steps:
 *   1. load the course config from the config repository (none there → not a course, stop; errors →
 *      a failed check run, stop);
 *   2. match the repository to assignments (none → not a course repository, stop), and keep those
 *      whose `branches` the commit's branch counts for (the others are logged, nothing written);
 *   3. per assignment, in one ledger transaction: refuse a student-started attempt past the attempt
 *      budget (a neutral check run says so; grading it would let students probe the hidden test
 *      set), else record the attempt (idempotent on repository, sha, assignment) with its queued
 *      check run's announcement in the outbox, and supersede older queued attempts of the same
 *      repository and assignment (their check runs' completions go to the outbox too);
 *   4. hand the attempts to the dispatcher and kick the outbox: no GitHub write before the webhook
 *      is answered.
 */

import type { Assignment } from '../config/schema.js';
import { problemLine } from '../course/config-repository.js';
import {
  type Account,
  branchNotCounted,
  identifyStudent,
  matchAssignments,
  type SubmittedBranch,
} from '../course/match-submission.js';
import { checkRunName } from '../github/check-runs.js';
import type { GitHub } from '../github/github-client.js';
import { announceWrite, attemptOutcomeWrites } from '../github/outbox-writes.js';
import type { Attempt, AttemptBudget, AttemptTrigger, SubmissionRules } from '../store/ledger-types.js';
import type { OutboxPut } from '../store/outbox.js';
import type { AppDeps, Log } from './app-deps.js';

/** A commit of a repository to grade, as the handlers extract it from their payloads. */
export interface Submission {
  owner: string;
  name: string;
  repositoryId: number;
  sha: string;
  trigger: AttemptTrigger;
  pullRequest: number | null;
  deliveryId: string | null;
  /** The app's installation the event came from (the outbox worker sends with it). */
  installationId?: number | undefined;
  sender?: Account;
  /** The branch the commit was pushed to (a pull request's base); absent for regrades, which grade any. */
  branch?: SubmittedBranch;
  /** Grade only this assignment (regrades); default every matching assignment. */
  assignmentId?: string;
  /** The student, when already known (regrades keep the original attempt's). */
  student?: { studentId: number | null; studentLogin: string | null };
}

/** Creates and dispatches the attempts for a submission; returns the attempts created. */
export async function startAttempts(
  deps: AppDeps,
  github: GitHub,
  submission: Submission,
  log: Log,
): Promise<Attempt[]> {
  const repository = `${submission.owner}/${submission.name}`;
  const { loaded, location } = await deps.courses.get(github, submission.owner);
  if (loaded.absent) {
    // An owner without a course config has no course: its repositories are not graded, and a
    // failed check run on every push there would only be noise (the app may be installed on all
    // of an account's repositories).
    log.info(
      `${repository}: ${location.owner}/${location.repository} has no ${location.file}; not a course, not graded`,
    );
    return [];
  }
  if (!loaded.config) {
    log.warn(`${repository}: course config ${location.owner}/${location.repository} has errors`);
    await reportConfigProblems(github, submission, loaded.problems.map(problemLine), location);
    return [];
  }
  const matches = matchAssignments(loaded.config, submission.name).filter(
    (match) => !submission.assignmentId || match.assignment.id === submission.assignmentId,
  );
  if (matches.length === 0) {
    log.info(`${repository}: matches no assignment's repository pattern; not a course repository`);
    return [];
  }
  const queued: Attempt[] = [];
  for (const match of matches) {
    const uncounted = branchNotCounted(loaded.config, match.assignment, submission.branch);
    if (uncounted) {
      log.info(
        `${repository}@${submission.sha.slice(0, 7)}: ${match.assignment.id} not graded: ${uncounted}`,
      );
      continue;
    }
    const recorded = await deps.ledger.recordSubmission(
      {
        courseId: loaded.config.course.id,
        assignmentId: match.assignment.id,
        repository,
        repositoryId: submission.repositoryId,
        ...(submission.student ?? (await student(deps, github, submission, match.login))),
        sha: submission.sha,
        trigger: submission.trigger,
        pullRequest: submission.pullRequest,
        deliveryId: submission.deliveryId,
      },
      {
        ...budgetRule(submission, match.assignment),
        // The queued check run waits in the outbox with the attempt: in a burst it is still there when
        // the attempt is graded or superseded, and the run is then created once, completed.
        announce: (attempt) => [announceWrite(attempt, deps.statusUrl?.(attempt.repository))],
        closing: (old, by) => closeSuperseded(old, by.sha.slice(0, 7)),
      },
    );
    if ('refused' in recorded) {
      log.info(`${repository}: ${match.assignment.id} attempt budget used; not graded`);
      await refuseOverBudget(github, submission, match.assignment, recorded.refused);
      continue;
    }
    const { attempt, created } = recorded;
    // The same delivery again (redelivered after this handler failed or its process died): finish
    // what that try began. Another event for the commit (its pull request after its push) adds nothing.
    const resuming =
      !created &&
      attempt.state === 'queued' &&
      submission.deliveryId !== null &&
      attempt.deliveryId === submission.deliveryId;
    if (!created && !resuming) {
      log.info(
        `${repository}@${submission.sha.slice(0, 7)}: ${match.assignment.id} already has attempt ${attempt.id}`,
      );
      continue;
    }
    queued.push(attempt);
  }
  if (queued.length === 0) return [];
  deps.clients.remember(submission.owner, submission.installationId);
  // Everything is in the ledger now: the attempts and their check runs' announcements. The webhook is
  // answered; the outbox sends the check runs as the write budget allows, and the dispatcher batches
  // the attempts. If this process dies first, the sweep resumes them (resume-attempts.ts).
  deps.dispatcher.enqueue(github, submission.owner, queued);
  deps.publisher.kick();
  return queued;
}

/** Triggers an instructor or the app starts (Regrade, Retry after a timeout): never held to the budget. */
const OUTSIDE_BUDGET: readonly AttemptTrigger[] = ['regrade', 'retry'];

/**
 * The rule that refuses a student-started attempt once the assignment's graded attempts
 * (`attempts.max`) are used; none for regrades or without a maximum. Used are the student's
 * completed attempts and those a runner has picked up (a newer push cannot supersede them, so
 * grading this one too would exceed the budget); queued ones are not, as this push supersedes them.
 * The other event of a commit already attempted (its push, then its pull request) adds no attempt,
 * so it is never refused. The ledger applies the rule under a lock (two pushes at once cannot both
 * take the last place).
 */
function budgetRule(submission: Submission, assignment: Assignment): Pick<SubmissionRules, 'refuse'> {
  const max = assignment.attempts?.max;
  if (max === undefined || OUTSIDE_BUDGET.includes(submission.trigger)) return {};
  return {
    refuse: (budget) =>
      !(budget.commitAttempted && submission.trigger !== 'rerequested') &&
      budget.graded + budget.running >= max,
  };
}

/** A completed, neutral check run that says the attempt budget is used and what the student can do. */
async function refuseOverBudget(
  github: GitHub,
  submission: Submission,
  assignment: Assignment,
  budget: AttemptBudget,
): Promise<void> {
  const max = assignment.attempts?.max ?? 0;
  const used = budget.graded + budget.running;
  const keep = assignment.attempts?.keep ?? 'best';
  const stands =
    budget.running === 0
      ? `Your ${keep} attempt stands.`
      : `${budget.running} of them ${budget.running === 1 ? 'is' : 'are'} still being graded: one that ends without a grade (an infrastructure error or a timeout) does not count, and you can push again then. Your ${keep} attempt stands once grading ends.`;
  await github.rest.checks.create({
    owner: submission.owner,
    repo: submission.name,
    name: checkRunName(assignment.id),
    head_sha: submission.sha,
    status: 'completed',
    conclusion: 'neutral',
    output: {
      title: `Attempt budget used (${used} of ${max})`,
      summary: `This commit was not graded: ${assignment.title} allows ${max} graded attempt${max === 1 ? '' : 's'}, and all have been used. ${stands} Ask an instructor if you need another (they can regrade).`,
    },
  });
}

/** The student of a repository: the pusher when the name says so, else the roster's entry. */
async function student(deps: AppDeps, github: GitHub, submission: Submission, login: string) {
  const known = identifyStudent(login, submission.sender);
  if (known.studentId !== null || login === '') return known;
  return identifyStudent(login, submission.sender, await deps.courses.roster(github, submission.owner));
}

/**
 * The completion of a superseded attempt's check run, saying which commit replaced it: it replaces
 * the announcement when that has not been sent (one write, the run created completed).
 */
function closeSuperseded(old: Attempt, by: string): OutboxPut[] {
  return attemptOutcomeWrites(old, {
    conclusion: 'neutral',
    title: 'Superseded by a newer push',
    summary: `Not graded: ${by} was pushed before grading started, and only the newest commit is graded.`,
    regrade: true,
  });
}

/** A failed check run whose summary lists the config problems with file:line. */
async function reportConfigProblems(
  github: GitHub,
  submission: Submission,
  lines: string[],
  location: { owner: string; repository: string; file: string },
): Promise<void> {
  const summary = [
    `mlgrade could not grade this commit: the course config \`${location.file}\` in \`${location.owner}/${location.repository}\` (default branch) has problems.`,
    '',
    ...lines,
    '',
    'An instructor must fix the config; `mlgrade validate` prints the same list locally. Push again (or re-run this check) afterwards.',
  ].join('\n');
  await github.rest.checks.create({
    owner: submission.owner,
    repo: submission.name,
    name: checkRunName('course config'),
    head_sha: submission.sha,
    status: 'completed',
    conclusion: 'failure',
    output: { title: 'Course config has errors', summary },
  });
}
