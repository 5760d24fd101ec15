/**
 * `mlgrade rescore --config FILE --assignment ID [--apply] [--json]`: scores every graded attempt of an
 * assignment again from the results stored in the ledger, after a rubric or policy change, without
 * running any check. Prints who gains or loses points and why; stores the new scores only with
 * `--apply`. Criteria the config no longer has are named, never dropped silently. Attempts whose
 * checks changed inputs since they ran (options, hidden file pins, sandbox limits; or a new check)
 * are not rescored from results that no longer answer the config: they are listed for a regrade.
 */
import { type ClassRescore, rescoreClass } from '../attempt/rescore-class.js';
import type { Assignment, CourseConfig } from '../config/schema.js';
import type { Ledger } from '../store/ledger-types.js';
import type { CliIO } from './cli-io.js';
import { describeLedger, LEDGER_OPTION, openCliLedger } from './cli-ledger.js';
import { loadCourseOrExplain } from './load-course.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';
import { pickAssignment } from './pick-assignment.js';
import { formatTable } from './plain-table.js';

const OPTIONS = {
  config: { type: 'string' },
  assignment: { type: 'string' },
  apply: { type: 'boolean' },
  json: { type: 'boolean' },
  ...LEDGER_OPTION,
} as const;

/** Runs `mlgrade rescore`; returns the exit code (0 done or nothing to change, 2 refused). */
export async function rescoreCommand(
  argv: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!values.config) throw new UsageError('--config FILE is required (the rubric to score against)');
  if (!values.assignment) throw new UsageError('--assignment ID is required');
  const course = await loadCourseOrExplain(values.config, io, 'mlgrade rescore', 'nothing was rescored');
  if (!course) return 2;
  const assignment = pickAssignment(course, values.assignment, '');
  const ledger = await openCliLedger(values.ledger, env);
  try {
    const { rows, rescore } = await rescoreFromLedger(ledger, course, assignment);
    if (values.apply) {
      for (const diff of rescore.diffs) {
        const next = rescore.scores.get(diff.attemptId)!;
        await ledger.saveResults(diff.attemptId, next.results, next.score);
      }
    }
    if (values.json)
      io.stdout(
        `${JSON.stringify({ applied: values.apply === true, ...summary(rescore), diffs: rescore.diffs, stale: rescore.stale }, null, 2)}\n`,
      );
    else io.stdout(report(rescore, rows.length, values.apply === true, describeLedger(values.ledger, env)));
    return 0;
  } finally {
    await ledger.close();
  }
}

/** Reads an assignment's stored attempts and manual scores (two queries) and rescores them. */
export async function rescoreFromLedger(ledger: Ledger, course: CourseConfig, assignment: Assignment) {
  const [rows, manual] = await Promise.all([
    ledger.listAssignmentResults(assignment.id),
    ledger.listAssignmentManualScores(assignment.id),
  ]);
  const rescore = rescoreClass(
    course,
    assignment,
    rows,
    (repository) => manual.get(repository.toLowerCase()) ?? {},
  );
  return { rows, rescore };
}

function summary(rescore: ClassRescore) {
  const gains = rescore.diffs.filter((diff) => diff.after.points > diff.before.points).length;
  const losses = rescore.diffs.filter((diff) => diff.after.points < diff.before.points).length;
  return {
    changed: rescore.diffs.length,
    unchanged: rescore.unchanged,
    needRerun: rescore.stale.length,
    unverified: rescore.unverified,
    gains,
    losses,
    removedCriteria: rescore.removedCriteria,
  };
}

function report(rescore: ClassRescore, total: number, applied: boolean, where: string): string {
  const { changed, unchanged, gains, losses, removedCriteria } = summary(rescore);
  const lines: string[] = [];
  if (rescore.diffs.length > 0) {
    const rows = rescore.diffs.map((diff) => {
      const delta = Math.round((diff.after.points - diff.before.points) * 100) / 100;
      return [
        diff.repository,
        diff.sha.slice(0, 7),
        `${diff.before.points} → ${diff.after.points} / ${diff.after.maxPoints}`,
        delta > 0 ? `+${delta}` : String(delta),
        diff.changes
          .map((change) => `${change.id} ${show(change.before)} → ${show(change.after)}`)
          .join('; '),
      ];
    });
    lines.push(formatTable(['repository', 'commit', 'points', 'change', 'criteria'], rows).trimEnd(), '');
  }
  if (rescore.stale.length > 0) {
    const rows = rescore.stale.map((stale) => [
      stale.repository,
      stale.sha.slice(0, 7),
      stale.checks.map((check) => `${check.id}: ${check.why}`).join('; '),
    ]);
    lines.push(
      `${rescore.stale.length} attempt${rescore.stale.length === 1 ? '' : 's'} not rescored: a check's inputs changed since ${rescore.stale.length === 1 ? 'it was' : 'they were'} graded, so ${rescore.stale.length === 1 ? 'its' : 'their'} stored results no longer answer the config. Grade ${rescore.stale.length === 1 ? 'it' : 'them'} again (mlgrade grade-all, or Regrade on the check run):`,
      formatTable(['repository', 'commit', 'checks to run again'], rows).trimEnd(),
      '',
    );
  }
  if (rescore.unverified > 0)
    lines.push(
      `${rescore.unverified} attempt${rescore.unverified === 1 ? ' was' : 's were'} graded before results recorded check inputs: rescored from ${rescore.unverified === 1 ? 'its' : 'their'} stored results as they are (a changed check option cannot be told for ${rescore.unverified === 1 ? 'it' : 'them'}).`,
    );
  if (removedCriteria.length > 0)
    lines.push(
      `Stored scores name criteria the config no longer has: ${removedCriteria.join(', ')}; their points are dropped from the new scores.`,
    );
  lines.push(
    `${total} graded attempt${total === 1 ? '' : 's'}: ${changed} change (${gains} gain, ${losses} lose points), ${unchanged} unchanged${rescore.stale.length > 0 ? `, ${rescore.stale.length} need their checks run again` : ''}. No check was run.`,
  );
  lines.push(
    applied
      ? `The new scores are stored in the ${where}. Check runs and PR comments show them after the next score command or regrade.`
      : 'Nothing was stored: run again with --apply to store the new scores.',
  );
  return `${lines.join('\n')}\n`;
}

function show(points: number | null | undefined): string {
  if (points === undefined) return '(none)';
  return points === null ? 'pending' : String(points);
}
