/**
 * `mlgrade forget LOGIN --config FILE [--ledger DIR] [--yes]`: deletes a student's data from the
 * ledger on request (src/store/forget-student.ts). Shows the counts first; deletes only with --yes,
 * in one transaction.
 */
import { countStudentRows, type ForgetCounts, forgetStudent } from '../store/forget-student.js';
import type { CliIO } from './cli-io.js';
import { describeLedger, LEDGER_OPTION } from './cli-ledger.js';
import { loadCourseOrExplain } from './load-course.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';
import { formatTable } from './plain-table.js';
import { openCliSqlClient } from './report-command.js';

const OPTIONS = {
  config: { type: 'string' },
  yes: { type: 'boolean' },
  ...LEDGER_OPTION,
} as const;

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

const WHAT: Record<keyof ForgetCounts, string> = {
  attempts: 'attempts',
  results: 'attempt results',
  manualScores: 'manual scores',
  scoreEvents: 'manual-score history rows',
  lmsGrades: 'LMS sync grades',
  queuedWrites: 'queued GitHub writes',
  prComments: 'remembered pull-request comment ids',
};

/** Runs `mlgrade forget`; returns the exit code. */
export async function forgetCommand(
  argv: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  const [login, ...extra] = positionals;
  if (login === undefined) throw new UsageError('name the student: mlgrade forget LOGIN --config FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (!LOGIN.test(login)) throw new UsageError(`"${login}" is not a GitHub login`);
  if (!values.config) throw new UsageError('--config FILE is required (the course to forget the student in)');
  const course = await loadCourseOrExplain(values.config, io, 'mlgrade forget', 'nothing was deleted');
  if (!course) return 2;
  const target = {
    courseId: course.course.id,
    login,
    assignments: course.assignments.map((a) => ({ id: a.id, repository: a.repository })),
  };
  const where = describeLedger(values.ledger, env);
  const client = await openCliSqlClient(values.ledger, env);
  try {
    const found = await countStudentRows(client, target);
    const total = Object.values(found.counts).reduce((a, b) => a + b, 0);
    if (total === 0) {
      io.stdout(`Nothing about ${login} in course ${course.course.id} in the ${where}: nothing to delete.\n`);
      return 0;
    }
    io.stdout(
      `${login} in course ${course.course.id} (${where})${found.repositories.length > 0 ? `, repositories ${found.repositories.join(', ')}` : ''}:\n${table(found.counts)}`,
    );
    if (!values.yes) {
      io.stdout('Nothing was deleted: run again with --yes to delete these rows.\n');
      return 0;
    }
    const deleted = await forgetStudent(client, target);
    const gone = Object.values(deleted.counts).reduce((a, b) => a + b, 0);
    io.stdout(`Deleted ${gone} row${gone === 1 ? '' : 's'} in one transaction:\n${table(deleted.counts)}`);
    return 0;
  } finally {
    await client.close();
  }
}

function table(counts: ForgetCounts): string {
  return formatTable(
    ['what', 'rows'],
    (Object.keys(WHAT) as (keyof ForgetCounts)[]).map((key) => [WHAT[key], String(counts[key])]),
  );
}
