/**
 * The mlgrade GitHub App (Probot): registers the handlers and the operational endpoints
 * (`/healthz`, `/readyz`, `/metrics`). `npm start` runs this file (`node build/src/app.js`), which
 * starts Probot's server and shuts it down gracefully on SIGTERM; `probot run ./build/src/app.js`
 * still loads the default export, without the graceful shutdown. Tests build the app with their own
 * ledger through {@link createMlgradeApp}.
 */
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from 'probot';
import { CourseCache } from './course/course-cache.js';
import { createDispatcher } from './github/dispatcher.js';
import type { ProbotClient, RequestWrap } from './github/github-client.js';
import { InstallationClients } from './github/installation-clients.js';
import { createOutboxWorker, sendContext } from './github/outbox-worker.js';
import { overdueLimits, sweepOverdue } from './github/sweep-overdue.js';
import { tuning, tuningProblems } from './github/tuning.js';
import { githubWriteLimits } from './github/write-budget.js';
import { createWriteScheduler, type WriteScheduler } from './github/write-scheduler.js';
import { DEFERRED, resumeSubmissions } from './handlers/accept-submission.js';
import type { AppDeps } from './handlers/app-deps.js';
import { BackgroundTasks } from './handlers/background-tasks.js';
import { onCheckRunRequest } from './handlers/check-run.js';
import { onInstallation } from './handlers/installation.js';
import { onIssueComment } from './handlers/issue-comment.js';
import { onIssueLabeled } from './handlers/issues-labeled.js';
import { onPullRequest } from './handlers/pull-request.js';
import { onPush } from './handlers/push.js';
import { createRunPoller, resumeStranded } from './handlers/resume-attempts.js';
import { onWorkflowRunCompleted, onWorkflowRunStarted } from './handlers/workflow-run.js';
import { DeliveryTracker } from './server/deliveries.js';
import { checkReadiness, createEndpoints, type HttpHandler } from './server/endpoints.js';
import { createMetrics } from './server/metrics.js';
import { onTerminationSignals, shutDown, shutdownTimeoutMs } from './server/shutdown.js';
import { createStatusPage, publicUrlProblem, statusPageUrl } from './server/status-page.js';
import type { Ledger } from './store/ledger-types.js';
import { MIGRATIONS } from './store/migrations.js';

/** The newest schema this build migrates to: readiness wants the database there. */
const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

/** What the app is built from; everything defaults to the production setup. */
export interface MlgradeAppOptions {
  /** The ledger (default: `openLedger` with `DATABASE_URL`, else PGlite in `MLGRADE_LEDGER_DIR` or `.mlgrade/ledger`). */
  ledger?: Ledger;
  /** The request hook put on every GitHub client the handlers use (default: one write scheduler per app). */
  wrap?: RequestWrap;
  env?: NodeJS.ProcessEnv;
  /** How often to time out overdue attempts (default every minute; 0 turns the sweep off, as tests do). */
  sweepEveryMs?: number;
  /** Told once the app is built, with what a graceful shutdown needs (the entrypoint below). */
  onRunning?: (running: RunningApp) => void;
}

/** A built app, for the process that runs it. */
export interface RunningApp {
  deps: AppDeps;
  deliveries: DeliveryTracker;
  /** Stops the overdue sweep. */
  stopTimers(): void;
  /** Probot's logger (pino: JSON lines with LOG_FORMAT=json). */
  log: Probot['log'];
}

