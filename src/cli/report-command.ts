/**
 * `mlgrade report --config FILE [--assignment ID] [--format table|csv|json] [--anonymous] …`: the class
 * in view from the ledger: completion, attempts, lateness, score distribution, criteria, pending
 * manual work and the early-warning list (src/analytics). Progress goes to stderr, only on a terminal.
 */
import { anonymousId, ReportSecretError, reportSecret } from '../analytics/anonymous-id.js';
import { computeClassReport } from '../analytics/class-report.js';
import { renderReportCsv } from '../analytics/render-report-csv.js';
import { renderReportJson } from '../analytics/render-report-json.js';
import { renderReportText } from '../analytics/render-report-text.js';
import { readClassRecords } from '../store/class-records.js';
import { DEFAULT_LEDGER_DIR, openMigratedSqlClient } from '../store/open-ledger.js';
import type { SqlClient } from '../store/sql-client.js';
import type { CliIO } from './cli-io.js';
import { describeLedger, LEDGER_OPTION } from './cli-ledger.js';
import { loadCourseOrExplain } from './load-course.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';
import { pickAssignment } from './pick-assignment.js';

const OPTIONS = {
  config: { type: 'string' },
  assignment: { type: 'string' },
  format: { type: 'string' },
  anonymous: { type: 'boolean' },
  threshold: { type: 'string' },
  'inactive-days': { type: 'string' },
  now: { type: 'string' },
  ...LEDGER_OPTION,
} as const;

const FORMATS = ['table', 'csv', 'json'] as const;

/** Where a terminal command's ledger is: the PGlite directory, or undefined for PostgreSQL (DATABASE_URL). */
export function ledgerDirectory(dir: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (dir !== undefined) return dir;
  if (env.DATABASE_URL) return undefined;
  return env.MLGRADE_LEDGER_DIR || DEFAULT_LEDGER_DIR;
}

/** Opens and migrates the ledger's SQL client as `openCliLedger` opens the ledger (cli-ledger.ts). */
export async function openCliSqlClient(dir: string | undefined, env: NodeJS.ProcessEnv): Promise<SqlClient> {
  const pgliteDir = ledgerDirectory(dir, env);
  return openMigratedSqlClient(
    pgliteDir === undefined ? { databaseUrl: env.DATABASE_URL } : { dataDir: pgliteDir, databaseUrl: '' },
  );
}

/** Runs `mlgrade report`; returns the exit code (0 reported, 2 usage or config error). */
export async function reportCommand(
  argv: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
  stderrIsTTY: boolean = Boolean(process.stderr.isTTY),
): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!values.config) throw new UsageError('--config FILE is required (the course to report on)');
  const format = (values.format ?? 'table') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be table, csv or json, not "${values.format}"`);
  const threshold = numberOption('--threshold', values.threshold, 50, 0, 100);
  const inactiveDays = numberOption('--inactive-days', values['inactive-days'], 7, 0, 3650);
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime()))
    throw new UsageError(
      `--now must be an ISO 8601 instant (e.g. 2026-12-01T12:00:00Z), not "${values.now}"`,
    );
  const course = await loadCourseOrExplain(values.config, io, 'mlgrade report', 'nothing was reported');
  if (!course) return 2;
  const assignment =
    values.assignment === undefined ? undefined : pickAssignment(course, values.assignment, '');

  // The secret first: with PostgreSQL and no MLGRADE_REPORT_SECRET, say so before connecting.
  let label: ((login: string) => string) | undefined;
  if (values.anonymous) {
    let secret: string;
    try {
      secret = reportSecret(env, ledgerDirectory(values.ledger, env));
    } catch (error) {
      if (!(error instanceof ReportSecretError)) throw error;
      io.stderr(`mlgrade report: ${error.message}\n`);
      return 2;
    }
    label = (login) => anonymousId(secret, course.course.id, login);
  }
  const client = await openCliSqlClient(values.ledger, env);
  try {
    const progress = stderrIsTTY
      ? (read: number, total: number) => io.stderr(`\rreading the ledger: ${read}/${total} attempts`)
      : undefined;
    const records = await readClassRecords(
      client,
      course.course.id,
      course.assignments.map((a) => a.id),
      progress,
    );
    if (progress) io.stderr('\n');
    const report = computeClassReport(course, records, {
      now,
      threshold,
      inactiveDays,
      ...(assignment ? { assignmentIds: [assignment.id] } : {}),
      ...(label ? { label, anonymous: true } : {}),
    });
    if (records.attempts.length === 0)
      io.stderr(
        `mlgrade report: the ${describeLedger(values.ledger, env)} has no attempts for course ${course.course.id}: nothing to report yet.\n`,
      );
    io.stdout(
      format === 'json'
        ? renderReportJson(report)
        : format === 'csv'
          ? renderReportCsv(report)
          : renderReportText(report),
    );
    return 0;
  } finally {
    await client.close();
  }
}

function numberOption(name: string, text: string | undefined, fallback: number, min: number, max: number) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`${name} must be a number from ${min} to ${max}, not "${text}"`);
  return value;
}
