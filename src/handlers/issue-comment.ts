/**
 * `issue_comment` created or edited with `/mlgrade` commands on a student's pull request or issue:
 *   1. ignore bots, comments without a command, and redeliveries;
 *   2. only instructors (write access to the config repository) may score: anyone else gets 😕 and
 *      one reply per comment, and nothing changes;
 *   3. plan the commands against the rubric (attempt/plan-score-commands.ts); record each valid score
 *      as an audit row keyed by comment, edit and line, so a repeat records nothing;
 *   4. rescore the latest graded attempt and update its check run and the PR comment in place;
 *   5. `/mlgrade regrade` starts a regrade of the attempt's commit;
 *   6. react 👍 when everything was carried out, else 😕 and one reply listing every problem.
 * A deleted comment changes nothing: scores stay until an instructor clears them.
 */
import type { Context } from 'probot';
import { hasNewCommands, planScoreCommands } from '../attempt/plan-score-commands.js';
import { scoreNote } from '../attempt/resolve-score.js';
import { mentionsCommand } from '../attempt/score-commands.js';
import { courseLocation } from '../course/config-repository.js';
import { isInstructor } from '../course/is-instructor.js';
import { matchAssignments } from '../course/match-submission.js';
import { reactToComment, replyOnIssue } from '../github/comment-replies.js';
import { type GitHub, installationClient } from '../github/github-client.js';
import type { AppDeps, Log } from './app-deps.js';
import { rescorePublished } from './rescore-published.js';
import { startAttempts } from './start-attempts.js';

type CommentContext = Context<'issue_comment.created' | 'issue_comment.edited' | 'issue_comment.deleted'>;

/** Handles issue_comment.created, .edited and .deleted. */
export async function onIssueComment(deps: AppDeps, context: CommentContext): Promise<void> {
  const { payload } = context;
  const { comment, issue } = payload;
  const repository = payload.repository.full_name;
  if (comment.user?.type === 'Bot' || !mentionsCommand(comment.body)) return;
  if (payload.action === 'deleted') {
    context.log.info(
      `${repository}#${issue.number}: a comment with /mlgrade commands was deleted; scores it recorded stay (clear them with \`/mlgrade score <criterion> clear\`)`,
    );
    return;
  }
  const previous =
    payload.action === 'edited' ? (payload.changes as { body?: { from?: string } }).body?.from : undefined;
  // Quoted or fenced commands, and edits that leave the commands as they were, cost no request.
  if (!hasNewCommands(comment.body ?? '', previous)) return;
  if (!(await deps.ledger.recordDelivery(context.id, `issue_comment.${payload.action}`))) {
    context.log.info(
      `${repository}#${issue.number}: delivery ${context.id} was already handled (redelivery)`,
    );
    return;
  }
  const github = await installationClient(context.octokit, payload.installation?.id, deps.wrap);
  const owner = payload.repository.owner.login;
  const sender = payload.sender.login;
  const say = replier(deps, github, repository, issue.number, comment.id);

  if (!(await isInstructor(github, owner, sender, deps.env))) {
    const { repository: configRepository } = courseLocation(owner, deps.env);
    context.log.info(`${repository}#${issue.number}: /mlgrade from ${sender}, not an instructor: ignored`);
    await say.once(
      'confused',
      `@${sender} only instructors (people with write access to \`${owner}/${configRepository}\`) can use \`/mlgrade\` commands; nothing was changed.`,
    );
    return;
  }
  const { loaded } = await deps.courses.get(github, owner);
  if (!loaded.config) {
    await say.now(
      'confused',
      `The course config has errors, so the commands were not carried out; run \`mlgrade validate\` on it and fix them first.`,
    );
    return;
  }
  const course = loaded.config;
  const assignments = matchAssignments(course, payload.repository.name).map((match) => match.assignment);
  const plan = planScoreCommands(assignments, comment.body ?? '', previous);
  const pullRequest = issue.pull_request ? issue.number : undefined;
  const edit = comment.updated_at ?? comment.created_at;

  const touched = new Set<string>();
  for (const score of plan.scores) {
    const latest = await deps.ledger.latestResults(repository, score.assignmentId, pullRequest);
    const recorded = await deps.ledger.saveManualScore({
      repository,
      assignmentId: score.assignmentId,
      criterionId: score.criterion.id,
      points: score.points,
      ...(scoreNote(score) ? { note: scoreNote(score)! } : {}),
      by: sender,
      ...(latest ? { attemptId: latest.attempt.id } : {}),
      source: 'comment',
      sourceUrl: comment.html_url,
      sourceKey: `comment:${repository.toLowerCase()}:${comment.id}:${edit}:${score.line}`,
    });
    if (recorded) touched.add(score.assignmentId);
  }
  const notes: string[] = [];
  for (const assignmentId of touched) {
    const rescored = await rescorePublished(
      deps,
      github,
      { repository, assignmentId, course, ...(pullRequest !== undefined ? { pullRequest } : {}) },
      context.log,
    );
    if (!rescored)
      notes.push(
        `No graded attempt of \`${assignmentId}\` yet: the score is recorded and counts when one is graded.`,
      );
  }
  if (plan.regrade)
    notes.push(...(await regrade(deps, github, payload, assignments, pullRequest, context.log)));
  if (plan.removed.length > 0)
    notes.push(
      `Removing a line does not undo its score (${plan.removed.map((text) => `\`${text}\``).join(', ')}); \`/mlgrade score <criterion> clear\` does.`,
    );
  const problems = plan.problems.map((problem) => `- ${problem}`);
  if (problems.length > 0) {
    const done = plan.scores.length > 0 ? `The other commands were carried out.\n\n` : '';
    await say.now(
      'confused',
      `@${sender} some commands could not be carried out:\n\n${problems.join('\n')}\n\n${done}${notes.join('\n\n')}`.trim(),
    );
  } else if (notes.length > 0) {
    await say.now('+1', notes.join('\n\n'));
  } else {
    await reactToComment(github, repository, comment.id, '+1');
  }
}