/** Builds the app function; the deps it builds are returned through `onReady` for tests and benches. */
export function createMlgradeApp(
  options: MlgradeAppOptions = {},
  onReady?: (deps: AppDeps) => void,
): ApplicationFunction {
  const env = options.env ?? process.env;
  return async (app: Probot, probotOptions?: ApplicationFunctionOptions) => {
    requireWebhookSecret(env);
    const ledger = options.ledger ?? (await openDefaultLedger(env));
    const scheduler = options.wrap ? undefined : schedulerFor(app, env, ledger);
    const wrap: RequestWrap =
      options.wrap ?? ((request, requestOptions) => scheduler!.wrap(request, requestOptions));
    const clients = new InstallationClients(async () => (await app.auth()) as unknown as ProbotClient, wrap);
    const publisher = createOutboxWorker({
      outbox: ledger.outbox,
      clients,
      context: sendContext(ledger),
      log: app.log,
      leaseMs: tuning(env, 'MLGRADE_OUTBOX_LEASE_SECONDS') * 1000,
    });
    const deps: AppDeps = {
      ledger,
      courses: new CourseCache(undefined, env),
      dispatcher: createDispatcher(ledger, app.log, env, publisher),
      publisher,
      clients,
      wrap,
      env,
      statusUrl: (repository) => statusPageUrl(env, repository),
      tasks: new BackgroundTasks((error) => app.log.error(`background task: ${error.message}`)),
    };
    // Writes a previous process stored and did not send (it crashed, or GitHub failed) go out now.
    publisher.kick();
    // The tracker needs the metrics' observer, the metrics read the tracker.
    const holder: { deliveries?: DeliveryTracker } = {};
    const metrics = createMetrics({
      attemptsByState: () => ledger.countAttemptsByState(),
      writeLoad: () => scheduler?.load(),
      dispatchPending: () => deps.dispatcher.pendingCount(),
      backgroundTasks: () => deps.tasks.size,
      webhooksInFlight: () => holder.deliveries?.size ?? 0,
      outboxByState: () => ledger.outbox.counts(),
    });
    const deliveries = new DeliveryTracker(metrics.observeDelivery);
    holder.deliveries = deliveries;
    // Every handler runs through the tracker: timed, counted, awaited at shutdown, refused after it
    // began; its log lines carry the delivery id (Probot's) plus the event and repository.
    // A delivery is done only once its handler finished: one that failed is forgotten, so GitHub's
    // redelivery (manual, or requested) is handled again instead of being taken for a duplicate.
    const track =
      <E extends Context['name']>(handle: (context: Context<E>) => Promise<unknown>) =>
      (context: Context<E>) =>
        deliveries.run(context.name, async () => {
          let outcome: unknown;
          try {
            outcome = await handle(withLogFields(context));
          } catch (error) {
            await ledger.finishDelivery(context.id, false).catch(() => undefined);
            throw error;
          }
          // A deferred delivery is finished by its background work (accept-submission.ts).
          if (outcome !== DEFERRED) await ledger.finishDelivery(context.id, true);
        });
    app.on(
      'push',
      track((context) => onPush(deps, context)),
    );
    app.on(
      ['pull_request.opened', 'pull_request.reopened', 'pull_request.synchronize'],
      track((context) => onPullRequest(deps, context)),
    );
    app.on(
      'workflow_run.completed',
      track((context) => onWorkflowRunCompleted(deps, context)),
    );
    app.on(
      'workflow_run.in_progress',
      track((context) => onWorkflowRunStarted(deps, context)),
    );
    app.on(
      ['check_run.rerequested', 'check_run.requested_action'],
      track((context) => onCheckRunRequest(deps, context)),
    );
    app.on(
      ['issue_comment.created', 'issue_comment.edited', 'issue_comment.deleted'],
      track((context) => onIssueComment(deps, context)),
    );
    app.on(
      'issues.labeled',
      track((context) => onIssueLabeled(deps, context)),
    );
    app.on(
      ['installation', 'installation_repositories'],
      track((context) => onInstallation(context)),
    );
    serveEndpoints(probotOptions, [
      createEndpoints({
        readiness: () =>
          checkReadiness({
            ledger,
            database: env.DATABASE_URL ? 'postgres' : 'pglite',
            expectedVersion: SCHEMA_VERSION,
            draining: () => deliveries.draining,
          }),
        registry: metrics.registry,
      }),
      createStatusPage({
        queueStatus: (repository) => ledger.queueStatus(repository),
        onError: (error) => app.log.warn(`status page: ${error.message}`),
      }),
    ]);
    const sweep =
      options.sweepEveryMs !== 0
        ? startSweeping(app, deps, options.sweepEveryMs ?? tuning(env, 'MLGRADE_SWEEP_SECONDS') * 1000)
        : undefined;
    onReady?.(deps);
    options.onRunning?.({ deps, deliveries, stopTimers: () => clearInterval(sweep), log: app.log });
  };
}

/** Adds the HTTP handlers to Probot's server; an app loaded without a server (tests' `probot.load`) has none. */
function serveEndpoints(
  probotOptions: ApplicationFunctionOptions | undefined,
  handlers: readonly HttpHandler[],
): void {
  try {
    for (const handler of handlers) probotOptions?.addHandler?.(handler);
  } catch (error) {
    if (!/No server instance/.test((error as Error).message)) throw error;
  }
}

