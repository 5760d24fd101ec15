/**
 * `mlgrade validate FILE [FILE...] [--json]`: loads each course config with everything it extends,
 * prints every problem as `file:line:column  path  message` (or JSON), then a summary.
 * Exit status: 0 when every config is valid (warnings allowed), 2 when one is invalid or the
 * command was called wrongly.
 */

import { plural } from '../config/config-problem.js';
import { type ConfigProblem, formatProblem, loadConfig, sortProblems } from '../config/load-config.js';
import type { CliIO } from './cli-io.js';
import { VALIDATE_USAGE } from './command-usage.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';

/** Runs `mlgrade validate` with `argv` (the arguments after `validate`); resolves to the exit code. */
export async function validateCommand(argv: string[], io: Pick<CliIO, 'stdout' | 'stderr'>): Promise<number> {
  let files: string[];
  let json: boolean;
  try {
    const { values, positionals } = parseCliArgs(argv, {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.stdout(VALIDATE_USAGE);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('missing FILE: name the course config to check');
    files = positionals;
    json = values.json === true;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`mlgrade validate: ${error.message}\n\n${VALIDATE_USAGE}`);
    return 2;
  }
  const problems: ConfigProblem[] = [];
  let invalid = 0;
  for (const file of files) {
    const result = await loadConfig(file);
    problems.push(...result.problems);
    if (!result.config) invalid++;
  }
  const sorted = sortProblems(problems);
  if (json) io.stdout(`${JSON.stringify(sorted, null, 2)}\n`);
  else io.stdout(report(sorted, files, invalid));
  return invalid > 0 ? 2 : 0;
}

function report(problems: readonly ConfigProblem[], files: readonly string[], invalid: number): string {
  const lines = problems.map(formatProblem);
  const errors = problems.filter((problem) => problem.level === 'error').length;
  const counts = `${plural(errors, 'error')}, ${plural(problems.length - errors, 'warning')}`;
  const subject = files.length === 1 ? files[0]! : `${files.length} configs`;
  const verdict =
    invalid === 0
      ? `${subject}: valid (${counts})`
      : files.length === 1
        ? `${subject}: invalid (${counts})`
        : `${subject}: ${invalid} invalid (${counts})`;
  if (lines.length > 0) lines.push('');
  lines.push(verdict);
  return `${lines.join('\n')}\n`;
}
