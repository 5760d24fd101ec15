/**
 * `mlgrade scores history [--repo R] [--assignment A] [--json]`: the manual-score audit trail, every
 * change in the order it was made (points, clears, who, when, where).
 */

import type { CliIO } from './cli-io.js';
import { describeLedger, LEDGER_OPTION, openCliLedger } from './cli-ledger.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';
import { formatTable } from './plain-table.js';

const OPTIONS = {
  repo: { type: 'string' },
  assignment: { type: 'string' },
  json: { type: 'boolean' },
  ...LEDGER_OPTION,
} as const;

/** Runs `mlgrade scores <subcommand>`; returns the exit code. */
export async function scoresCommand(
  argv: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  if (positionals[0] !== 'history' || positionals.length !== 1)
    throw new UsageError(
      'the only subcommand is `history`: mlgrade scores history [--repo R] [--assignment A]',
    );
  const ledger = await openCliLedger(values.ledger, env);
  try {
    const events = await ledger.listScoreEvents({
      ...(values.repo ? { repository: values.repo } : {}),
      ...(values.assignment ? { assignmentId: values.assignment } : {}),
    });
    if (values.json) {
      io.stdout(`${JSON.stringify(events, null, 2)}\n`);
      return 0;
    }
    if (events.length === 0) {
      io.stdout(`No manual scores in the ${describeLedger(values.ledger, env)} for that selection.\n`);
      return 0;
    }
    const rows = events.map((event) => [
      event.at.toISOString().replace('.000Z', 'Z'),
      event.repository,
      event.assignmentId,
      event.criterionId,
      event.points === null ? 'cleared' : String(event.points),
      event.by,
      event.source,
      event.note ?? '',
      event.sourceUrl ?? '',
    ]);
    io.stdout(
      formatTable(
        ['when', 'repository', 'assignment', 'criterion', 'points', 'by', 'via', 'note', 'link'],
        rows,
      ),
    );
    return 0;
  } finally {
    await ledger.close();
  }
}
