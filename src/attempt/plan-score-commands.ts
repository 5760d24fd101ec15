/**
 * What a comment's `/mlgrade` commands ask for, checked against the rubric before anything is
 * recorded: the scores to record, whether to regrade, and one line per problem for the reply. On an
 * edit, only the commands the edit added or changed count; the rest were carried out before.
 */
import type { Assignment } from '../config/schema.js';
import { type ResolvedScore, resolveScore } from './resolve-score.js';
import { type ParsedCommand, parseCommands } from './score-commands.js';

/** The commands of one comment, ready to carry out. */
export interface CommandPlan {
  scores: (ResolvedScore & { line: number; text: string })[];
  regrade: boolean;
  /** `line N: message` for each command that cannot be carried out. */
  problems: string[];
  /** Score lines an edit removed: removing a line does not undo its score. */
  removed: string[];
}

/** Plans the commands of `body`; `previousBody` is the comment before an edit. */
export function planScoreCommands(
  assignments: readonly Assignment[],
  body: string,
  previousBody?: string,
): CommandPlan {
  const { commands, errors } = parseCommands(body);
  const before = previousBody === undefined ? [] : parseCommands(previousBody).commands;
  const seen = new Set(before.map(signature));
  const fresh = commands.filter((command) => !seen.has(signature(command)));
  const now = new Set(commands.map(signature));
  // A line changed to another score for the same criterion replaced it; only a criterion gone from the comment was removed.
  const scoredNow = new Set(
    commands.flatMap((command) => (command.kind === 'score' ? [command.criterion] : [])),
  );
  const removed = before.filter(
    (command) =>
      command.kind === 'score' && !now.has(signature(command)) && !scoredNow.has(command.criterion),
  );
  const plan: CommandPlan = {
    scores: [],
    regrade: false,
    problems: errors.map((error) => `line ${error.line}: ${error.message}`),
    removed: removed.map((command) => command.text),
  };
  for (const command of fresh) {
    if (command.kind === 'regrade') {
      plan.regrade = true;
      continue;
    }
    const resolved = resolveScore(assignments, command);
    if ('error' in resolved) plan.problems.push(`line ${command.line}: ${resolved.error}`);
    else plan.scores.push({ ...resolved, line: command.line, text: command.text });
  }
  return plan;
}

/**
 * True when `body` holds a command (or a malformed `/mlgrade` line) that `previousBody` did not:
 * decided before any request, so a comment that only quotes a command costs nothing.
 */
export function hasNewCommands(body: string, previousBody?: string): boolean {
  const { commands, errors } = parseCommands(body);
  if (errors.length > 0) return true;
  const before = new Set(
    previousBody === undefined ? [] : parseCommands(previousBody).commands.map(signature),
  );
  const now = new Set(commands.map(signature));
  return commands.some((command) => !before.has(signature(command))) || [...before].some((s) => !now.has(s));
}

/** Two commands are the same when they say the same thing (whitespace and case of the verb aside). */
function signature(command: ParsedCommand): string {
  return command.kind === 'regrade'
    ? 'regrade'
    : `score ${command.criterion} ${command.value.toLowerCase()} ${command.reason ?? ''}`;
}
