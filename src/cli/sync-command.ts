/**
 * `mlgrade sync canvas|gradescope --config FILE (--assignment ID… | --all) [--roster FILE] [--dry-run]`
 * and `mlgrade export --format gradescope …`: the sync an issue label starts, from the terminal,
 * against the ledger (DATABASE_URL, else PGlite in --ledger DIR or .mlgrade/ledger). Canvas reads
 * CANVAS_URL and CANVAS_TOKEN from the environment; `--dry-run` prints the changes and sends nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CourseConfig } from '../config/schema.js';
import { formatRosterProblem, hasRosterErrors, parseRoster } from '../lms/roster.js';
import type { StudentRoster } from '../lms/roster-types.js';
import { runLmsSync } from '../lms/run-lms-sync.js';
import type { SyncTarget } from '../lms/sync-request.js';
import type { CliIO } from './cli-io.js';
import { LEDGER_OPTION, openCliLedger } from './cli-ledger.js';
import { loadCourseOrExplain } from './load-course.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';

const OPTIONS = {
  config: { type: 'string' },
  assignment: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  roster: { type: 'string' },
  'dry-run': { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  ...LEDGER_OPTION,
} as const;

/** Runs `mlgrade sync`; returns the exit code (0 done, 1 some grades failed, 2 refused). */
export async function syncCommand(
  argv: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  const target = positionals[0];
  if (positionals.length !== 1 || (target !== 'canvas' && target !== 'gradescope'))
    throw new UsageError('name the LMS: mlgrade sync canvas … or mlgrade sync gradescope …');
  return run(target, values, io, env);
}

/** Runs `mlgrade export --format gradescope`: the scores CSV to --out FILE or stdout. */
export async function exportCommand(
  argv: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (values.format !== 'gradescope')
    throw new UsageError('--format gradescope is required (the only export format)');
  return run('gradescope', values, io, env, true);
}

type Values = ReturnType<typeof parseCliArgs<typeof OPTIONS>>['values'];

async function run(target: SyncTarget, values: Values, io: CliIO, env: NodeJS.ProcessEnv, exporting = false) {
  if (!values.config) throw new UsageError('--config FILE is required');
  if (!values.all && !values.assignment?.length)
    throw new UsageError('name the assignments: --assignment ID (repeatable) or --all');
  const course = await loadCourseOrExplain(values.config, io, 'mlgrade', 'nothing was sent');
  if (!course) return 2;
  const roster = await readLocalRoster(values.roster, course, values.config, io);
  if (!roster) return 2;
  const ledger = await openCliLedger(values.ledger, env);
  try {
    const result = await runLmsSync({
      target,
      course,
      roster,
      ledger,
      env,
      requestedBy: env.USER ?? os.userInfo().username,
      assignmentIds: values.all ? course.assignments.map((assignment) => assignment.id) : values.assignment!,
      dryRun: values['dry-run'] === true,
    });
    if (exporting && result.csv !== undefined) {
      if (values.out) await writeFile(values.out, result.csv);
      else io.stdout(result.csv);
      io.stderr(`${result.summary}${values.out ? ` → ${values.out}` : ''}\n`);
    } else {
      if (values.out && result.csv !== undefined) await writeFile(values.out, result.csv);
      io.stdout(result.text ?? `${result.summary}\n`);
    }
    return result.ok ? 0 : result.refused ? 2 : 1;
  } finally {
    await ledger.close();
  }
}

/** The roster: --roster FILE, else course.roster relative to the config file; problems printed with lines. */
async function readLocalRoster(
  flag: string | undefined,
  course: CourseConfig,
  configFile: string,
  io: CliIO,
): Promise<StudentRoster | undefined> {
  // course.roster is a path in the config repository, whose root is above `.github/` when the config is there.
  const configDir = path.dirname(path.resolve(configFile));
  const root = path.basename(configDir) === '.github' ? path.dirname(configDir) : configDir;
  const file = flag ?? (course.course.roster ? path.resolve(root, course.course.roster) : undefined);
  if (!file) {
    io.stderr(
      'mlgrade: give the roster with --roster FILE (CSV or YAML; docs/lms.md#roster), or set course.roster.\n',
    );
    return undefined;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.stderr(`mlgrade: cannot read the roster ${file}: ${(error as Error).message}\n`);
    return undefined;
  }
  const { roster, problems } = parseRoster(text, file);
  for (const problem of problems) io.stderr(`${formatRosterProblem(problem)}\n`);
  if (hasRosterErrors(problems)) {
    io.stderr(
      `mlgrade: ${file} has errors; nothing was sent. Fix them (mlgrade validate ${file}) and run again.\n`,
    );
    return undefined;
  }
  return roster;
}
