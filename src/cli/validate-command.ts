/**
 * `mlgrade validate FILE [FILE...] [--data DIR] [--json]`: loads each course config with everything it
 * extends, prints every problem as `file:line:column  path  message` (or JSON), then a summary. With
 * `--data`, every hidden file the checks name is also read from DIR as grading reads it (exists,
 * pinned sha256, the columns its check expects), each problem at the field that names the file. A file whose
 * name contains `roster`, or any .csv file, is checked as a course roster instead (docs/lms.md#roster):
 * its problems print the same way (`file:line:column  message`).
 * Exit status: 0 when every file is valid (warnings allowed), 2 when one is invalid or the
 * command was called wrongly.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { plural } from '../config/config-problem.js';
import { type ConfigProblem, formatProblem, loadConfig, sortProblems } from '../config/load-config.js';
import { parseRoster } from '../lms/roster.js';
import type { CliIO } from './cli-io.js';
import { VALIDATE_USAGE } from './command-usage.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';

/** Largest roster read, in bytes: a course of thousands is well under it. */
const MAX_ROSTER_BYTES = 8 * 1024 * 1024;

/** True for files checked as a roster: `roster` in the name (any case), or a .csv file. */
export function isRosterFile(file: string): boolean {
  const name = path.basename(file).toLowerCase();
  return name.includes('roster') || name.endsWith('.csv');
}

/** Runs `mlgrade validate` with `argv` (the arguments after `validate`); resolves to the exit code. */
export async function validateCommand(argv: string[], io: Pick<CliIO, 'stdout' | 'stderr'>): Promise<number> {
  let files: string[];
  let json: boolean;
  let dataDir: string | undefined;
  try {
    const { values, positionals } = parseCliArgs(argv, {
      json: { type: 'boolean' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.stdout(VALIDATE_USAGE);
      return 0;
    }
    if (positionals.length === 0)
      throw new UsageError('missing FILE: name the course config or roster to check');
    files = positionals;
    json = values.json === true;
    dataDir = values.data;
    if (dataDir === '') throw new UsageError('--data needs the hidden data directory');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`mlgrade validate: ${error.message}\n\n${VALIDATE_USAGE}`);
    return 2;
  }
  if (dataDir !== undefined) {
    const { dataDirProblem } = await import('../grading/check-hidden-files.js');
    const problem = await dataDirProblem(dataDir);
    if (problem) {
      io.stderr(`mlgrade validate: ${problem}\n`);
      return 2;
    }
  }
  const problems: ConfigProblem[] = [];
  let invalid = 0;
  for (const file of files) {
    if (isRosterFile(file)) {
      const found = await validateRoster(file);
      problems.push(...found);
      if (found.some((problem) => problem.level === 'error')) invalid++;
      continue;
    }
    const result = await loadConfig(file);
    problems.push(...result.problems);
    if (!result.config) {
      invalid++;
      continue;
    }
    if (dataDir === undefined) continue;
    // Loaded only when asked for: it brings the dataset readers, which plain validate never needs.
    const { checkHiddenFiles } = await import('../grading/check-hidden-files.js');
    const found = await checkHiddenFiles(result.config, path.resolve(dataDir));
    problems.push(...found.map((problem) => result.problemAt(problem.segments, problem.message)));
    if (found.length > 0) invalid++;
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
  const subject =
    files.length === 1 ? files[0]! : `${files.length} ${files.some(isRosterFile) ? 'files' : 'configs'}`;
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

/** A roster's problems as config problems (column 1 where the roster gives none), shown relative to the working directory. */
async function validateRoster(file: string): Promise<ConfigProblem[]> {
  const absolute = path.resolve(file);
  const relative = path.relative(process.cwd(), absolute);
  const shown = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  const problem = (message: string): ConfigProblem => ({
    file: shown,
    line: 1,
    column: 1,
    path: '',
    message,
    level: 'error',
  });
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return [
      problem(
        code === 'ENOENT'
          ? 'the roster file does not exist'
          : `cannot read the roster: ${(error as Error).message}`,
      ),
    ];
  }
  if (bytes.length > MAX_ROSTER_BYTES)
    return [problem(`the roster is larger than ${MAX_ROSTER_BYTES / 1024 / 1024} MiB`)];
  if (bytes.includes(0))
    return [problem('the roster is not a text file (it contains NUL bytes); save it as UTF-8 CSV or YAML')];
  const { problems } = parseRoster(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), shown);
  return problems.map((found) => ({
    file: found.file,
    line: found.line,
    column: found.column ?? 1,
    path: '',
    message: found.message,
    level: found.severity,
  }));
}
