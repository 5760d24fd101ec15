/**
 * Graceful shutdown: on SIGTERM (what container engines and systemd send) or SIGINT, stop taking
 * webhooks, let the deliveries, background tasks and dispatches in flight finish within a bound, close
 * the ledger, and exit: 0 when everything finished, 1 when the bound ran out first.
 */

/** The logger subset used here (Probot's pino logger satisfies it). */
export interface ShutdownLog {
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

/** The steps of a shutdown, in order. */
export interface ShutdownPlan {
  /** Refuse new deliveries and close the listener (must not wait for open requests). */
  stopAccepting(): void;
  /** Resolves when the work in flight is done. */
  drain(): Promise<void>;
  /** What is still running, for the message when the bound runs out. */
  describeInFlight(): string;
  /** Closes the ledger; runs whether or not draining finished in time. */
  close(): Promise<void>;
  timeoutMs: number;
  log: ShutdownLog;
}

/** The bound on draining: `MLGRADE_SHUTDOWN_SECONDS` (default 30). */
export function shutdownTimeoutMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.MLGRADE_SHUTDOWN_SECONDS ?? 30);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 30_000;
}

/** Runs the plan; resolves with the exit code (0 drained, 1 timed out or failed). */
export async function shutDown(plan: ShutdownPlan): Promise<number> {
  const started = performance.now();
  plan.stopAccepting();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), plan.timeoutMs);
  });
  let code = 0;
  try {
    const outcome = await Promise.race([plan.drain().then(() => 'drained' as const), bound]);
    if (outcome === 'timeout') {
      plan.log.warn(
        `shutdown: still running after ${plan.timeoutMs / 1000} s (${plan.describeInFlight()}); exiting anyway`,
      );
      code = 1;
    }
  } catch (error) {
    plan.log.error(`shutdown: draining failed: ${(error as Error).message}`);
    code = 1;
  } finally {
    clearTimeout(timer);
  }
  try {
    await plan.close();
  } catch (error) {
    plan.log.error(`shutdown: closing the ledger failed: ${(error as Error).message}`);
    code = 1;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  plan.log.info(`shutdown: ${code === 0 ? 'finished the work in flight' : 'gave up'} in ${seconds} s`);
  return code;
}

/**
 * Runs `shutdown` on the first SIGTERM or SIGINT, then exits with its code; a second signal exits at
 * once with 1 (an operator who presses Ctrl-C twice means it).
 */
export function onTerminationSignals(shutdown: () => Promise<number>, log: ShutdownLog): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn(`shutdown: ${signal} again; exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.info(`shutdown: ${signal} received; finishing the work in flight`);
    void shutdown().then((code) => {
      process.exitCode = code;
      // Normally the loop is empty by now and the process ends by itself, with every log line
      // flushed; a handle someone left open must not keep it alive.
      setTimeout(() => process.exit(code), 1_000).unref();
    });
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
