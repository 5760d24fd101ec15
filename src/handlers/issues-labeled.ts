/**
 * `issues.labeled` in the config repository: `mlgrade: sync canvas` or `mlgrade: sync gradescope`
 * sends the grades of the assignments the issue names (or `all`). Steps:
 *   1. only these labels, only in the config repository, once per delivery;
 *   2. only an instructor's label counts: anyone else's is removed with one reply, nothing is sent;
 *   3. the sync runs after the webhook is answered (deps.tasks): the gradebook of each assignment,
 *      the roster, then Canvas (lms/canvas-sync.ts, every grade a ledger row before it is sent) or
 *      the Gradescope scores CSV;
 *   4. one comment with the outcome table, and the label swapped for `mlgrade: synced` or
 *      `mlgrade: sync failed`. Adding the label again runs it again; what is unchanged is not sent.
 */
import type { Context } from 'probot';
import type { CourseConfig } from '../config/schema.js';
import { courseLocation } from '../course/config-repository.js';
import { isInstructor } from '../course/is-instructor.js';
import { replyOnIssue } from '../github/comment-replies.js';
import { type GitHub, installationClient } from '../github/github-client.js';
import { swapLabel } from '../github/issue-labels.js';
import { type LmsSyncResult, runLmsSync } from '../lms/run-lms-sync.js';
import { SYNC_LABELS, type SyncTarget, syncTargetOf } from '../lms/sync-request.js';
import type { AppDeps, Log } from './app-deps.js';

/** Handles issues.labeled. */
export async function onIssueLabeled(deps: AppDeps, context: Context<'issues.labeled'>): Promise<void> {
  const { payload } = context;
  const target = syncTargetOf(payload.label?.name);
  if (!target) return;
  const owner = payload.repository.owner.login;
  const repository = payload.repository.full_name;
  const location = courseLocation(owner, deps.env);
  if (payload.repository.name.toLowerCase() !== location.repository.toLowerCase()) {
    context.log.info(
      `${repository}: sync label outside the config repository ${owner}/${location.repository}; ignored`,
    );
    return;
  }
  if (!(await deps.ledger.recordDelivery(context.id, 'issues.labeled'))) {
    context.log.info(
      `${repository}#${payload.issue.number}: delivery ${context.id} was already handled (redelivery)`,
    );
    return;
  }
  const github = await installationClient(context.octokit, payload.installation?.id, deps.wrap);
  const issue = { repository, number: payload.issue.number, labels: payload.issue.labels ?? [] };
  const sender = payload.sender.login;
  if (!(await isInstructor(github, owner, sender, deps.env))) {
    context.log.info(`${repository}#${issue.number}: sync label by ${sender}, not an instructor: removed`);
    await replyOnIssue(
      github,
      repository,
      issue.number,
      `@${sender} only instructors (people with write access to \`${owner}/${location.repository}\`) can start a grade sync; the label was removed and nothing was sent.`,
    );
    await swapLabel(github, issue, payload.label!.name, undefined, []);
    return;
  }
  const request = {
    target,
    title: payload.issue.title,
    body: payload.issue.body ?? '',
    requestedBy: sender,
    requestKey: `issue:${repository.toLowerCase()}#${issue.number}:${context.id}`,
    sourceUrl: payload.issue.html_url,
  };
  deps.tasks.run(async () => {
    const result = await syncOrExplain(deps, github, owner, request, context.log);
    await replyOnIssue(github, repository, issue.number, result.markdown);
    await swapLabel(github, issue, payload.label!.name, result.ok ? SYNC_LABELS.synced : SYNC_LABELS.failed);
    context.log.info(
      `${repository}#${issue.number}: ${target} sync ${result.ok ? 'done' : 'failed'}: ${result.summary}`,
    );
  });
}

/** Runs the sync; any error becomes a failed result with its message, so the issue always gets an answer. */
async function syncOrExplain(
  deps: AppDeps,
  github: GitHub,
  owner: string,
  request: {
    target: SyncTarget;
    title: string;
    body: string;
    requestedBy: string;
    requestKey: string;
    sourceUrl: string;
  },
  log: Log,
): Promise<LmsSyncResult> {
  try {
    const { loaded } = await deps.courses.get(github, owner);
    if (!loaded.config)
      return failed(
        'The course config has errors, so nothing was sent. Run `mlgrade validate` on it, fix them, and add the label again.',
      );
    const course: CourseConfig = loaded.config;
    const roster = await deps.courses.studentRoster(github, owner, course.course.roster);
    return await runLmsSync({ ...request, course, roster, ledger: deps.ledger, env: deps.env });
  } catch (error) {
    log.error(`sync failed: ${(error as Error).message}`);
    return failed(`The sync stopped: ${(error as Error).message}`);
  }
}

function failed(message: string): LmsSyncResult {
  return { ok: false, summary: message, markdown: `**Sync failed.** ${message}` };
}
