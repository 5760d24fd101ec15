/**
 * `mlgrade grade SUBMISSION --config FILE [--assignment ID] [--data DIR] [--json OUT] [--markdown OUT]
 * [--submitted-at ISO] [--no-color]`. Steps:
 *   1. load and validate the course config (errors → exit 2, nothing graded);
 *   2. pick the assignment and the hidden data directory;
 *   3. run the checks, score the rubric;
 *   4. write the JSON and Markdown outputs, print the terminal rendering;
 *   5. exit 0 when every check passed, 1 otherwise.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatProblem, loadConfig } from '../config/load-config.js';
import type { Assignment, CourseConfig } from '../config/schema.js';
import { configDataDir, gradeAndScore, writeResultsFile } from '../grading/grade-and-score.js';
import { type GradescopeResults, gradescopeFailure, gradescopeResults } from '../lms/gradescope-results.js';
import { renderMarkdown } from '../render/render-markdown.js';
import { renderTerminal } from '../render/render-terminal.js';
import type { Results } from '../results/results-schema.js';
import type { AssignmentScore } from '../results/score-types.js';
import type { CliIO } from './cli-io.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';
import { pickAssignment } from './pick-assignment.js';

const OPTIONS = {
  config: { type: 'string' },
  assignment: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'string' },
  markdown: { type: 'string' },
  'submitted-at': { type: 'string' },
  'show-hidden': { type: 'boolean' },
  'no-color': { type: 'boolean' },
  format: { type: 'string' },
} as const;

/** Where Gradescope reads an autograder's results (its specification). */
export const GRADESCOPE_RESULTS = '/autograder/results/results.json';

/** What one `grade` produced, for callers that grade in-process (the demo). */
export interface GradeOutput {
  course: CourseConfig;
  assignment: Assignment;
  results: Results;
  score: AssignmentScore;
}

/** Runs `mlgrade grade`; returns the exit code. `onGraded` sees the results (used by the demo). */
export async function gradeCommand(
  argv: string[],
  io: CliIO,
  onGraded?: (output: GradeOutput) => void,
): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'gradescope')
    throw new UsageError(`--format ${format}: use json (mlgrade-results.json, the default) or gradescope`);
  if (format === 'gradescope') return gradescopeGrade(argv, values.json ?? GRADESCOPE_RESULTS, io, onGraded);
  if (positionals.length !== 1) throw new UsageError('give exactly one SUBMISSION directory');
  if (!values.config) throw new UsageError('--config FILE is required');
  const submittedAt = parseSubmittedAt(values['submitted-at']);
  const submissionDir = await requireDirectory(positionals[0]!, 'SUBMISSION');
  // Fail before grading, not after: a long grading run should not end in "cannot write".
  for (const [flag, file] of [
    ['--json', values.json],
    ['--markdown', values.markdown],
  ] as const) {
    if (file !== undefined) await requireWritable(file, flag);
  }

  const loaded = await loadConfig(values.config);
  for (const problem of loaded.problems) io.stderr(`${formatProblem(problem)}\n`);
  if (!loaded.config) {
    io.stderr(
      `mlgrade: ${values.config} is not a valid course config; nothing was graded. Run \`mlgrade validate ${values.config}\` while fixing it.\n`,
    );
    return 2;
  }
  const course = loaded.config;
  const assignment = pickAssignment(course, values.assignment, path.basename(submissionDir));
  const dataDir = await resolveDataDir(values.data, course, values.config);

  const { results, score } = await gradeAndScore({ course, assignment, submissionDir, dataDir, submittedAt });
  const render = {
    course: course.course,
    assignment,
    results,
    score,
    options: { showHidden: Boolean(values['show-hidden']) },
  };
  if (values.json) await writeResultsFile(values.json, results, score);
  if (values.markdown) await writeFile(values.markdown, renderMarkdown(render));
  io.stdout(renderTerminal(render, { color: io.color && !values['no-color'] }));
  onGraded?.({ course, assignment, results, score });
  return results.checks.every((check) => check.status === 'pass' || check.status === 'skipped') ? 0 : 1;
}

/**
 * `--format gradescope`: grades as usual, then writes Gradescope's results.json instead of
 * mlgrade-results.json. Whatever goes wrong (a usage error, an invalid config, a crash) still writes
 * a results.json with score 0 saying why, so Gradescope never shows an empty result; the exit code
 * and stderr say what happened for the instructor's log.
 */
async function gradescopeGrade(
  argv: string[],
  out: string,
  io: CliIO,
  onGraded?: (output: GradeOutput) => void,
): Promise<number> {
  // Checked before grading: a long run must not end in "cannot write" (the directory is made if missing).
  if ((await stat(out).catch(() => undefined))?.isDirectory())
    throw new UsageError(
      `--json ${out} is a directory; name the results file (e.g. ${path.join(out, 'results.json')})`,
    );
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const jsonless = withoutOption(argv, ['--json', '--format']);
  let graded: GradeOutput | undefined;
  let code: number;
  const errors: string[] = [];
  const captured: CliIO = {
    ...io,
    stderr: (text) => {
      errors.push(text);
      io.stderr(text);
    },
  };
  try {
    code = await gradeCommand(jsonless, captured, (output) => {
      graded = output;
      onGraded?.(output);
    });
  } catch (error) {
    await writeGradescope(out, gradescopeFailure(`${(error as Error).message}`, seconds()));
    throw error;
  }
  if (!graded) {
    await writeGradescope(
      out,
      gradescopeFailure(errors.join('').trim() || `mlgrade exited with code ${code}`, seconds()),
    );
    return code;
  }
  await writeGradescope(out, gradescopeResults({ ...graded, executionSeconds: seconds() }));
  io.stderr(`wrote Gradescope results to ${out}\n`);
  return code;
}

async function writeGradescope(file: string, results: GradescopeResults): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** argv without `--name value` / `--name=value` for the given names. */
function withoutOption(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (names.includes(arg)) {
      i++;
      continue;
    }
    if (names.some((name) => arg.startsWith(`${name}=`))) continue;
    out.push(arg);
  }
  return out;
}

function parseSubmittedAt(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new UsageError(`--submitted-at "${text}" is not an ISO date-time; write e.g. 2026-12-05T10:00:00Z`);
  }
  return date;
}

async function requireWritable(file: string, flag: string): Promise<void> {
  const directory = path.dirname(path.resolve(file));
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${file}: the directory ${directory} does not exist or is not writable`);
  }
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw new UsageError(`${flag} ${file} is a directory; name a file`);
}

export async function requireDirectory(given: string, what: string): Promise<string> {
  const absolute = path.resolve(given);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new UsageError(`${what} ${given} does not exist`);
  if (!info.isDirectory()) throw new UsageError(`${what} ${given} is not a directory`);
  return absolute;
}

/** --data wins; else course.data_dir relative to the config file; else none (checks that need it say so). */
export async function resolveDataDir(flag: string | undefined, course: CourseConfig, configFile: string) {
  if (flag !== undefined) return requireDirectory(flag, '--data');
  const fromConfig = configDataDir(course, configFile);
  return fromConfig === undefined ? undefined : requireDirectory(fromConfig, 'course.data_dir');
}
