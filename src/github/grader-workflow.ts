/**
 * Where the grader workflow lives and how it is dispatched. The course config schema has no GitHub
 * section, so these come from the app's environment: `MLGRADE_GRADER_REPOSITORY` (default
 * `mlgrade-grader`, in the course owner's account), `MLGRADE_GRADER_WORKFLOW` (default
 * `mlgrade-grade.yml`), `MLGRADE_GRADER_REF` (default `main`), `MLGRADE_RUNS_ON` (JSON, default
 * `["self-hosted","gpu"]`), and the secret results keys are derived from: `MLGRADE_RESULTS_SECRET`, else
 * `WEBHOOK_SECRET`, else (outside production only) Probot's development default.
 */

/** The grader workflow of one course owner. */
export interface GraderWorkflow {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  /** The runner labels, as JSON for `runs-on: ${{ fromJSON(inputs.runs_on) }}`. */
  runsOn: string;
  /** The app's secret for results keys (results/results-signature.ts); never sent anywhere. */
  resultsSecret: string;
}

/** The grader workflow for `owner`, from the environment. */
export function graderWorkflow(owner: string, env: NodeJS.ProcessEnv = process.env): GraderWorkflow {
  const runsOn = env.MLGRADE_RUNS_ON || '["self-hosted","gpu"]';
  const labels = JSON.parse(runsOn) as unknown;
  if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string'))
    throw new Error(
      `MLGRADE_RUNS_ON must be a JSON array of runner labels, e.g. ["self-hosted","gpu"]; got ${runsOn}`,
    );
  return {
    owner,
    repo: env.MLGRADE_GRADER_REPOSITORY || 'mlgrade-grader',
    workflow: env.MLGRADE_GRADER_WORKFLOW || 'mlgrade-grade.yml',
    ref: env.MLGRADE_GRADER_REF || 'main',
    runsOn: JSON.stringify(labels),
    resultsSecret: resultsSecret(env),
  };
}

function resultsSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.MLGRADE_RESULTS_SECRET || env.WEBHOOK_SECRET;
  if (secret) return secret;
  // app.ts refuses to start in production without WEBHOOK_SECRET; this is for development and tests.
  if (env.NODE_ENV === 'production')
    throw new Error('mlgrade: set MLGRADE_RESULTS_SECRET (or WEBHOOK_SECRET) to sign grading results.');
  return 'development';
}

/** One matrix entry of a dispatched run: what the grader job needs to grade one attempt. */
export interface DispatchedAttempt {
  attempt: string;
  repository: string;
  /** The repository's name alone (the token step needs it; workflow expressions cannot split). */
  repository_name: string;
  sha: string;
  assignment: string;
}

/** `run-name` of the grader workflow carries the nonce: `mlgrade <nonce>`. */
export function nonceFromRunName(name: string | null | undefined): string | undefined {
  return /\bmlgrade ([0-9a-f]{32})\b/.exec(name ?? '')?.[1];
}

/**
 * The nonce stored for the attempt at `index` of a batch: the ledger keeps nonces unique, so each
 * attempt gets `<run nonce>.<index>`; `<run nonce>.0` finds the batch, the prefix its members.
 */
export function attemptNonce(runNonce: string, index: number): string {
  return `${runNonce}.${index}`;
}

/** The run nonce an {@link attemptNonce} was made from (the one the dispatch's results key is derived from). */
export function runNonceOf(attemptNonce: string): string {
  return attemptNonce.split('.')[0]!;
}
