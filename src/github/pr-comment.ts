/**
 * One pull-request comment per assignment, found by a hidden marker and updated in place. The
 * comment id and body last written are remembered (the app: in the ledger, store/pr-comments.ts, so
 * every replica sees the same comment; the CLI: in memory), so a steady stream of attempts costs one
 * request per update (none when nothing changed) instead of a listing each time.
 */
import { createHash } from 'node:crypto';
import { type GitHub, statusOf } from './github-client.js';
import { FIND_EXISTING } from './write-scheduler.js';

/** GitHub's limit on an issue comment's body, in characters. */
export const MAX_COMMENT_CHARS = 65_536;

/** The hidden marker of an assignment's comment. */
export function commentMarker(assignmentId: string): string {
  return `<!-- mlgrade:comment assignment=${assignmentId} -->`;
}

/** Where a comment is. */
export interface CommentPlace {
  repository: string;
  pullRequest: number;
  assignmentId: string;
}

/** Remembers comment ids and the hash of the body last written. */
export interface CommentMemory {
  get(place: CommentPlace): Promise<{ id: number; hash: string } | undefined>;
  set(place: CommentPlace, comment: { id: number; hash: string }): Promise<void>;
}

const known = new Map<string, { id: number; hash: string }>();
const placeKey = (place: CommentPlace) =>
  `${place.repository}#${place.pullRequest}:${place.assignmentId}`.toLowerCase();

/** The process's own memory: enough for one process (the CLI, tests); the app uses the ledger's. */
export const processCommentMemory: CommentMemory = {
  get: async (place) => known.get(placeKey(place)),
  set: async (place, comment) => {
    known.set(placeKey(place), comment);
  },
};

/** What {@link upsertComment} did. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** Creates or updates the assignment's comment on a pull request. */
export async function upsertComment(
  github: GitHub,
  repository: string,
  pullRequest: number,
  assignmentId: string,
  markdown: string,
  memory: CommentMemory = processCommentMemory,
): Promise<UpsertOutcome> {
  const [owner = '', repo = ''] = repository.split('/');
  const marker = commentMarker(assignmentId);
  const body = `${marker}\n${markdown}`.slice(0, MAX_COMMENT_CHARS);
  const hash = createHash('sha256').update(body).digest('hex');
  const place = { repository, pullRequest, assignmentId };
  const remembered = await memory.get(place);
  if (remembered?.hash === hash) return 'unchanged';
  if (remembered && (await tryUpdate(github, owner, repo, remembered.id, body))) {
    await memory.set(place, { id: remembered.id, hash });
    return 'updated';
  }
  const existing = await findMarked(github, owner, repo, pullRequest, marker);
  if (existing?.body === body) {
    await memory.set(place, { id: existing.id, hash });
    return 'unchanged';
  }
  if (existing) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    await memory.set(place, { id: existing.id, hash });
    return 'updated';
  }
  const { data } = await github.rest.issues.createComment({
    owner,
    repo,
    issue_number: pullRequest,
    body,
    // A try that failed with a 5xx may have posted it: the write scheduler looks for the marker first.
    request: {
      [FIND_EXISTING]: async () => {
        const found = await findMarked(github, owner, repo, pullRequest, marker);
        return found && { status: 200, url: '', headers: {}, data: found };
      },
    },
  });
  await memory.set(place, { id: data.id, hash });
  return 'created';
}

/**
 * Upserts the assignment's comment on each pull request (the attempt's own and any the check run is
 * on, without repeats); returns what happened on each, for the caller's log.
 */
export async function upsertComments(
  github: GitHub,
  repository: string,
  pullRequests: Iterable<number>,
  assignmentId: string,
  markdown: string,
  memory: CommentMemory = processCommentMemory,
): Promise<{ number: number; outcome: UpsertOutcome }[]> {
  const done: { number: number; outcome: UpsertOutcome }[] = [];
  for (const number of new Set(pullRequests)) {
    done.push({
      number,
      outcome: await upsertComment(github, repository, number, assignmentId, markdown, memory),
    });
  }
  return done;
}

/** Updates a remembered comment; false when it is gone (deleted by someone), so the caller lists again. */
async function tryUpdate(github: GitHub, owner: string, repo: string, id: number, body: string) {
  try {
    await github.rest.issues.updateComment({ owner, repo, comment_id: id, body });
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/** Forgets the process's remembered comments (tests). */
export function forgetComments(): void {
  known.clear();
}

/** The pull request's comment that starts with `marker`, if any. */
async function findMarked(github: GitHub, owner: string, repo: string, pullRequest: number, marker: string) {
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: pullRequest,
    per_page: 100,
  });
  return comments.find((comment) => comment.body?.startsWith(marker));
}