/** Reactions and replies on the command comment; `once` replies at most once per comment, ever. */
function replier(deps: AppDeps, github: GitHub, repository: string, issueNumber: number, commentId: number) {
  return {
    async now(reaction: '+1' | 'confused', body: string) {
      await reactToComment(github, repository, commentId, reaction);
      await replyOnIssue(github, repository, issueNumber, body);
    },
    async once(reaction: '+1' | 'confused', body: string) {
      // The deliveries table doubles as a "said it already" record: an edit does not repeat the reply.
      if (
        !(await deps.ledger.recordDelivery(
          `reply:${repository.toLowerCase()}:${commentId}`,
          'mlgrade-reply',
          new Date(),
          true,
        ))
      )
        return;
      await this.now(reaction, body);
    },
  };
}

/** Starts an instructor's regrade of the attempt the pull request shows (its newest graded commit). */
async function regrade(
  deps: AppDeps,
  github: GitHub,
  payload: CommentContext['payload'],
  assignments: readonly { id: string }[],
  pullRequest: number | undefined,
  log: Log,
): Promise<string[]> {
  const repository = payload.repository.full_name;
  const notes: string[] = [];
  for (const assignment of assignments) {
    const latest = await deps.ledger.latestResults(repository, assignment.id, pullRequest);
    if (!latest) {
      notes.push(`Nothing to regrade for \`${assignment.id}\`: no graded attempt yet.`);
      continue;
    }
    const started = await startAttempts(
      deps,
      github,
      {
        owner: payload.repository.owner.login,
        name: payload.repository.name,
        repositoryId: payload.repository.id,
        sha: latest.attempt.sha,
        trigger: 'regrade',
        pullRequest: latest.attempt.pullRequest,
        deliveryId: null,
        installationId: payload.installation?.id,
        sender: { id: payload.sender.id, login: payload.sender.login },
        assignmentId: assignment.id,
        student: { studentId: latest.attempt.studentId, studentLogin: latest.attempt.studentLogin },
      },
      log,
    );
    notes.push(
      started.length > 0
        ? `Regrading \`${assignment.id}\` at ${latest.attempt.sha.slice(0, 7)}.`
        : `The regrade of \`${assignment.id}\` did not start; see the check runs of ${latest.attempt.sha.slice(0, 7)}.`,
    );
  }
  return notes;
}
