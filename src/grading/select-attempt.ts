/**
 * The attempt policy: of a student's graded attempts at one assignment, which one counts.
 * Attempts are ordered by submission time; only the first `max` count (later ones are reported as
 * ignored, never silently dropped); `best` keeps the highest final points, ties going to the earliest
 * attempt (it reached that score first); `last` keeps the latest counted attempt.
 */
import type { AttemptPolicy } from '../config/schema.js';

/** What selection needs from an attempt; the ledger's attempt records carry more. */
export interface AttemptLike {
  id: string;
  submittedAt: Date;
  /** Its score; `points` is the final (after late policy) points. */
  score: { points: number; pendingPoints?: number; complete?: boolean };
}

/** Which attempt counts, and why. */
export interface AttemptSelection<A extends AttemptLike> {
  /** The attempt that counts; undefined when there are none. */
  selected: A | undefined;
  keep: 'best' | 'last';
  /** Attempts within the budget, earliest first. */
  counted: A[];
  /** Attempts beyond the budget, earliest first. */
  ignored: A[];
  /** Sentences for reports: the rule applied, ignored attempts, pending scores that could change it. */
  notes: string[];
}

/** Selects the attempt that counts under `policy` (default: unlimited attempts, keep best). */
export function selectAttempt<A extends AttemptLike>(
  attempts: readonly A[],
  policy: AttemptPolicy = {},
): AttemptSelection<A> {
  const keep = policy.keep ?? 'best';
  // Array.prototype.sort is stable, so attempts with equal times keep the caller's order.
  const ordered = [...attempts].sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  const max = policy.max ?? Number.POSITIVE_INFINITY;
  const counted = ordered.slice(0, max);
  const ignored = ordered.slice(counted.length);
  const notes: string[] = [];
  if (ignored.length > 0) {
    notes.push(
      `${ignored.length} attempt${ignored.length === 1 ? '' : 's'} beyond the limit of ${max} ignored: ${listIds(ignored)}.`,
    );
  }
  const selected = keep === 'last' ? counted[counted.length - 1] : best(counted);
  if (!selected) {
    notes.push('No attempts to grade.');
    return { selected, keep, counted, ignored, notes };
  }
  notes.push(
    keep === 'last'
      ? `The last attempt counts: ${selected.id}.`
      : `The best of ${counted.length} attempt${counted.length === 1 ? '' : 's'} counts: ${selected.id} (${selected.score.points} points).`,
  );
  if (keep === 'best') notes.push(...pendingNotes(counted, selected));
  return { selected, keep, counted, ignored, notes };
}

function best<A extends AttemptLike>(counted: readonly A[]): A | undefined {
  // Strictly greater keeps the earliest of tied attempts.
  return counted.reduce<A | undefined>(
    (top, a) => (!top || a.score.points > top.score.points ? a : top),
    undefined,
  );
}

/** Other attempts whose pending criteria could still lift them above the selected one. */
function pendingNotes<A extends AttemptLike>(counted: readonly A[], selected: A): string[] {
  const open = counted.filter(
    (a) =>
      a !== selected &&
      a.score.complete === false &&
      a.score.points + (a.score.pendingPoints ?? 0) > selected.score.points,
  );
  if (open.length === 0) return [];
  return [`Pending criteria in ${listIds(open)} could still change which attempt is best.`];
}

function listIds(attempts: readonly AttemptLike[]): string {
  const ids = attempts.slice(0, 5).map((a) => a.id);
  return attempts.length > 5 ? `${ids.join(', ')} and ${attempts.length - 5} more` : ids.join(', ');
}
