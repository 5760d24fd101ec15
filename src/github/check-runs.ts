/**
 * Check runs for attempts: created queued (or at once completed) from the outbox, completed by the collector
 * (summary, annotations in batches of 50, a Regrade button) or failed with config problems.
 */
import type { Annotation } from '../attempt/results-report.js';
import type { Attempt } from '../store/ledger-types.js';
import type { GitHub } from './github-client.js';
import { FIND_EXISTING } from './write-scheduler.js';

/** GitHub accepts at most 50 annotations per check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub rejects check-run summaries over 65,535 bytes. */
export const MAX_SUMMARY_BYTES = 65_535;
/** The requested action that starts a new attempt (check_run.requested_action). */
export const REGRADE_ACTION = {
  label: 'Regrade',
  description: 'Grade this commit again',
  identifier: 'regrade',
} as const;

/** Split `owner/name`. */
export function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

/** The check run's name: one per assignment, so a repository in two assignments shows two. */
export function checkRunName(assignmentId: string): string {
  return `mlgrade: ${assignmentId}`;
}

/** The attempt a check run belongs to: enough to create the run, or find it by `external_id`. */
export type CheckRunTarget = Pick<Attempt, 'id' | 'repository' | 'sha' | 'assignmentId'>;

/**
 * Creates an attempt's check run; `external_id` ties it back to the attempt. A try that failed with a
 * 5xx may still have created it: the write scheduler then finds it by `external_id` instead of
 * creating a second one. Queued (with a link to the queue's status page when there is one), or,
 * when `report` is given, already completed: an attempt graded or superseded before its queued
 * check run was sent costs one write instead of two. Annotations past the first 50 follow in updates.
 * Returns the run's id and the pull requests it is on.
 */
export async function createCheckRun(
  github: GitHub,
  attempt: CheckRunTarget,
  report?: CheckRunReport,
  detailsUrl?: string,
): Promise<{ id: number; pullRequests: number[] }> {
  const annotations = report?.annotations ?? [];
  const fields = report
    ? {
        status: 'completed' as const,
        conclusion: report.conclusion,
        completed_at: new Date().toISOString(),
        output: completionOutput(report, annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
        ...(report.regrade === false ? {} : { actions: [REGRADE_ACTION] }),
      }
    : {
        status: 'queued' as const,
        output: {
          title: 'Queued for grading',
          summary: detailsUrl
            ? `Waiting for a grading runner. Your place in the queue: ${detailsUrl}`
            : 'Waiting for a grading runner.',
        },
      };
  const { data } = await github.rest.checks.create({
    ...splitRepository(attempt.repository),
    name: checkRunName(attempt.assignmentId),
    head_sha: attempt.sha,
    external_id: attempt.id,
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    ...fields,
    request: {
      // The run found stands for the one created: with its pull requests, which the comment goes to.
      [FIND_EXISTING]: async () => {
        const run = await findRun(github, attempt);
        return run && { status: 200, url: '', headers: {}, data: run };
      },
    },
  });
  if (report) await appendAnnotations(github, attempt.repository, data.id, report, annotations);
  return { id: data.id, pullRequests: (data.pull_requests ?? []).map((pull) => pull.number) };
}

/** The id of the attempt's check run on its commit, found by `external_id`; undefined when there is none. */
export async function findCheckRun(github: GitHub, attempt: CheckRunTarget): Promise<number | undefined> {
  return (await findRun(github, attempt))?.id;
}

async function findRun(github: GitHub, attempt: CheckRunTarget) {
  const { data } = await github.rest.checks.listForRef({
    ...splitRepository(attempt.repository),
    ref: attempt.sha,
    check_name: checkRunName(attempt.assignmentId),
    filter: 'all',
    per_page: 100,
  });
  return data.check_runs.find((run) => run.external_id === attempt.id);
}

/** What a completed check run says. */
export interface CheckRunReport {
  conclusion: 'success' | 'failure' | 'neutral' | 'timed_out' | 'action_required';
  title: string;
  summary: string;
  annotations?: readonly Annotation[];
  /** Offer the Regrade button (default true). */
  regrade?: boolean;
}

/**
 * Completes a check run. The first 50 annotations go with the completion; the rest follow in
 * batches of 50 (GitHub appends annotations across updates). Returns the PRs the check run is on.
 */
export async function completeCheckRun(
  github: GitHub,
  repository: string,
  checkRunId: number,
  report: CheckRunReport,
): Promise<number[]> {
  const annotations = report.annotations ?? [];
  const { data } = await github.rest.checks.update({
    ...splitRepository(repository),
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
    output: completionOutput(report, annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
    ...(report.regrade === false ? {} : { actions: [REGRADE_ACTION] }),
  });
  await appendAnnotations(github, repository, checkRunId, report, annotations);
  return (data.pull_requests ?? []).map((pull) => pull.number);
}

function completionOutput(report: CheckRunReport, first: readonly Annotation[]) {
  const output = { title: report.title, summary: capSummary(report.summary) };
  return first.length > 0 ? { ...output, annotations: [...first] } : output;
}

/** Annotations past the first 50, in batches of 50: GitHub appends them across updates. */
async function appendAnnotations(
  github: GitHub,
  repository: string,
  checkRunId: number,
  report: CheckRunReport,
  annotations: readonly Annotation[],
): Promise<void> {
  const output = { title: report.title, summary: capSummary(report.summary) };
  for (let at = ANNOTATIONS_PER_REQUEST; at < annotations.length; at += ANNOTATIONS_PER_REQUEST) {
    await github.rest.checks.update({
      ...splitRepository(repository),
      check_run_id: checkRunId,
      output: { ...output, annotations: annotations.slice(at, at + ANNOTATIONS_PER_REQUEST) },
    });
  }
}

/** Keeps a summary within GitHub's limit, cutting at a line and saying so. */
export function capSummary(summary: string, maxBytes = MAX_SUMMARY_BYTES): string {
  if (Buffer.byteLength(summary, 'utf8') <= maxBytes) return summary;
  const note =
    '\n\n✂️ Shortened to fit GitHub’s 65,535-byte limit; the full results are in mlgrade-results.json.\n';
  const budget = maxBytes - Buffer.byteLength(note, 'utf8');
  let cut = Buffer.from(summary, 'utf8').subarray(0, budget).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}${note}`;
}

/**
 * Replaces a completed check run's title and summary (a rescore after an instructor's score). Sends
 * no annotations: GitHub appends them across updates, so the ones the run has stay as they are.
 */
export async function updateCheckRunOutput(
  github: GitHub,
  repository: string,
  checkRunId: number,
  output: { title: string; summary: string },
): Promise<void> {
  await github.rest.checks.update({
    ...splitRepository(repository),
    check_run_id: checkRunId,
    output: { title: output.title, summary: capSummary(output.summary) },
  });
}
