/**
 * The mlgrade GitHub App (Probot): registers the handlers and nothing else. `npm start` runs it with
 * `probot run`; tests build it with their own ledger through {@link createMlgradeApp}.
 */
import type { ApplicationFunction, Probot } from 'probot';
import { CourseCache } from './course/course-cache.js';
import { createDispatcher } from './github/dispatcher.js';
import type { ProbotClient, RequestWrap } from './github/github-client.js';
import { overdueLimits, sweepOverdue } from './github/sweep-overdue.js';
import { createWriteScheduler } from './github/write-scheduler.js';
import type { AppDeps } from './handlers/app-deps.js';
import { BackgroundTasks } from './handlers/background-tasks.js';
import { onCheckRunRequest } from './handlers/check-run.js';
import { onInstallation } from './handlers/installation.js';
import { onIssueComment } from './handlers/issue-comment.js';
import { onIssueLabeled } from './handlers/issues-labeled.js';
import { onPullRequest } from './handlers/pull-request.js';
import { onPush } from './handlers/push.js';
import { onWorkflowRunCompleted, onWorkflowRunStarted } from './handlers/workflow-run.js';
import type { Ledger } from './store/ledger-types.js';

/** What the app is built from; everything defaults to the production setup. */
export interface MlgradeAppOptions {
  /** The ledger (default: `openLedger` with `DATABASE_URL`, else PGlite in `MLGRADE_LEDGER_DIR` or `.mlgrade/ledger`). */
  ledger?: Ledger;
  /** The request hook put on every GitHub client the handlers use (default: one write scheduler per app). */
  wrap?: RequestWrap;
  env?: NodeJS.ProcessEnv;
  /** How often to time out overdue attempts (default every minute; 0 turns the sweep off, as tests do). */
  sweepEveryMs?: number;
}

/** Builds the app function; the deps it builds are returned through `onReady` for tests and benches. */
export function createMlgradeApp(
  options: MlgradeAppOptions = {},
  onReady?: (deps: AppDeps) => void,
): ApplicationFunction {
  const env = options.env ?? process.env;
  return async (app: Probot) => {
    requireWebhookSecret(env);
    const ledger = options.ledger ?? (await openDefaultLedger(env));
    const deps: AppDeps = {
      ledger,
      courses: new CourseCache(undefined, env),
      dispatcher: createDispatcher(ledger, app.log, env),
      wrap: options.wrap ?? schedulerWrap(app),
      env,
      tasks: new BackgroundTasks((error) => app.log.error(`background task: ${error.message}`)),
    };
    app.on('push', (context) => onPush(deps, context));
    app.on(['pull_request.opened', 'pull_request.reopened', 'pull_request.synchronize'], (context) =>
      onPullRequest(deps, context),
    );
    app.on('workflow_run.completed', (context) => onWorkflowRunCompleted(deps, context));
    app.on('workflow_run.in_progress', (context) => onWorkflowRunStarted(deps, context));
    app.on(['check_run.rerequested', 'check_run.requested_action'], (context) =>
      onCheckRunRequest(deps, context),
    );
    app.on(['issue_comment.created', 'issue_comment.edited', 'issue_comment.deleted'], (context) =>
      onIssueComment(deps, context),
    );
    app.on('issues.labeled', (context) => onIssueLabeled(deps, context));
    app.on(['installation', 'installation_repositories'], (context) => onInstallation(context));
    if (options.sweepEveryMs !== 0) startSweeping(app, deps, options.sweepEveryMs ?? 60_000);
    onReady?.(deps);
  };
}

/** Times out overdue attempts every `everyMs` (sweep-overdue.ts); never keeps the process alive. */
function startSweeping(app: Probot, deps: AppDeps, everyMs: number): void {
  const limits = overdueLimits(deps.env);
  const sweep = async () => {
    const client = (await app.auth()) as unknown as ProbotClient;
    const timedOut = await sweepOverdue(deps.ledger, client, limits, deps.wrap ? { wrap: deps.wrap } : {});
    if (timedOut.length > 0) app.log.warn(`timed out ${timedOut.length} attempt(s) that no runner finished`);
  };
  setInterval(
    () => sweep().catch((error) => app.log.error(`overdue sweep: ${(error as Error).message}`)),
    everyMs,
  ).unref();
}

/** Probot verifies signatures with WEBHOOK_SECRET; its development default ("development") must never reach production. */
function requireWebhookSecret(env: NodeJS.ProcessEnv): void {
  if (env.NODE_ENV === 'production' && !env.WEBHOOK_SECRET)
    throw new Error(
      'mlgrade: WEBHOOK_SECRET is not set. In production every webhook must be signed: set WEBHOOK_SECRET to the secret configured in the GitHub App settings.',
    );
}

/** One write scheduler for every installation client: one window, one pause when GitHub says wait. */
function schedulerWrap(app: Probot): RequestWrap {
  const scheduler = createWriteScheduler({
    onWait: ({ reason, ms, method, url }) =>
      app.log.info(`waiting ${ms} ms (${reason}) before ${method} ${url}`),
  });
  return (request, options) => scheduler.wrap(request, options);
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
