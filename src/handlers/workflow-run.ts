/**
 * `workflow_run.completed` in a grader repository: find the attempts this run answers (by run id,
 * else by the nonce in its run-name), then collect each one. Runs mlgrade did not dispatch are ignored.
 */
import type { Context } from 'probot';
import { MAX_BATCH } from '../github/dispatcher.js';
import {
  BATCH_ARTIFACT,
  batchLimits,
  downloadArtifactZip,
  listRunArtifacts,
} from '../github/fetch-results-artifact.js';
import { type GitHub, installationClient } from '../github/github-client.js';
import { attemptNonce, graderWorkflow, nonceFromRunName } from '../github/grader-workflow.js';
import type { Attempt } from '../store/ledger-types.js';
import { DEFERRED } from './accept-submission.js';
import type { AppDeps, Log } from './app-deps.js';
import { collectAttempt } from './collect-results.js';
import { inTurn } from './in-turn.js';

/** Handles one workflow_run.completed event. */
export async function onWorkflowRunCompleted(
  deps: AppDeps,
  context: Context<'workflow_run.completed'>,
): Promise<typeof DEFERRED | undefined> {
  const run = context.payload.workflow_run;
  const owner = context.payload.repository.owner.login;
  const repo = context.payload.repository.name;
  if (repo.toLowerCase() !== graderWorkflow(owner, deps.env).repo.toLowerCase()) {
    context.log.info(`${owner}/${repo}: run ${run.id} is not in the grader repository; ignored`);
    return;
  }
  const completed = {
    owner,
    repo,
    id: run.id,
    conclusion: run.conclusion,
    title: run.display_title ?? run.name,
  };
  const found = await findRunAttempts(deps, completed);
  if (!found) {
    context.log.info(`${owner}/${repo}: run ${run.id} was not dispatched by mlgrade; ignored`);
    return;
  }
  const github = await installationClient(context.octokit, context.payload.installation?.id, deps.wrap);
  deps.clients.remember(owner, context.payload.installation?.id);
  // Downloading and checking the results takes longer than a webhook answer should: collected after
  // it. A collection that fails, or dies with its process, is done again by the sweep's poll of runs
  // whose attempts are still open (resume-attempts.ts); the delivery is forgotten, so a redelivery works too.
  deps.tasks.run(() =>
    inTurn(async () => {
      try {
        await collectRun(deps, github, completed, found, context.log);
        await deps.ledger.finishDelivery(context.id, true);
      } catch (error) {
        context.log.error(
          `${owner}/${repo}: run ${run.id} not fully collected (${(error as Error).message}); the sweep polls it again`,
        );
        await deps.ledger.finishDelivery(context.id, false).catch(() => undefined);
      }
    }),
  );
  return DEFERRED;
}

/** A completed grader run, as the event or a poll of the run gives it. */
export interface FinishedRun {
  owner: string;
  repo: string;
  id: number;
  conclusion: string | null;
  /** The run's display title (its run-name, which carries the nonce). */
  title: string | null | undefined;
}

/**
 * The attempts a run answers: by run id, else the first of its batch by the nonce in its run-name
 * (then `nonce` is set, and the rest of the batch is found from it); undefined when none.
 */
export async function findRunAttempts(
  deps: AppDeps,
  run: Pick<FinishedRun, 'id' | 'title'>,
): Promise<{ attempts: Attempt[]; nonce?: string } | undefined> {
  const byRun = await deps.ledger.findByWorkflowRun(run.id);
  if (byRun.length > 0) return { attempts: byRun };
  const nonce = nonceFromRunName(run.title ?? '');
  const first = nonce ? await deps.ledger.findByNonce(attemptNonce(nonce, 0)) : undefined;
  return first && nonce ? { attempts: [first], nonce } : undefined;
}

/**
 * Collects every open attempt a completed run answers. One attempt whose results cannot be fetched
 * does not keep the others from theirs; the failures are thrown together at the end.
 */