/** Binds the event and repository to the context's logger (Probot's already carries the delivery id). */
function withLogFields<C extends Context>(context: C): C {
  const repository = (context.payload as { repository?: { full_name?: string } }).repository?.full_name;
  const action = (context.payload as { action?: unknown }).action;
  context.log = context.log.child({
    event: typeof action === 'string' ? `${context.name}.${action}` : context.name,
    ...(repository ? { repository } : {}),
  });
  return context;
}

/**
 * Every `everyMs`, and once at startup: times out overdue attempts (sweep-overdue.ts), grades
 * accepted pushes whose process died (accept-submission.ts), resumes stranded queued attempts and polls runs whose completion was never delivered (resume-attempts.ts),
 * revives given-up writes and drains the outbox. Never keeps the process alive.
 */
function startSweeping(app: Probot, deps: AppDeps, everyMs: number): NodeJS.Timeout {
  const limits = overdueLimits(deps.env);
  const pollRuns = createRunPoller(deps, app.log);
  const sweep = async () => {
    const timedOut = await sweepOverdue(deps.ledger, limits);
    if (timedOut.length > 0) app.log.warn(`timed out ${timedOut.length} attempt(s) that no runner finished`);
    const taken = await resumeSubmissions(deps, app.log);
    if (taken > 0) app.log.warn(`graded ${taken} push(es) whose process died after answering their webhook`);
    const resumed = await resumeStranded(deps, app.log);
    if (resumed > 0) app.log.warn(`resumed ${resumed} queued attempt(s) no process was dispatching`);
    await pollRuns();
    // Writes given up an hour ago get another round: an outage ends in the write made, not lost.
    const revived = await deps.ledger.outbox.reviveGivenUp(new Date(Date.now() - 60 * 60_000));
    if (revived > 0) app.log.warn(`outbox: trying ${revived} given-up write(s) again`);
    deps.publisher.kick();
    // GitHub lets deliveries be redelivered for a few days; sent writes only serve support for a while.
    const monthAgo = new Date(Date.now() - 30 * 86_400_000);
    await deps.ledger.pruneDeliveries(monthAgo);
    await deps.ledger.outbox.pruneDone(monthAgo);
  };
  // One sweep at a time: in a process (a slow one must not overlap the next), and across replicas
  // by a lease in the ledger (every step is a compare-and-set too, so a sweep that outlives its lease
  // still finishes an attempt once). The lease runs out by itself when its holder dies.
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let sweeping = false;
  const run = () => {
    if (sweeping) return;
    sweeping = true;
    (async () => {
      // Two periods: long enough for a sweep to renew it, short enough that a replica taking over from
      // one that died waits little (a sweep outliving its lease overlaps the next harmlessly).
      if (!(await deps.ledger.takeLease('sweep', holder, everyMs * 2))) return;
      try {
        await sweep();
      } finally {
        await deps.ledger.releaseLease('sweep', holder);
      }
    })()
      .catch((error) => app.log.error(`sweep: ${(error as Error).message}`))
      .finally(() => {
        sweeping = false;
      });
  };
  setImmediate(run);
  return setInterval(run, everyMs).unref();
}

/** Probot verifies signatures with WEBHOOK_SECRET; its development default ("development") must never reach production. */
function requireWebhookSecret(env: NodeJS.ProcessEnv): void {
  if (env.NODE_ENV === 'production' && !env.WEBHOOK_SECRET)
    throw new Error(
      'mlgrade: WEBHOOK_SECRET is not set. In production every webhook must be signed: set WEBHOOK_SECRET to the secret configured in the GitHub App settings.',
    );
}

/**
 * The process's write scheduler: one for every installation client, so one queue and one pause
 * when GitHub says wait, taking slots from the write budget in the ledger that every replica shares.
 * `MLGRADE_GITHUB_WRITES_PER_MINUTE` (default 80) and `MLGRADE_GITHUB_WRITES_PER_HOUR` (default 500)
 * lower or raise the budget (a GitHub Enterprise Server with other limits);
 * `MLGRADE_GITHUB_WRITE_WINDOW_SECONDS` (default 60) shortens the minute, and the hour with it (60
 * windows), for load tests that scale time.
 */
