/**
 * Checks a `/mlgrade score` command (or `mlgrade score` on the terminal) against the assignment's
 * rubric: the criterion exists, the points are a number within 0 and the criterion's maximum, or a
 * level label (`excellent`) of a criterion with levels, or `clear`.
 */
import { closest } from '../config/did-you-mean.js';
import type { Assignment, Criterion } from '../config/schema.js';

/** A score ready to record: points, or null for a clear. */
export interface ResolvedScore {
  assignmentId: string;
  criterion: Criterion;
  points: number | null;
  /** The level the points came from, when a label was given. */
  level?: string;
  reason?: string;
}

/** What the command asked for. */
export interface ScoreRequest {
  /** `criterion` or `assignment:criterion` when the repository belongs to several assignments. */
  criterion: string;
  value: string;
  reason?: string;
}

/** Resolves the request against the assignments the repository belongs to; an error message otherwise. */
export function resolveScore(
  assignments: readonly Assignment[],
  request: ScoreRequest,
): ResolvedScore | { error: string } {
  const { assignment, criterionId, error } = pickAssignment(assignments, request.criterion);
  if (error !== undefined) return { error };
  const criterion = assignment!.rubric.find((candidate) => candidate.id === criterionId);
  if (!criterion) {
    const ids = assignment!.rubric.map((candidate) => candidate.id);
    const guess = closest(criterionId!, ids) ?? containing(criterionId!, ids);
    return {
      error: `no criterion \`${criterionId}\` in ${assignment!.id}; ${guess ? `did you mean \`${guess}\`?` : `the criteria are ${ids.map((id) => `\`${id}\``).join(', ')}.`}`,
    };
  }
  const base = {
    assignmentId: assignment!.id,
    criterion,
    ...(request.reason ? { reason: request.reason } : {}),
  };
  const value = request.value.trim();
  if (value.toLowerCase() === 'clear') return { ...base, points: null };
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) {
    const points = Number(value);
    if (points < 0 || points > criterion.points)
      return {
        error: `${value} is out of range for \`${criterion.id}\`: give 0 to ${criterion.points} points.`,
      };
    return { ...base, points };
  }
  const level = criterion.levels?.find((candidate) => slug(candidate.label) === slug(value));
  if (level) return { ...base, points: Math.min(level.points, criterion.points), level: level.label };
  const labels = criterion.levels?.map((candidate) => `\`${slug(candidate.label)}\``) ?? [];
  return {
    error: `\`${value}\` is not a number of points for \`${criterion.id}\` (0 to ${criterion.points})${labels.length > 0 ? `, nor one of its levels (${labels.join(', ')})` : ''}; write \`clear\` to remove a score.`,
  };
}

function pickAssignment(
  assignments: readonly Assignment[],
  written: string,
): { assignment?: Assignment; criterionId?: string; error?: string } {
  const colon = written.lastIndexOf(':');
  if (colon > 0) {
    const id = written.slice(0, colon);
    const assignment = assignments.find((candidate) => candidate.id === id);
    if (!assignment)
      return {
        error: `no assignment \`${id}\` for this repository; it belongs to ${assignments.map((a) => `\`${a.id}\``).join(', ')}.`,
      };
    return { assignment, criterionId: written.slice(colon + 1) };
  }
  if (assignments.length === 0) return { error: 'this repository belongs to no assignment of the course.' };
  if (assignments.length === 1) return { assignment: assignments[0]!, criterionId: written };
  const having = assignments.filter((a) => a.rubric.some((criterion) => criterion.id === written));
  if (having.length === 1) return { assignment: having[0]!, criterionId: written };
  const ids = (having.length > 1 ? having : assignments).map((a) => `\`${a.id}:${written}\``);
  return {
    error:
      having.length > 1
        ? `\`${written}\` is a criterion of several assignments; write one of ${ids.join(', ')}.`
        : `no criterion \`${written}\` in ${assignments.map((a) => `\`${a.id}\``).join(', ')}.`,
  };
}

/** The one id that contains the word (`dynamics` → `training-dynamics`), if exactly one does. */
function containing(word: string, ids: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const hits = ids.filter((id) => lower.length >= 3 && id.includes(lower));
  return hits.length === 1 ? hits[0] : undefined;
}

/** The note stored with a score: the level reached (when a label was given) and the reason. */
export function scoreNote(score: Pick<ResolvedScore, 'level' | 'reason'>): string | undefined {
  const note = [score.level, score.reason].filter(Boolean).join(': ');
  return note === '' ? undefined : note;
}

/** A level label as typed in a command: lower case, words joined by dashes (`Needs work` → `needs-work`). */
export function slug(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
