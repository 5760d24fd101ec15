/**
 * The app's tuning variables: write budget, sweep and resume timings, the outbox lease. Each is a
 * positive number, read in one way here; one set to anything else stops the app at startup with a
 * line naming it (`tuningProblems`), rather than being replaced by its default without a word.
 */

import { STALE_DELIVERY_MS } from '../store/ledger-types.js';

/** Every tuning variable, its unit and its default (docs/deploy.md lists the same). */
export const TUNING = {
  MLGRADE_GITHUB_WRITES_PER_MINUTE: { unit: 'writes', fallback: 80 },
  MLGRADE_GITHUB_WRITE_WINDOW_SECONDS: { unit: 'seconds', fallback: 60 },
  MLGRADE_GITHUB_WRITES_PER_HOUR: { unit: 'writes', fallback: 500 },
  MLGRADE_DISPATCH_WAIT_SECONDS: { unit: 'seconds', fallback: 2 },
  MLGRADE_SWEEP_SECONDS: { unit: 'seconds', fallback: 60 },
  MLGRADE_STRANDED_AFTER_SECONDS: { unit: 'seconds', fallback: 180 },
  MLGRADE_POLL_RUNS_AFTER_SECONDS: { unit: 'seconds', fallback: 900 },
  MLGRADE_OUTBOX_LEASE_SECONDS: { unit: 'seconds', fallback: 120 },
  MLGRADE_STALE_DELIVERY_SECONDS: { unit: 'seconds', fallback: STALE_DELIVERY_MS / 1000 },
  MLGRADE_QUEUED_TIMEOUT_MINUTES: { unit: 'minutes', fallback: 30 },
  MLGRADE_RUNNING_TIMEOUT_MINUTES: { unit: 'minutes', fallback: 120 },
} as const;

/** A tuning variable's name. */
export type TuningVariable = keyof typeof TUNING;

/** The variable's value, or its default when it is unset or empty (or not a positive number). */
export function tuning(env: NodeJS.ProcessEnv, name: TuningVariable): number {
  const value = Number(env[name]);
  return env[name]?.trim() && value > 0 ? value : TUNING[name].fallback;
}

/** One line per tuning variable set to something that is not a positive number. */
export function tuningProblems(env: NodeJS.ProcessEnv): string[] {
  return (Object.keys(TUNING) as TuningVariable[])
    .filter((name) => env[name]?.trim() && !(Number(env[name]) > 0 && Number.isFinite(Number(env[name]))))
    .map(
      (name) =>
        `${name} must be a positive number of ${TUNING[name].unit} (got ${JSON.stringify(env[name])}); unset it for the default, ${TUNING[name].fallback}`,
    );
}
