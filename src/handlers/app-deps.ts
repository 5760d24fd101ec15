/** What every handler needs, built once in app.ts and passed down (tests pass their own). */
import type { CourseCache } from '../course/course-cache.js';
import type { Dispatcher } from '../github/dispatcher.js';
import type { RequestWrap } from '../github/github-client.js';
import type { InstallationClients } from '../github/installation-clients.js';
import type { OutboxWorker } from '../github/outbox-worker.js';
import type { Ledger } from '../store/ledger-types.js';
import type { BackgroundTasks } from './background-tasks.js';

/** Shared services of the app's handlers. */
export interface AppDeps {
  ledger: Ledger;
  courses: CourseCache;
  dispatcher: Dispatcher;
  /** Sends the ledger's outbox of GitHub writes (completions, comments). */
  publisher: OutboxWorker;
  /** Installation clients for work no webhook carries (the outbox, the sweep). */
  clients: InstallationClients;
  /** The write scheduler's request hook, put on every client the handlers use. */
  wrap?: RequestWrap;
  /** The app's environment (grader repository and workflow names, see github/grader-workflow.ts). */
  env: NodeJS.ProcessEnv;
  /** The queue's status page of a repository, linked from its queued check runs (none without MLGRADE_PUBLIC_URL). */
  statusUrl?: (repository: string) => string | undefined;
  /** Work that outlives its webhook (LMS syncs). */
  tasks: BackgroundTasks;
}

/** The logger subset handlers use (Probot's pino logger satisfies it). */
export interface Log {
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}
