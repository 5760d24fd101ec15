/**
 * The action's doctor mode (`doctor: true`): `mlgrade doctor` on the runner, as the first step of the
 * grader workflow. The items go to the job summary as a table and to annotations; the step fails
 * only when something is missing, so a runner that cannot grade stops before any attempt is graded
 * (the app then reports a failed run, never a student failure), while warnings let it grade.
 */
import * as core from '@actions/core';
import { markdownTable } from 'markdown-table';
import { type DoctorItem, doctorExitCode, summaryLine } from '../src/doctor/doctor-item.js';
import { runDoctor } from '../src/doctor/run-doctor.js';
import { escapeInline } from '../src/render/escape-markdown.js';
import { isDoctor, readDoctorInputs } from './inputs.js';

const MARK: Record<DoctorItem['status'], string> = {
  ok: '✅ ok',
  warning: '⚠️ warning',
  missing: '❌ missing',
};

/** Markdown for the job summary: a heading with the counts, then one row per item. */
export function doctorSummary(items: readonly DoctorItem[]): string {
  const rows = items.map((item) => [
    MARK[item.status],
    escapeInline(item.name, 200),
    escapeInline(item.detail, 1000),
    item.fix ? escapeInline(item.fix, 1000) : '',
  ]);
  return `## mlgrade doctor: ${summaryLine(items)}\n\n${markdownTable([['Status', 'Item', 'Found', 'Fix'], ...rows])}\n`;
}

/**
 * Runs doctor mode when the step asked for it and returns true (the step is done); false when it
 * did not ask. Never throws: a bad input or an unexpected error fails the step with the reason.
 */
export async function runDoctorIfAsked(): Promise<boolean> {
  let asked: boolean;
  try {
    asked = isDoctor();
  } catch (error) {
    core.setFailed((error as Error).message);
    return true;
  }
  if (!asked) return false;
  let items: DoctorItem[] | undefined;
  try {
    const inputs = readDoctorInputs();
    items = await runDoctor({
      ...(inputs.config ? { configFile: inputs.config } : {}),
      ...(inputs.data ? { dataDir: inputs.data } : {}),
      inAction: true,
    });
    for (const item of items) {
      if (item.status === 'ok') core.info(`ok       ${item.name}: ${item.detail}`);
      else
        (item.status === 'missing' ? core.error : core.warning)(
          `${item.detail}${item.fix ? `. Fix: ${item.fix}` : ''}`,
          { title: `mlgrade doctor: ${item.name} ${item.status}` },
        );
    }
    const missing = items.filter((item) => item.status === 'missing');
    if (doctorExitCode(items) !== 0)
      core.setFailed(
        `This runner cannot grade: ${missing.map((item) => item.name).join(', ')} missing (${summaryLine(items)}); the job summary says what to install or change.`,
      );
    else core.info(`mlgrade doctor: ${summaryLine(items)}`);
  } catch (error) {
    core.setFailed(`mlgrade doctor could not check this runner: ${(error as Error).message}`);
  } finally {
    try {
      if (items) core.summary.addRaw(doctorSummary(items), true);
      await core.summary.write();
    } catch (error) {
      // No GITHUB_STEP_SUMMARY (a local run): the log has every item.
      core.debug(`job summary not written: ${(error as Error).message}`);
    }
  }
  return true;
}
