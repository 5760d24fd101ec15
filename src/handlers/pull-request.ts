/**
 * `pull_request` opened / reopened / synchronize: the head commit becomes attempts (deduplicated with
 * its push) when the pull request's base branch counts as a submission branch.
 */
import type { Context } from 'probot';
import { notStudentWork } from '../course/match-submission.js';
import { installationClient } from '../github/github-client.js';
import type { AppDeps } from './app-deps.js';
import { startAttempts } from './start-attempts.js';

/** Handles one pull_request event. */
export async function onPullRequest(
  deps: AppDeps,
  context: Context<'pull_request.opened' | 'pull_request.reopened' | 'pull_request.synchronize'>,
): Promise<void> {
  const { payload } = context;
  const pull = payload.pull_request;
  const repository = payload.repository.full_name;
  if (pull.head.repo?.id !== payload.repository.id) {
    // A fork's head is not the student's repository: its config and identity do not apply.
    context.log.info(`${repository}#${pull.number}: head is in another repository; not graded`);
    return;
  }
  const automated = notStudentWork(payload.sender);
  if (automated) {
    context.log.info(`${repository}#${pull.number}: not graded: ${automated}`);
    return;
  }
  if (!context.payload.installation?.id) {
    // Before the delivery is recorded: a delivery that cannot be handled must not read as handled.
    context.log.warn(
      `${repository}#${pull.number}: no installation in the event (is the app installed?); not graded`,
    );
    return;
  }
  if (!(await deps.ledger.recordDelivery(context.id, 'pull_request'))) {
    context.log.info(`${repository}#${pull.number}: delivery ${context.id} was already handled (redelivery)`);
    return;
  }
  const github = await installationClient(context.octokit, context.payload.installation?.id, deps.wrap);
  await startAttempts(
    deps,
    github,
    {
      owner: payload.repository.owner.login,
      name: payload.repository.name,
      repositoryId: payload.repository.id,
      sha: pull.head.sha,
      trigger: 'pull_request',
      pullRequest: pull.number,
      deliveryId: context.id,
      installationId: context.payload.installation?.id,
      // A pull request is a submission when the branch it would merge into counts (docs/config.md).
      branch: { ref: `refs/heads/${pull.base.ref}`, defaultBranch: payload.repository.default_branch },
      ...(payload.sender ? { sender: { id: payload.sender.id, login: payload.sender.login } } : {}),
    },
    context.log,
  );
}
