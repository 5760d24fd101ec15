/**
 * What a sync issue asks for: the label names the LMS (`mlgrade: sync canvas`, `mlgrade: sync
 * gradescope`), the title or body names the assignments (their ids) or `all`.
 */

/** The LMS a sync label names. */
export type SyncTarget = 'canvas' | 'gradescope';

/** Labels the app reads and sets. */
export const SYNC_LABELS = {
  canvas: 'mlgrade: sync canvas',
  gradescope: 'mlgrade: sync gradescope',
  synced: 'mlgrade: synced',
  failed: 'mlgrade: sync failed',
} as const;

/** The LMS a label asks to sync to, or undefined for any other label. */
export function syncTargetOf(label: string | undefined): SyncTarget | undefined {
  const name = label?.trim().toLowerCase().replace(/\s+/g, ' ');
  if (name === SYNC_LABELS.canvas) return 'canvas';
  if (name === SYNC_LABELS.gradescope) return 'gradescope';
  return undefined;
}

/**
 * The assignment ids the issue names, in the config's order; every assignment for the word `all`.
 * An error names the ids to choose from when none is named.
 */
export function requestedAssignments(
  title: string,
  body: string | null | undefined,
  ids: readonly string[],
): { ids: string[] } | { error: string } {
  const text = `${title}\n${body ?? ''}`;
  // Ids are matched as whole tokens: `milestone-1` must not match inside `milestone-10`.
  const tokens = new Set(
    text
      .split(/[\s,;`'"()[\]]+/)
      .filter(Boolean)
      .map((token) => token.replace(/[.:!?]+$/, '')),
  );
  if ([...tokens].some((token) => token.toLowerCase() === 'all')) return { ids: [...ids] };
  const named = ids.filter((id) => tokens.has(id));
  if (named.length > 0) return { ids: named };
  return {
    error: `The issue names no assignment. Put an assignment id or \`all\` in its title or body: ${ids.map((id) => `\`${id}\``).join(', ')}.`,
  };
}
