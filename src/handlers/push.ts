/**
 * `push`: a new commit on a student repository becomes attempts, for the assignments whose `branches`
 * the pushed branch is one of (start-attempts.ts); a push to the config repository refreshes the course.
 */
import type { Context } from 'probot';
import { notStudentWork } from '../course/match-submission.js';
import { installationClient } from '../github/github-client.js';
import { acceptSubmission, type DEFERRED } from './accept-submission.js';
import type { AppDeps } from './app-deps.js';
import { rescoreAfterConfigChange } from './config-rescore.js';

/** Handles one push event. */
export async function onPush(deps: AppDeps, context: Context<'push'>): Promise<typeof DEFERRED | undefined> {
  const { payload } = context;
  const repository = payload.repository.full_name;
  const owner = payload.repository.owner?.login ?? payload.repository.full_name.split('/')[0]!;
  if (deps.courses.isConfigRepository(owner, payload.repository.name)) {
    deps.courses.invalidate(owner);
    context.log.info(`${repository}: config repository changed; course config will be re-read`);
    const defaultBranch = `refs/heads/${payload.repository.default_branch}`;
    if (payload.ref !== defaultBranch || payload.deleted || !payload.after) return;
    if (!(await deps.ledger.recordDelivery(context.id, 'push'))) return;
    const github = await installationClient(context.octokit, context.payload.installation?.id, deps.wrap);
    const commit = { owner, repo: payload.repository.name, sha: payload.after };
    // Rescoring a class can take minutes of throttled writes: after the webhook is answered.
    deps.tasks.run(() => rescoreAfterConfigChange(deps, github, commit, context.log));
    return;
  }
  if (payload.deleted || !payload.after || /^0+$/.test(payload.after)) {
    context.log.info(`${repository}: ${payload.ref} was deleted; nothing to grade`);
    return;
  }
  if (!payload.ref.startsWith('refs/heads/')) {
    context.log.info(`${repository}: ${payload.ref} is not a branch; nothing to grade`);
    return;
  }
  const automated = notStudentWork(payload.sender);
  if (automated) {
    context.log.info(`${repository}@${payload.after.slice(0, 7)}: not graded: ${automated}`);
    return;
  }
  if (!context.payload.installation?.id) {
    context.log.warn(`${repository}: push without an installation (is the app installed there?); not graded`);
    return;
  }
  // Answered once recorded: the attempts are made after the answer (accept-submission.ts).
  return acceptSubmission(
    deps,
    context.id,
    'push',
    {
      owner,
      name: payload.repository.name,
      repositoryId: payload.repository.id,
      sha: payload.after,
      trigger: 'push',
      pullRequest: null,
      deliveryId: context.id,
      installationId: context.payload.installation.id,
      // Which branches count is the course config's (`branches`), read when the attempts are made.
      branch: { ref: payload.ref, defaultBranch: payload.repository.default_branch },
      ...(payload.sender ? { sender: { id: payload.sender.id, login: payload.sender.login } } : {}),
    },
    context.log,
  );
}
