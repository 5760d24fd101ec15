/**
 * `mlgrade score --repo R --assignment A --config FILE CRITERION VALUE [--reason TEXT] [--by NAME]`:
 * records an instructor's score in the ledger, as `/mlgrade score` does in a pull request, for courses
 * graded from the terminal. VALUE is points, a level label or `clear`. The newest graded attempt of
 * the repository is rescored and its new total printed.
 */
import os from 'node:os';
import { scoreAttempt } from '../attempt/judge-results.js';
import { resolveScore, scoreNote } from '../attempt/resolve-score.js';
import type { CliIO } from './cli-io.js';
import { describeLedger, LEDGER_OPTION, openCliLedger } from './cli-ledger.js';
import { loadCourseOrExplain } from './load-course.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';
import { pickAssignment } from './pick-assignment.js';

const OPTIONS = {
  repo: { type: 'string' },
  assignment: { type: 'string' },
  config: { type: 'string' },
  reason: { type: 'string' },
  by: { type: 'string' },
  ...LEDGER_OPTION,
} as const;

/** Runs `mlgrade score`; returns the exit code (0 recorded, 2 refused). */
export async function scoreCommand(
  argv: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  if (!values.repo || !/^[^/\s]+\/[^/\s]+$/.test(values.repo))
    throw new UsageError('--repo OWNER/NAME is required (the student repository)');
  if (!values.config)
    throw new UsageError('--config FILE is required (the rubric the points are checked against)');
  if (positionals.length !== 2)
    throw new UsageError('give CRITERION and VALUE (points, a level label, or clear)');
  const [criterion, value] = positionals as [string, string];
  const course = await loadCourseOrExplain(values.config, io, 'mlgrade score', 'nothing was recorded');
  if (!course) return 2;
  const name = values.repo.split('/')[1]!;
  const assignment = pickAssignment(course, values.assignment, name);
  const resolved = resolveScore([assignment], {
    criterion,
    value,
    ...(values.reason ? { reason: values.reason } : {}),
  });
  if ('error' in resolved) {
    io.stderr(`mlgrade score: ${resolved.error} Nothing was recorded.\n`);
    return 2;
  }
  const ledger = await openCliLedger(values.ledger, env);
  try {
    const latest = await ledger.latestResults(values.repo, assignment.id);
    const note = scoreNote(resolved);
    await ledger.saveManualScore({
      repository: latest?.attempt.repository ?? values.repo,
      assignmentId: assignment.id,
      criterionId: resolved.criterion.id,
      points: resolved.points,
      ...(note ? { note } : {}),
      by: values.by ?? env.USER ?? os.userInfo().username,
      ...(latest ? { attemptId: latest.attempt.id } : {}),
      source: 'cli',
    });
    const what =
      resolved.points === null
        ? `cleared ${resolved.criterion.id}`
        : `${resolved.criterion.id}: ${resolved.points} / ${resolved.criterion.points}`;
    io.stdout(
      `${values.repo} ${assignment.id}: ${what} (recorded in the ${describeLedger(values.ledger, env)})\n`,
    );
    if (!latest) {
      io.stdout('No graded attempt in the ledger yet: the score counts when one is graded.\n');
      return 0;
    }
    const scored = await scoreAttempt({
      attempt: latest.attempt,
      course,
      results: latest.results,
      history: ledger,
    });
    if ('missingAssignment' in scored) throw new Error(scored.missingAssignment);
    await ledger.saveResults(latest.attempt.id, scored.results, scored.score);
    const { points, maxPoints, pendingPoints } = scored.score;
    io.stdout(
      `Attempt ${latest.attempt.id} (${latest.attempt.sha.slice(0, 7)}) now scores ${points} / ${maxPoints}${pendingPoints > 0 ? ` (${pendingPoints} pending)` : ''}.\n`,
    );
    return 0;
  } finally {
    await ledger.close();
  }
}
