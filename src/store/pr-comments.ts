/**
 * The pull-request comments mlgrade keeps (one per pull request and assignment): their ids and the
 * hash of the body last written, in the ledger. Every replica reads the same row, so a second
 * replica updates the comment the first one created instead of creating another, and an unchanged
 * body costs no request.
 */
import type { SqlClient } from './sql-client.js';

/** A remembered comment. */
export interface KnownComment {
  id: number;
  hash: string;
}

/** Where a comment is: repository, pull request, assignment. */
export interface CommentPlace {
  repository: string;
  pullRequest: number;
  assignmentId: string;
}

/** Remembered comments in the ledger; the shape of github/pr-comment.ts's `CommentMemory`. */
export class SqlPrComments {
  constructor(private readonly db: SqlClient) {}

  async get(place: CommentPlace): Promise<KnownComment | undefined> {
    const [row] = await this.db.query<{ comment_id: string | number; body_hash: string }>(
      `SELECT comment_id, body_hash FROM pr_comments
       WHERE repository = $1 AND pull_request = $2 AND assignment_id = $3`,
      [place.repository.toLowerCase(), place.pullRequest, place.assignmentId],
    );
    return row && { id: Number(row.comment_id), hash: row.body_hash };
  }

  async set(place: CommentPlace, comment: KnownComment): Promise<void> {
    await this.db.query(
      `INSERT INTO pr_comments (repository, pull_request, assignment_id, comment_id, body_hash, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (repository, pull_request, assignment_id)
       DO UPDATE SET comment_id = excluded.comment_id, body_hash = excluded.body_hash, updated_at = excluded.updated_at`,
      [
        place.repository.toLowerCase(),
        place.pullRequest,
        place.assignmentId,
        comment.id,
        comment.hash,
        new Date(),
      ],
    );
  }

  async forget(place: CommentPlace): Promise<void> {
    await this.db.query(
      'DELETE FROM pr_comments WHERE repository = $1 AND pull_request = $2 AND assignment_id = $3',
      [place.repository.toLowerCase(), place.pullRequest, place.assignmentId],
    );
  }
}
