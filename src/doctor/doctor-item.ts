/**
 * One line of `mlgrade doctor`: what was checked, its verdict and, when it is not ok, the command or
 * package that fixes it. Shared by the terminal, `--json` and the action's job summary.
 */

/** ok: ready. warning: grading works, but weaker or slower than it could. missing: a grade would fail. */
export type DoctorStatus = 'ok' | 'warning' | 'missing';

/** One checked item. */
export interface DoctorItem {
  /** Stable id for scripts reading `--json` (e.g. `bubblewrap`, `disk:tmp`, `runtime:/opt/venv`). */
  id: string;
  /** Short label shown in the first column. */
  name: string;
  status: DoctorStatus;
  /** What was found, in one sentence. */
  detail: string;
  /** What to run or install, when the status is not ok. */
  fix?: string;
}

/** Items by status, for the summary line. */
export function countByStatus(items: readonly DoctorItem[]): Record<DoctorStatus, number> {
  const counts: Record<DoctorStatus, number> = { ok: 0, warning: 0, missing: 0 };
  for (const item of items) counts[item.status]++;
  return counts;
}

/** 0 when nothing is missing, 1 otherwise: warnings never fail a runner's check. */
export function doctorExitCode(items: readonly DoctorItem[]): 0 | 1 {
  return items.some((item) => item.status === 'missing') ? 1 : 0;
}

/** "12 ok, 1 warning, 0 missing". */
export function summaryLine(items: readonly DoctorItem[]): string {
  const counts = countByStatus(items);
  return `${counts.ok} ok, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.missing} missing`;
}

/**
 * The plain-text report: one line per item (`status  name  detail`), the fix indented under it,
 * then the summary. Columns are padded so a terminal or a CI log reads as a table.
 */
export function formatDoctorText(items: readonly DoctorItem[]): string {
  const nameWidth = Math.max(0, ...items.map((item) => item.name.length));
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`${item.status.padEnd(7)}  ${item.name.padEnd(nameWidth)}  ${item.detail}`);
    if (item.fix) lines.push(`${' '.repeat(9 + nameWidth + 2)}fix: ${item.fix}`);
  }
  lines.push('', `mlgrade doctor: ${summaryLine(items)}`);
  return `${lines.join('\n')}\n`;
}
