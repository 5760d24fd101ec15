/**
 * The grading orchestrator: runs an assignment's checks on one submission and returns the results
 * contract. Steps:
 *   1. resolve each check kind in the registry;
 *   2. run the checks in config order, timing each and turning a crash into an `error` result;
 *   3. bound every result to the schema and record the environment.
 * Scoring is separate (score-assignment.ts) so the app can re-score stored results.
 */
import os from 'node:os';
import { loadCheck } from '../checks/check-loaders.js';
import {
  type CheckOutcome,
  DEFAULT_LIMITS,
  type GradingContext,
  type GradingLimits,
} from '../checks/types.js';
import type { Assignment, CheckSpecConfig, CourseConfig } from '../config/schema.js';
import { mlgradeVersion } from '../package-root.js';
import { type CheckResult, RESULTS_SCHEMA_VERSION, type Results } from '../results/results-schema.js';
import { toCheckResult } from './cap-check-result.js';
import { checkInputs } from './check-inputs.js';

/** What to grade and where. */
export interface GradeRequest {
  course: CourseConfig;
  assignment: Assignment;
  /** Absolute path of the submission. */
  submissionDir: string;
  /** Absolute path of the hidden data directory, if any. */
  dataDir?: string | undefined;
  limits?: GradingLimits;
  /** Identity of the submission when known (set by the Action and the app). */
  submission?: Results['submission'];
}

/** Runs every check of the assignment and returns the results file content. */
export async function gradeSubmission(request: GradeRequest): Promise<Results> {
  const started = new Date();
  const context: GradingContext = {
    submissionDir: request.submissionDir,
    dataDir: request.dataDir,
    limits: request.limits ?? DEFAULT_LIMITS,
    sandbox: request.course.course.sandbox,
  };
  const checks: CheckResult[] = [];
  const ranOn: NonNullable<CheckOutcome['environment']> = {};
  const versions: Record<string, string> = {};
  for (const spec of request.assignment.checks) {
    const { result, environment } = await runOne(spec, context);
    checks.push({ ...result, inputs: checkInputs(spec, request.course) });
    // Model checks report their inference backend; the first one to name a field wins.
    ranOn.backend ??= environment?.backend;
    ranOn.device ??= environment?.device;
    Object.assign(versions, environment?.versions);
  }
  const finished = new Date();
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    course: request.course.course.id,
    assignment: request.assignment.id,
    submission: request.submission ?? { path: request.submissionDir },
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    environment: {
      mlgradeVersion: mlgradeVersion(),
      node: process.version,
      platform: `${os.platform()}-${os.arch()}`,
      ...(ranOn.backend ? { backend: ranOn.backend } : {}),
      ...(ranOn.device ? { device: ranOn.device } : {}),
      versions,
    },
    checks,
  };
}

/** Runs one check; a crash becomes an `error` result carrying the stack in its log, never a thrown error. */
async function runOne(
  spec: CheckSpecConfig,
  context: GradingContext,
): Promise<{ result: CheckResult; environment?: CheckOutcome['environment'] }> {
  const identity = { id: spec.id, kind: spec.kind, title: spec.title };
  const started = performance.now();
  const definition = await loadCheck(spec.kind);
  if (!definition) {
    const summary = `Unknown check kind "${spec.kind}"; run \`mlgrade validate\` on the course config.`;
    return { result: toCheckResult(identity, { status: 'error', summary }, 0) };
  }
  try {
    const outcome = await definition.run(spec, context);
    return {
      result: toCheckResult(identity, outcome, performance.now() - started),
      environment: outcome.environment,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const stack = error instanceof Error && error.stack ? error.stack : message;
    const summary = `The ${spec.kind} check stopped with an internal error: ${message}. This is a bug in mlgrade or the grading setup, not in the submission.`;
    return {
      result: toCheckResult(
        identity,
        { status: 'error', summary, logs: [stack] },
        performance.now() - started,
      ),
    };
  }
}
