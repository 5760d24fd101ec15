/**
 * /healthz, /readyz and /metrics over real HTTP on 127.0.0.1, in-process, against the real ledger
 * (PGlite, and PostgreSQL when MLGRADE_TEST_DATABASE_URL is set). PostgreSQL goes away and comes
 * back through a TCP proxy the test cuts; nothing in the ledger is lost.
 */
import { createServer, type Server } from 'node:http';
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryTracker } from '../../src/server/deliveries.js';
import { checkReadiness, createEndpoints, type HttpHandler } from '../../src/server/endpoints.js';
import { createMetrics } from '../../src/server/metrics.js';
import type { Ledger } from '../../src/store/ledger-types.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openLedger } from '../../src/store/open-ledger.js';
import { backends, newAttempt } from '../store/ledger-backends.js';

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Serves `handler` (then 404) on 127.0.0.1 and returns its base URL. */
async function serve(handler: HttpHandler): Promise<string> {
  const server: Server = createServer(async (req, res) => {
    if (!(await handler(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The endpoints as app.ts wires them, over `ledger`. */
function endpointsFor(ledger: Ledger) {
  const holder: { deliveries?: DeliveryTracker } = {};
  const metrics = createMetrics({
    attemptsByState: () => ledger.countAttemptsByState(),
    writeLoad: () => ({ queuedWrites: 2, writesInWindow: 5, writesPerWindow: 80 }),
    dispatchPending: () => 3,
    backgroundTasks: () => 1,
    webhooksInFlight: () => holder.deliveries?.size ?? 0,
    outboxByState: () => ledger.outbox.counts(),
  });
  const deliveries = new DeliveryTracker(metrics.observeDelivery);
  holder.deliveries = deliveries;
  return {
    deliveries,
    metrics,
    handler: createEndpoints({
      readiness: () =>
        checkReadiness({
          ledger,
          database: 'test',
          expectedVersion: LATEST,
          draining: () => deliveries.draining,
          timeoutMs: 1_000,
        }),
      registry: metrics.registry,
    }),
  };
}

/** One sample's value from a Prometheus text body. */
function sample(body: string, line: string): number | undefined {
  const found = body.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

for (const backend of backends()) {
  describe(`health endpoints on ${backend().name}`, () => {
    it('answers /healthz, /readyz and /metrics with the ledger counts and the queues', async () => {
      const ledger = await backend().open();
      closers.push(() => ledger.close());
      await ledger.createAttempt(newAttempt());
      const { attempt } = await ledger.createAttempt(newAttempt());
      await ledger.updateAttempt(attempt.id, { state: 'completed' });
      await ledger.outbox.put([
        { key: 'comment:o/r#1:m4', kind: 'comment', repository: 'o/r', payload: {}, priority: 20 },
      ]);
      const { handler, deliveries, metrics } = endpointsFor(ledger);
      const base = await serve(handler);

      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'test', schemaVersion: LATEST });

      // A delivery timed through the tracker shows in the histogram.
      await deliveries.run('push', async () => undefined);
      const scrape = await fetch(`${base}/metrics`);
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const body = await scrape.text();
      expect(sample(body, 'mlgrade_ledger_up')).toBe(1);
      expect(sample(body, 'mlgrade_attempts{state="queued"}')).toBeGreaterThanOrEqual(1);
      expect(sample(body, 'mlgrade_attempts{state="completed"}')).toBeGreaterThanOrEqual(1);
      expect(sample(body, 'mlgrade_attempts{state="timed_out"}')).toBeGreaterThanOrEqual(0);
      expect(sample(body, 'mlgrade_github_write_queue_depth')).toBe(2);
      expect(sample(body, 'mlgrade_github_writes_last_minute')).toBe(5);
      expect(sample(body, 'mlgrade_github_write_budget_remaining')).toBe(75);
      expect(sample(body, 'mlgrade_dispatch_pending_attempts')).toBe(3);
      expect(sample(body, 'mlgrade_background_tasks_in_flight')).toBe(1);
      expect(sample(body, 'mlgrade_webhooks_in_flight')).toBe(0);
      expect(sample(body, 'mlgrade_outbox_writes{state="pending"}')).toBe(1);
      expect(sample(body, 'mlgrade_outbox_writes{state="given_up"}')).toBe(0);
      expect(sample(body, 'mlgrade_webhook_duration_seconds_count{event="push",outcome="ok"}')).toBe(1);
      expect(body).toContain('process_resident_memory_bytes');
      expect(metrics.registry.getSingleMetric('mlgrade_attempts')).toBeDefined();

      // Shutting down: not ready, and new deliveries are refused.
      deliveries.stopAccepting();
      const draining = await fetch(`${base}/readyz`);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toEqual({ status: 'not ready', reason: 'shutting down' });
      await expect(deliveries.run('push', async () => undefined)).rejects.toThrow(/shutting down/);
      expect(await fetch(`${base}/other`).then((r) => r.status)).toBe(404);
    }, 30_000);
  });
}

describe('readiness when the database goes away', () => {
  it('reports a closed ledger as not ready (503 with the reason) and metrics still answer', async () => {
    const ledger = await backends()[0]!().open();
    const { handler } = endpointsFor(ledger);
    const base = await serve(handler);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await ledger.close();
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; reason: string };
    expect(body.status).toBe('not ready');
    expect(body.reason).toMatch(/^database unreachable: /);
    const scrape = await (await fetch(`${base}/metrics`)).text();
    expect(sample(scrape, 'mlgrade_ledger_up')).toBe(0);
  }, 30_000);

  it('says so when the schema is older than the build and when the database hangs', async () => {
    const old = await checkReadiness({
      ledger: { schemaVersion: async () => LATEST - 1 },
      database: 'x',
      expectedVersion: LATEST,
      draining: () => false,
    });
    expect(old).toEqual({ ready: false, reason: expect.stringMatching(/schema is at version/) });
    const hung = await checkReadiness({
      ledger: { schemaVersion: () => new Promise<number>(() => {}) },
      database: 'x',
      expectedVersion: LATEST,
      draining: () => false,
      timeoutMs: 50,
    });
    expect(hung).toEqual({
      ready: false,
      reason: 'database unreachable: the database did not answer within 50 ms',
    });
  });

  // As the store tests do (test/store/ledger-backends.ts): registered where PostgreSQL is
  // configured, and on CI, where a missing URL is a failure rather than a silent skip.
  const url = process.env.MLGRADE_TEST_DATABASE_URL;
  const withPostgres = url || process.env.CI ? [url] : [];
  for (const url of withPostgres)
    it('PostgreSQL cut and restored while running: 503, then ready again with every attempt kept', async () => {
      if (!url)
        throw new Error(
          'CI is set but MLGRADE_TEST_DATABASE_URL is not: start PostgreSQL with `export MLGRADE_TEST_DATABASE_URL="$(bash .ci/start-postgres.sh)"`.',
        );
      const target = new URL(url);
      const proxy = await startProxy(target.hostname, Number(target.port || 5432));
      closers.push(() => proxy.close());
      const viaProxy = new URL(url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      // A schema of its own, so the counts are this test's alone.
      const schema = `t_ready_${Date.now()}`;
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      closers.push(async () => {
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      });
      viaProxy.searchParams.set('options', `-c search_path=${schema}`);
      const ledger = await openLedger({ databaseUrl: viaProxy.toString() });
      closers.push(() => ledger.close().catch(() => undefined));
      await ledger.createAttempt(newAttempt());
      const { handler } = endpointsFor(ledger);
      const base = await serve(handler);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);

      await proxy.cut();
      const down = await fetch(`${base}/readyz`);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { reason: string }).reason).toMatch(/^database unreachable/);
      expect(sample(await (await fetch(`${base}/metrics`)).text(), 'mlgrade_ledger_up')).toBe(0);

      await proxy.restore();
      let ready = 0;
      for (let tries = 0; tries < 50 && ready !== 200; tries++) {
        ready = (await fetch(`${base}/readyz`)).status;
        if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(200);
      const scrape = await (await fetch(`${base}/metrics`)).text();
      expect(sample(scrape, 'mlgrade_ledger_up')).toBe(1);
      expect(sample(scrape, 'mlgrade_attempts{state="queued"}')).toBe(1);
    }, 30_000);
});

/** A TCP proxy on 127.0.0.1 that can drop every connection and refuse new ones, then listen again. */
async function startProxy(host: string, port: number) {
  const sockets = new Set<Socket>();
  let server: TcpServer | undefined;
  let listenPort = 0;
  const listen = async () => {
    server = createTcpServer((client) => {
      const upstream = connect(port, host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server!.listen(listenPort, '127.0.0.1', resolve));
    listenPort = (server!.address() as AddressInfo).port;
  };
  await listen();
  const cut = async () => {
    await new Promise((resolve) => {
      server!.close(resolve);
      for (const socket of sockets) socket.destroy();
    });
  };
  return {
    get port() {
      return listenPort;
    },
    cut,
    restore: listen,
    close: async () => {
      if (server?.listening) await cut();
    },
  };
}
