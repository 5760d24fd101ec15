/**
 * The app's operational HTTP endpoints, as a handler for Probot's server (`addHandler`):
 * `/healthz` (the process answers), `/readyz` (the ledger answers a real query and its schema is
 * migrated; not while shutting down) and `/metrics` (Prometheus text format).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/** What readiness found; `reason` says what to fix when not ready. */
export type Readiness =
  | { ready: true; database: string; schemaVersion: number }
  | { ready: false; reason: string };

/** What the endpoints read. */
export interface EndpointSources {
  readiness(): Promise<Readiness>;
  registry: Registry;
}

/** A Probot server handler: true when it answered the request. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Builds the handler for the three paths; other paths fall through to Probot's. */
export function createEndpoints(sources: EndpointSources): HttpHandler {
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      const readiness = await sources.readiness();
      if (readiness.ready) sendJson(res, 200, { status: 'ready', ...withoutFlag(readiness) });
      else sendJson(res, 503, { status: 'not ready', reason: readiness.reason });
      return true;
    }
    if (path === '/metrics') {
      const body = await sources.registry.metrics();
      res.writeHead(200, { 'content-type': sources.registry.contentType, 'cache-control': 'no-store' });
      res.end(body);
      return true;
    }
    return false;
  };
}

/** What readiness needs from the ledger. */
export interface ReadinessProbe {
  schemaVersion(): Promise<number>;
}

/** Options of {@link checkReadiness}. */
export interface ReadinessOptions {
  ledger: ReadinessProbe;
  /** `postgres` or `pglite`, reported when ready. */
  database: string;
  /** The newest migration this build knows: an older database is not ready. */
  expectedVersion: number;
  /** True once shutdown began: a load balancer must stop sending here. */
  draining: () => boolean;
  /** A database that does not answer within this is not ready (default 2 000 ms). */
  timeoutMs?: number;
}

/** Asks the ledger for its schema version, bounded in time, and says whether the app can serve. */
export async function checkReadiness(options: ReadinessOptions): Promise<Readiness> {
  if (options.draining()) return { ready: false, reason: 'shutting down' };
  const timeoutMs = options.timeoutMs ?? 2_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the database did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const version = await Promise.race([options.ledger.schemaVersion(), timeout]);
    if (version < options.expectedVersion)
      return {
        ready: false,
        reason: `the ledger's schema is at version ${version}, this build needs ${options.expectedVersion} (restart to migrate)`,
      };
    return { ready: true, database: options.database, schemaVersion: version };
  } catch (error) {
    return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

function withoutFlag(readiness: Readiness & { ready: true }) {
  const { ready: _ready, ...rest } = readiness;
  return rest;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}
