/**
 * Drains the outbox (store/outbox.ts): claims due writes, highest priority first, and makes them one
 * at a time through the installation's client (whose write scheduler paces them). Kicked after
 * every change that stores writes, at startup (writes a crashed process left) and by the sweep
 * (writes that were backing off, or given up a while ago).
 *
 * A failed write backs off (30 s, 1, 2, 4 … minutes) and after `maxTries` is given up: counted, in
 * /metrics, and revived by the sweep later. GitHub answering 404, 410 or 422 will not change by
 * trying again (the check run or repository is gone), so such a write is given up at once.
 */
import type { Ledger } from '../store/ledger-types.js';
import type { OutboxItem, SqlOutbox } from '../store/outbox.js';
import { statusOf } from './github-client.js';
import type { InstallationClients } from './installation-clients.js';
import { type SendContext, sendWrite } from './outbox-writes.js';

/** Prefix of the error of a write given up because GitHub will never accept it. */
export const PERMANENT_FAILURE = 'permanent: ';

/** Drains the outbox; one per process. */
export interface OutboxWorker {
  /** Starts a drain unless one is running (which then drains again before it ends). */
  kick(): void;
  /** Resolves when no drain is running (tests, shutdown). */
  idle(): Promise<void>;
  /** Shutdown: the write under way finishes, no other is claimed, and kicks are ignored from now on. */
  stop(): Promise<void>;
}

/** What the worker needs. */
export interface OutboxWorkerOptions {
  outbox: SqlOutbox;
  /** Installation clients (shared with the sweep). */
  clients: InstallationClients;
  /** The ledger's check run ids and kept comments (see {@link sendContext}). */
  context: SendContext;
  log: { info: (message: string) => void; warn: (message: string) => void; error: (message: string) => void };
  /** Tries before a write is given up (default 8: about two hours of backing off). */
  maxTries?: number;
  /**
   * How long a claim holds before another worker may take the row (default 2 minutes: a write waits
   * at most a minute for the write window). Rows are claimed one at a time, so a worker that dies
   * holds one row for this long, not a batch.
   */
  leaseMs?: number;
  /** Delay before try `tries + 1` (default 30 s doubling, at most 30 minutes). */
  backoffMs?: (tries: number) => number;
  now?: () => Date;
}

/** The send context over a ledger: attempts' check run ids and the comments kept, as the ledger stores them. */
export function sendContext(
  ledger: Pick<Ledger, 'getAttempt' | 'transitionAttempt' | 'comments'>,
): SendContext {
  return {
    checkRuns: {
      idOf: async (attemptId) => (await ledger.getAttempt(attemptId))?.checkRunId,
      remember: async (attemptId, checkRunId) => {
        await ledger.transitionAttempt(attemptId, undefined, { checkRunId });
      },
    },
    comments: ledger.comments,
  };
}

/** Creates the worker. */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const maxTries = options.maxTries ?? 8;
  const leaseMs = options.leaseMs ?? 2 * 60_000;
  const backoffMs =
    options.backoffMs ?? ((tries: number) => Math.min(30_000 * 2 ** (tries - 1), 30 * 60_000));
  const now = options.now ?? (() => new Date());
  let running: Promise<void> | undefined;
  let again = false;

  const send = async (item: OutboxItem) => {
    try {
      const next = await sendWrite(await options.clients.clientFor(item.repository), item, options.context);
      if (next.length > 0) await options.outbox.put(next);
      await options.outbox.done(item, now());
    } catch (error) {
      const status = statusOf(error);
      const message = (error as Error).message;
      const permanent = status === 404 || status === 410 || status === 422;
      const giveUp = permanent || item.tries >= maxTries;
      await options.outbox.failed(
        item,
        permanent ? `${PERMANENT_FAILURE}${message}` : message,
        giveUp ? 'give up' : new Date(now().getTime() + backoffMs(item.tries)),
      );
      const what = `${item.kind} write for ${item.repository} (try ${item.tries})`;
      if (giveUp) options.log.error(`outbox: gave up the ${what}: ${message}`);
      else options.log.warn(`outbox: ${what} failed, will retry: ${message}`);
    }
  };

  let stopped = false;
  const drain = async () => {
    do {
      again = false;
      while (!stopped) {
        const [item] = await options.outbox.claim(1, leaseMs, now());
        if (!item) break;
        await send(item);
      }
    } while (again && !stopped);
  };

  return {
    kick() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = drain()
        .catch((error) => options.log.error(`outbox: ${(error as Error).message}`))
        .finally(() => {
          running = undefined;
        });
    },
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      while (running) await running;
    },
  };
}
