/**
 * `/mlgrade` commands in a comment. One command per line; lines inside fenced or indented code blocks,
 * quotes (`>`), and inline code never count, so an instructor can quote a command to explain it.
 *
 *     /mlgrade score <criterion> <points|level|clear> [reason…]
 *     /mlgrade regrade
 */

/** A command as written, before it is checked against the rubric. */
export type ParsedCommand =
  | { kind: 'score'; line: number; text: string; criterion: string; value: string; reason?: string }
  | { kind: 'regrade'; line: number; text: string };

/** A `/mlgrade` line that is not a command. */
export interface CommandSyntaxError {
  line: number;
  text: string;
  message: string;
}

const PREFIX = /^\/mlgrade(?:\s+|$)/i;
const USAGE = '`/mlgrade score <criterion> <points|level|clear> [reason…]` or `/mlgrade regrade`';

/** True when the body may hold a command (cheap test before any request is made). */
export function mentionsCommand(body: string | null | undefined): boolean {
  return typeof body === 'string' && /(^|\n)[ \t]{0,3}\/mlgrade\b/i.test(body);
}

/** The commands of a comment body and the `/mlgrade` lines that could not be read. */
export function parseCommands(body: string): { commands: ParsedCommand[]; errors: CommandSyntaxError[] } {
  const commands: ParsedCommand[] = [];
  const errors: CommandSyntaxError[] = [];
  let fence: string | undefined;
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
    if (fence !== undefined) {
      if (opening && opening[1]!.startsWith(fence)) fence = undefined;
      return;
    }
    if (opening) {
      fence = opening[1]!;
      return;
    }
    // Four spaces or a tab make an indented code block; `>` a quote.
    if (/^( {4}|\t)/.test(raw) || /^ {0,3}>/.test(raw)) return;
    const text = raw.trim();
    if (!PREFIX.test(text)) return;
    const parsed = parseLine(text, line);
    if ('message' in parsed) errors.push(parsed);
    else commands.push(parsed);
  });
  return { commands, errors };
}

function parseLine(text: string, line: number): ParsedCommand | CommandSyntaxError {
  const words = text.split(/\s+/).slice(1);
  const [verb, ...rest] = words;
  if (verb === undefined) return { line, text, message: `\`/mlgrade\` needs a command: ${USAGE}.` };
  switch (verb.toLowerCase()) {
    case 'score': {
      const [criterion, value, ...reason] = rest;
      if (criterion === undefined || value === undefined)
        return { line, text, message: `\`${text}\` needs a criterion and points: ${USAGE}.` };
      const note = reason.join(' ').trim();
      return { kind: 'score', line, text, criterion, value, ...(note ? { reason: note } : {}) };
    }
    case 'regrade':
      return { kind: 'regrade', line, text };
    default:
      return { line, text, message: `\`/mlgrade ${verb}\` is not a command; use ${USAGE}.` };
  }
}