function schedulerFor(app: Probot, env: NodeJS.ProcessEnv, ledger: Ledger): WriteScheduler {
  const limits = githubWriteLimits(
    tuning(env, 'MLGRADE_GITHUB_WRITES_PER_MINUTE'),
    tuning(env, 'MLGRADE_GITHUB_WRITE_WINDOW_SECONDS') * 1000,
    tuning(env, 'MLGRADE_GITHUB_WRITES_PER_HOUR'),
  );
  return createWriteScheduler({
    budget: ledger.writeBudget(limits),
    // Pacing makes most writes wait a little: only waits a person would notice are logged.
    onWait: ({ reason, ms, method, url }) => {
      if (ms >= 1_000) app.log.info(`waiting ${ms} ms (${reason}) before ${method} ${url}`);
    },
  });
}

async function openDefaultLedger(env: NodeJS.ProcessEnv): Promise<Ledger> {
  const { openLedger } = await import('./store/open-ledger.js');
  return openLedger({
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.MLGRADE_LEDGER_DIR ? { dataDir: env.MLGRADE_LEDGER_DIR } : {}),
  });
}

/** The app as `probot run ./build/src/app.js` loads it. */
export default createMlgradeApp();

/**
 * What must be set before anything starts, as one line each; Probot's own checks throw with a stack
 * trace, and a missing WEBHOOK_SECRET would only surface after the ledger opened.
 */
export function startupProblem(env: NodeJS.ProcessEnv): string | undefined {
  const [tuningProblem] = tuningProblems(env);
  if (tuningProblem) return tuningProblem;
  const publicUrl = publicUrlProblem(env);
  if (publicUrl) return publicUrl;
  if (env.NODE_ENV !== 'production') return undefined; // without APP_ID Probot serves its setup page
  if (!env.APP_ID) return 'APP_ID is not set: set it to the GitHub App id (docs/deploy.md)';
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH)
    return "neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set: give the app's private key (docs/deploy.md)";
  if (!env.WEBHOOK_SECRET)
    return 'WEBHOOK_SECRET is not set: set it to the secret configured in the GitHub App settings';
  return undefined;
}

/**
 * `node build/src/app.js`: starts Probot's server with this app, prints a one-line error and exits 1
 * when it cannot start, and shuts down gracefully on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const env = process.env;
  const problem = startupProblem(env);
  if (problem) return fail(problem);
  let running: RunningApp | undefined;
  const { run } = await import('probot');
  let server: Awaited<ReturnType<typeof run>>;
  try {
    server = await run(createMlgradeApp({ onRunning: (built) => (running = built) }));
  } catch (error) {
    return fail(`could not start: ${(error as Error).message}`);
  }
  if (!running) return; // Probot's setup page (no APP_ID outside production): nothing to drain
  const app = running;
  // Probot's own SIGINT handler exits as soon as the listener closes, before the work in flight ends.
  process.removeAllListeners('SIGINT');
  const log = app.log;
  onTerminationSignals(
    () =>
      shutDown({
        stopAccepting: () => {
          app.deliveries.stopAccepting();
          app.stopTimers();
          void server.stop().catch(() => undefined);
        },
        drain: async () => {
          // Deliveries start tasks and dispatches, and tasks may dispatch: wait in that order, twice.
          for (let round = 0; round < 2; round++) {
            await app.deliveries.idle();
            await app.deps.tasks.idle();
            await app.deps.dispatcher.idle();
            await app.deps.publisher.idle();
          }
          // Writes still unsent stay in the ledger for the next process; the one under way finishes.
          await app.deps.publisher.stop();
        },
        describeInFlight: () =>
          `${app.deliveries.size} deliveries, ${app.deps.tasks.size} background tasks, ${app.deps.dispatcher.pendingCount()} attempts to dispatch`,
        close: () => app.deps.ledger.close(),
        timeoutMs: shutdownTimeoutMs(env),
        log,
      }),
    log,
  );
}

/** One line on stderr and exit 1: what an operator reads first when a container restarts in a loop. */
function fail(message: string): void {
  console.error(`mlgrade: ${message.replace(/\s*\n\s*/g, ' ')}`);
  process.exitCode = 1;
  // Whatever the failed start left open (a half-built client) must not keep the process up.
  setTimeout(() => process.exit(1), 1_000).unref();
}

function isEntrypoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntrypoint()) void main();
