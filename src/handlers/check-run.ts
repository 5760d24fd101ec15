/**
 * `check_run` rerequested, or its "Regrade" button (requested_action): a new attempt for the same
 * commit. A Regrade is an instructor's action and is not held to the attempt budget; pressed by
 * anyone else (the student can write to their own repository), it counts as a re-run.
 */
import type { Context } from 'probot';
import { isInstructor } from '../course/is-instructor.js';
import { REGRADE_ACTION } from '../github/check-runs.js';
import { installationClient } from '../github/github-client.js';
import type { AppDeps } from './app-deps.js';
import { onRescoreApply, RESCORE_APPLY_ACTION } from './config-rescore.js';
import { startAttempts } from './start-attempts.js';

/** Handles check_run.rerequested and check_run.requested_action. */
export async function onCheckRunRequest(
  deps: AppDeps,
  context: Context<'check_run.rerequested' | 'check_run.requested_action'>,
): Promise<void> {
  const { payload } = context;
  const checkRun = payload.check_run;
  const repository = payload.repository.full_name;
  const isRegrade = payload.action === 'requested_action';
  if (isRegrade && payload.requested_action?.identifier === RESCORE_APPLY_ACTION.identifier) {
    const request = context as Context<'check_run.requested_action'>;
    // The button answers at once; the rescore's writes happen after the webhook is answered.
    deps.tasks.run(() => onRescoreApply(deps, request));
    return;
  }
  if (isRegrade && payload.requested_action?.identifier !== REGRADE_ACTION.identifier) {
    context.log.info(
      `${repository}: requested action "${payload.requested_action?.identifier}" is not mlgrade's`,
    );
    return;
  }
  const previous = await deps.ledger.findByCheckRun(checkRun.id);
  if (!previous) {
    context.log.info(`${repository}: check run ${checkRun.id} is not one of mlgrade's attempts`);
    return;
  }
  if (!(await deps.ledger.recordDelivery(context.id, `check_run.${payload.action}`))) {
    context.log.info(`${repository}: delivery ${context.id} was already handled (redelivery)`);
    return;
  }
  const github = await installationClient(context.octokit, context.payload.installation?.id, deps.wrap);
  const owner = payload.repository.owner.login;
  const regradeByInstructor =
    isRegrade && (await isInstructor(github, owner, payload.sender.login, deps.env));
  if (isRegrade && !regradeByInstructor) {
    context.log.info(
      `${repository}: Regrade by ${payload.sender.login}, not an instructor: counted as a re-run`,
    );
  }
  await startAttempts(
    deps,
    github,
    {
      owner: payload.repository.owner.login,
      name: payload.repository.name,
      repositoryId: payload.repository.id,
      sha: previous.sha,
      trigger: regradeByInstructor ? 'regrade' : 'rerequested',
      pullRequest: previous.pullRequest,
      deliveryId: context.id,
      installationId: context.payload.installation?.id,
      sender: { id: payload.sender.id, login: payload.sender.login },
      assignmentId: previous.assignmentId,
      student: { studentId: previous.studentId, studentLogin: previous.studentLogin },
    },
    context.log,
  );
}