export async function collectRun(
  deps: AppDeps,
  github: GitHub,
  run: FinishedRun,
  found: { attempts: Attempt[]; nonce?: string },
  log: Log,
): Promise<void> {
  const { owner, repo } = run;
  const artifacts = await listRunArtifacts(github, owner, repo, run.id);
  const attempts = found.nonce
    ? await attemptsOfNonce(deps, artifacts.keys(), found.nonce, found.attempts)
    : found.attempts;
  const open = attempts.filter((attempt) => attempt.state === 'dispatched' || attempt.state === 'running');
  if (open.length === 0) {
    log.info(`${owner}/${repo}: run ${run.id} answers no open attempt (already collected?)`);
    return;
  }
  const { loaded } = await deps.courses.get(github, owner);
  if (!loaded.config) {
    log.warn(`${owner}: course config has errors; results of run ${run.id} stay uncollected`);
    return;
  }
  const batchArtifact = artifacts.get(BATCH_ARTIFACT);
  const limits = batchLimits(attempts.length);
  let batchZip: Promise<Uint8Array> | undefined;
  const completed = {
    owner,
    repo,
    id: run.id,
    conclusion: run.conclusion,
    artifacts,
    batch: batchArtifact && {
      limits,
      // One download for every attempt of the run, and only when one of them needs it.
      zip: () => {
        batchZip ??= downloadArtifactZip(github, owner, repo, batchArtifact, limits.maxZipBytes);
        return batchZip;
      },
    },
  };
  const failures: string[] = [];
  for (const attempt of open) {
    try {
      const current =
        attempt.workflowRunId === run.id
          ? attempt
          : await deps.ledger.updateAttempt(attempt.id, { workflowRunId: run.id });
      await collectAttempt(deps, github, completed, current, loaded.config, log);
    } catch (error) {
      failures.push(`${attempt.repository} attempt ${attempt.id}: ${(error as Error).message}`);
    } finally {
      deps.publisher.kick();
    }
  }
  if (failures.length > 0) {
    // Failing the delivery shows it as failed in the app's settings, where a redelivery collects
    // the attempts still open (the others are finished and skipped); the sweep's poll does too.
    throw new Error(
      `run ${run.id}: ${failures.length} of ${open.length} attempt(s) not collected: ${failures.join('; ')}`,
    );
  }
}

/**
 * A batch found by nonce: every attempt named by an artifact that carries the same nonce, and every
 * attempt dispatched under it (`<nonce>.1`, `<nonce>.2`, …; a batch artifact names no attempt).
 */
async function attemptsOfNonce(deps: AppDeps, names: Iterable<string>, nonce: string, known: Attempt[]) {
  const found = new Map(known.map((attempt) => [attempt.id, attempt]));
  for (let index = 1; index < MAX_BATCH; index++) {
    const next = await deps.ledger.findByNonce(attemptNonce(nonce, index));
    if (!next) break;
    found.set(next.id, next);
  }
  for (const name of names) {
    const id = name.replace(/^mlgrade-results-/, '');
    if (found.has(id) || id === name) continue;
    const attempt = await deps.ledger.getAttempt(id);
    if (attempt?.dispatchNonce?.startsWith(`${nonce}.`)) found.set(id, attempt);
  }
  return [...found.values()];
}

/**
 * `workflow_run.in_progress`: a runner picked the run up. Its attempts become `running`, so the
 * overdue sweep gives them the running window instead of the "never picked up" one. No API request.
 */
export async function onWorkflowRunStarted(
  deps: AppDeps,
  context: Context<'workflow_run.in_progress'>,
): Promise<void> {
  const run = context.payload.workflow_run;
  const owner = context.payload.repository.owner.login;
  if (context.payload.repository.name.toLowerCase() !== graderWorkflow(owner, deps.env).repo.toLowerCase()) {
    context.log.info(
      `${owner}/${context.payload.repository.name}: run ${run.id} is not in the grader repository; ignored`,
    );
    return;
  }
  // in_progress payloads are typed without display_title, though GitHub sends it.
  const title = (run as { display_title?: string }).display_title ?? run.name;
  const attempts = (await findRunAttempts(deps, { id: run.id, title }))?.attempts ?? [];
  const startedAt = new Date(run.run_started_at ?? Date.now());
  for (const attempt of attempts.filter((candidate) => candidate.state === 'dispatched'))
    await deps.ledger.updateAttempt(attempt.id, { state: 'running', startedAt, workflowRunId: run.id });
}
