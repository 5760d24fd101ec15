/**
 * A new submission (push or pull request) or a regrade becomes attempts. Steps:
 *   1. load the course config from the config repository (none there → not a course, stop; errors →
 *      a failed check run, stop);
 *   2. match the repository to assignments (none → not a course repository, stop);
 *   3. per assignment: refuse a student-started attempt past the attempt budget (a neutral check
 *      run says so; grading it would let students probe the hidden test set), else record the
 *      attempt (idempotent on repository, sha, assignment) and supersede older queued attempts of
 *      the same repository and assignment (their check runs' completions go to the outbox);
 *   4. after the webhook is answered: create the attempts' queued check runs and hand them to the
 *      dispatcher.
 */

import type { Assignment } from '../config/schema.js';
import { problemLine } from '../course/config-repository.js';
import { type Account, identifyStudent, matchAssignments } from '../course/match-submission.js';
import { checkRunName, createQueuedCheckRun } from '../github/check-runs.js';
import type { GitHub } from '../github/github-client.js';
import { attemptOutcomeWrites } from '../github/outbox-writes.js';
import type { Attempt, AttemptTrigger } from '../store/ledger-types.js';
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
  const recorded: { attempt: Attempt; resuming: boolean }[] = [];
  for (const match of matches) {
    if (await budgetUsed(deps, github, submission, match.assignment)) {
      log.info(`${repository}: ${match.assignment.id} attempt budget used; not graded`);
      continue;
    }
    const { attempt, created: isNew } = await deps.ledger.createAttempt({
      courseId: loaded.config.course.id,
      assignmentId: match.assignment.id,
      repository,
      repositoryId: submission.repositoryId,
      ...(submission.student ?? (await student(deps, github, submission, match.login))),
      sha: submission.sha,
      trigger: submission.trigger,
      pullRequest: submission.pullRequest,
      deliveryId: submission.deliveryId,
    });
    // The same delivery again (redelivered after this handler failed or its process died): finish
    // what that try began. Another event for the commit (its pull request after its push) adds nothing.
    const resuming =
      !isNew &&
      attempt.state === 'queued' &&
      submission.deliveryId !== null &&
      attempt.deliveryId === submission.deliveryId;
    if (!isNew && !resuming) {
      log.info(
        `${repository}@${submission.sha.slice(0, 7)}: ${match.assignment.id} already has attempt ${attempt.id}`,
      );
      continue;
    }
    // Supersede in the ledger before any request: while this handler waits for GitHub, a newer push's
    // handler may record its attempt, and only attempts older than this one are taken here.
    // Their check runs' completions are stored with the supersession and sent after this attempt's
    // check run is created (a student's first sign of life goes first).
    await deps.ledger.supersedeQueued(repository, match.assignment.id, attempt.id, (old) =>
      closeSuperseded(old, attempt.sha.slice(0, 7)),
    );
    recorded.push({ attempt, resuming });
  }
  if (recorded.length === 0) return [];
  deps.clients.remember(submission.owner, submission.installationId);
  // The webhook is answered now: the attempts are in the ledger. Their check runs wait for the
  // write scheduler, which in a burst can take longer than GitHub's 10 s for an answer. If this
  // process dies first, the sweep resumes them (resume-attempts.ts).
  deps.tasks.run(() => announceAndDispatch(deps, github, submission.owner, recorded, log));
  return recorded.map(({ attempt }) => attempt);
}

/**
 * Creates each recorded attempt's queued check run (finding it by `external_id` when resuming a try
 * that may have created it), closes one superseded meanwhile, and hands the rest to the dispatcher.
 * An attempt whose check run cannot be created stays queued for the sweep to resume.
 */
async function announceAndDispatch(
  deps: AppDeps,
  github: GitHub,
  owner: string,
  recorded: { attempt: Attempt; resuming: boolean }[],
  log: Log,
): Promise<void> {
  const queued: Attempt[] = [];
  for (const { attempt, resuming } of recorded) {
    try {
      const checkRunId =
        attempt.checkRunId ?? (await createQueuedCheckRun(github, attempt, { lookFirst: resuming }));
      const current = await deps.ledger.updateAttempt(attempt.id, { checkRunId });
      if (current.state === 'superseded') {
        // A newer push superseded this attempt while its check run was being created, so the newer
        // push's handler saw no check run to close: close it here, or it would stay queued forever.
        await deps.ledger.outbox.put(closeSuperseded(current, 'a newer commit'));
      } else queued.push(current);
    } catch (error) {
      log.error(
        `${attempt.repository} attempt ${attempt.id}: check run not created (${(error as Error).message}); the sweep resumes it`,
      );
    }
  }
  if (queued.length > 0) deps.dispatcher.enqueue(github, owner, queued);
  deps.publisher.kick();
}

/** Triggers an instructor or the app starts (Regrade, Retry after a timeout): never held to the budget. */
const OUTSIDE_BUDGET: readonly AttemptTrigger[] = ['regrade', 'retry'];

/**
 * True when the student has used the assignment's graded attempts (`attempts.max`); then a completed,
 * neutral check run explains it. Used are the student's completed attempts and those a runner has
 * picked up (a newer push cannot supersede them, so grading this one too would exceed the budget);
 * queued ones are not, as this push supersedes them. The other event of a commit already attempted
 * (its push, then its pull request) adds no attempt, so it is never refused.
 */
async function budgetUsed(deps: AppDeps, github: GitHub, submission: Submission, assignment: Assignment) {
  const max = assignment.attempts?.max;
  if (max === undefined || OUTSIDE_BUDGET.includes(submission.trigger)) return false;
  const repository = `${submission.owner}/${submission.name}`;
  const budget = await deps.ledger.attemptBudget(repository, assignment.id, submission.sha);
  if (budget.commitAttempted && submission.trigger !== 'rerequested') return false;
  const used = budget.graded + budget.running;
  if (used < max) return false;
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
  return true;
}

/** The student of a repository: the pusher when the name says so, else the roster's entry. */
async function student(deps: AppDeps, github: GitHub, submission: Submission, login: string) {
  const known = identifyStudent(login, submission.sender);
  if (known.studentId !== null || login === '') return known;
  return identifyStudent(login, submission.sender, await deps.courses.roster(github, submission.owner));
}

/**
 * The completion of a superseded attempt's check run, saying which commit replaced it; none when it
 * has no check run yet (its own handler is still creating it and closes it once it sees the state).
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
