/** Reactions to, and replies on, comments that carry `/mlgrade` commands. */
import { splitRepository } from './check-runs.js';
import type { GitHub } from './github-client.js';
import { MAX_COMMENT_CHARS } from './pr-comment.js';

/** 👍 for a command carried out, 😕 for one that was refused or had errors. */
export type CommandReaction = '+1' | 'confused';

/** Reacts to an issue or pull-request comment (GitHub keeps one reaction per user and content). */
export async function reactToComment(
  github: GitHub,
  repository: string,
  commentId: number,
  content: CommandReaction,
): Promise<void> {
  await github.rest.reactions.createForIssueComment({
    ...splitRepository(repository),
    comment_id: commentId,
    content,
  });
}

/** Posts a reply on the issue or pull request; returns the new comment's id. */
export async function replyOnIssue(
  github: GitHub,
  repository: string,
  issueNumber: number,
  body: string,
): Promise<number> {
  const { data } = await github.rest.issues.createComment({
    ...splitRepository(repository),
    issue_number: issueNumber,
    body: body.slice(0, MAX_COMMENT_CHARS),
  });
  return data.id;
}
