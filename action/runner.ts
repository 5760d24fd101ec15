/**
 * Inputs → main → outputs, annotations and the job summary. The summary is written in `finally`,
 * so a failed step still says why; errors become `core.setFailed`.
 */
import * as core from '@actions/core';
import { renderMarkdown } from '../src/render/render-markdown.js';
import { type BatchOutput, mainBatch } from './batch.js';
import { isBatch, readBatchInputs } from './batch-inputs.js';
import { batchSummary } from './batch-summary.js';
import { runDoctorIfAsked } from './doctor.js';
import { readInputs } from './inputs.js';
import { type ActionOutput, main } from './main.js';

const LEVELS = { error: core.error, warning: core.warning, notice: core.notice } as const;

/** Runs the action; never throws. */
export async function run(): Promise<void> {
  if (await runDoctorIfAsked()) return;
  if (isBatch()) return runBatch();
  let output: ActionOutput | undefined;
  let failure: Error | undefined;
  try {
    const inputs = readInputs();
    output = await main(inputs);
    core.setOutput('results', inputs.results);
    core.setOutput('signature', output.signature ?? '');
    core.setOutput('points', output.score.points);
    core.setOutput('max-points', output.score.maxPoints);
    annotate(output);
    const failed = output.results.checks.filter(
      (check) => check.status === 'fail' || check.status === 'error',
    );
    // A failing check is a grade, not a broken step: the run succeeds so the app collects it.
    core.info(
      `Graded: ${output.score.points} / ${output.score.maxPoints} points; ${failed.length} check(s) did not pass.`,
    );
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    core.setFailed(failure.message);
  } finally {
    await writeSummary(output, failure);
  }
}

function annotate(output: ActionOutput): void {
  const hidden = new Set(output.assignment.checks.filter((check) => check.hidden).map((check) => check.id));
  for (const check of output.results.checks) {
    if (hidden.has(check.id)) continue;
    for (const finding of check.findings) {
      LEVELS[finding.level](finding.message, {
        title: check.title ?? check.id,
        ...(finding.file ? { file: finding.file } : {}),
        ...(finding.line ? { startLine: finding.line } : {}),
      });
    }
  }
}

async function writeSummary(output: ActionOutput | undefined, failure: Error | undefined): Promise<void> {
  try {
    if (output) core.summary.addRaw(renderMarkdown({ ...output, course: output.course.course }), true);
    if (failure)
      core.summary.addHeading('mlgrade could not grade this submission', 2).addCodeBlock(failure.message);
    await core.summary.write();
  } catch (error) {
    // No GITHUB_STEP_SUMMARY (a local run): the log already has everything.
    core.debug(`job summary not written: ${(error as Error).message}`);
  }
}

/**
 * Batch mode: every attempt of the dispatch in this one step. The step fails only when nothing could
 * be graded (a broken config, bad inputs, every attempt refused): then nothing is uploaded and the app
 * reports the run's failure on each attempt. Otherwise it succeeds, so the results that were written
 * are uploaded; an attempt without results is reported by the app with the reason given here.
 */
async function runBatch(): Promise<void> {
  let output: BatchOutput | undefined;
  let failure: Error | undefined;
  try {
    const inputs = readBatchInputs();
    output = await mainBatch(inputs);
    const failed = output.outcomes.filter((outcome) => outcome.status === 'failed');
    core.setOutput('results-dir', inputs.results);
    core.setOutput('graded', output.outcomes.length - failed.length);
    core.setOutput('failed', failed.length);
    for (const outcome of failed)
      if (outcome.status === 'failed')
        core.error(
          `${outcome.attempt.repository} (attempt ${outcome.attempt.attempt}) was not graded: ${outcome.error}`,
        );
    core.info(
      `Graded ${output.outcomes.length - failed.length} of ${output.outcomes.length} attempts in one process.`,
    );
    if (failed.length === output.outcomes.length)
      throw new Error(
        `None of the ${failed.length} attempts could be graded; the first: ${failed[0]?.status === 'failed' ? failed[0].error : ''}`,
      );
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    core.setFailed(failure.message);
  } finally {
    try {
      core.summary.addRaw(batchSummary(output, failure), true);
      await core.summary.write();
    } catch (error) {
      core.debug(`job summary not written: ${(error as Error).message}`);
    }
  }
}
