/**
 * The real app process (`node build/src/app.js`, what `npm start` and the container run) over real
 * HTTP on 127.0.0.1: its endpoints, its one-line refusals to start, and a graceful SIGTERM while a
 * webhook is being handled slowly (the GitHub it talks to answers the config read after a delay).
 */
import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from '../e2e/app-process.js';

const ROOT = path.resolve('.');
const SECRET = 'server-test-secret';
const COURSE_YAML = readFileSync(path.join(ROOT, 'examples/course/mlgrade.yml'), 'utf8');
const PUSH = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/events/push.json'), 'utf8'));

interface Seen {
  method: string;
  path: string;
  at: number;
}

/** A GitHub on 127.0.0.1 that answers the push path and holds the config read for `delayMs`. */
async function slowGitHub(delayMs: number) {
  const seen: Seen[] = [];
  let nextId = 5000;
  const server: Server = createServer((req, res) => {
    req.resume();
    const url = decodeURIComponent((req.url ?? '').split('?')[0]!);
    seen.push({ method: req.method ?? '', path: url, at: Date.now() });
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'POST' && /\/app\/installations\/\d+\/access_tokens$/.test(url))
      return json(201, { token: 'ghs_fake', expires_at: new Date(Date.now() + 3600_000).toISOString() });
    if (url.endsWith('/contents/.github/mlgrade.yml')) {
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/vnd.github.raw' }).end(COURSE_YAML),
        delayMs,
      );
      return;
    }
    if (req.method === 'POST' && url.endsWith('/check-runs'))
      return json(201, { id: nextId++, pull_requests: [] });
    if (req.method === 'POST' && url.endsWith('/dispatches')) {
      const id = nextId++;
      return json(200, { workflow_run_id: id, run_url: `http://127.0.0.1/runs/${id}` });
    }
    json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Sends a signed webhook; resolves with the status, or 0 when the connection was refused. */
async function sendWebhook(url: string, event: string, payload: unknown): Promise<number> {
  const body = JSON.stringify(payload);
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  }).then(
    (response) => response.status,
    () => 0,
  );
}

/** Runs the entrypoint with `env` (no server expected) and returns its exit code and output. */
function runToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'build/src/app.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, stdout });
    }),
  );
}

describe('the app process', () => {
  let app: AppProcess | undefined;
  let github: Awaited<ReturnType<typeof slowGitHub>> | undefined;
  afterEach(async () => {
    await app?.stop();
    await github?.close();
    app = undefined;
    github = undefined;
  });

  it('serves /healthz, /readyz and /metrics over HTTP', async () => {
    github = await slowGitHub(0);
    app = await startAppProcess(ROOT, github.url, SECRET);
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${app.baseUrl}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'pglite' });
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    for (const name of [
      'mlgrade_attempts{state="queued"} 0',
      'mlgrade_ledger_up 1',
      'mlgrade_github_write_queue_depth 0',
      'mlgrade_github_writes_last_minute 0',
      'mlgrade_github_write_budget_remaining 80',
      'mlgrade_dispatch_pending_attempts 0',
      'mlgrade_background_tasks_in_flight 0',
      'mlgrade_webhooks_in_flight 0',
      '# TYPE mlgrade_webhook_duration_seconds histogram',
    ])
      expect(metrics).toContain(name);
  }, 30_000);

  it('finishes a slow delivery after SIGTERM, refuses new ones, and exits 0', async () => {
    github = await slowGitHub(1_500);
    app = await startAppProcess(ROOT, github.url, SECRET, { env: { MLGRADE_SHUTDOWN_SECONDS: '15' } });
    const sha = randomUUID().replaceAll('-', '').padEnd(40, '0');
    const first = sendWebhook(app.webhookUrl, 'push', { ...PUSH, after: sha });
    // Wait until the handler is inside its slow GitHub read, then ask the process to stop.
    for (let i = 0; i < 100 && !github.seen.some((r) => r.path.endsWith('/mlgrade.yml')); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(
      github.seen.some((r) => r.path.endsWith('/mlgrade.yml')),
      app.output(),
    ).toBe(true);
    const signalled = Date.now();
    app.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const late = await sendWebhook(app.webhookUrl, 'push', { ...PUSH, after: sha.replace(/^./, 'f') });
    expect(late === 0 || late >= 500, `late delivery answered ${late}`).toBe(true);

    expect(await first, app.output()).toBe(200);
    const code = await app.exited;
    expect(code, app.output()).toBe(0);
    // The delivery's work was finished after the signal: its check run and its dispatch went out.
    const after = github.seen.filter((r) => r.at >= signalled).map((r) => `${r.method} ${r.path}`);
    expect(
      after.some((r) => r.startsWith('POST') && r.endsWith('/check-runs')),
      after.join('\n'),
    ).toBe(true);
    expect(
      after.some((r) => r.endsWith('/dispatches')),
      after.join('\n'),
    ).toBe(true);
    expect(app.output()).toContain('shutdown: finished the work in flight');
  }, 40_000);

  it('refuses to start without APP_ID, with one line and exit 1', async () => {
    const { code, stderr } = await runToExit({ WEBHOOK_SECRET: 'x' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'mlgrade: APP_ID is not set: set it to the GitHub App id (docs/deploy.md)',
    ]);
  }, 30_000);

  it('refuses to start with a tuning variable that is not a positive number, naming it', async () => {
    const { code, stderr } = await runToExit({ WEBHOOK_SECRET: 'x', MLGRADE_SWEEP_SECONDS: 'every minute' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'mlgrade: MLGRADE_SWEEP_SECONDS must be a positive number of seconds (got "every minute"); unset it for the default, 60',
    ]);
  });

  it('refuses to start with a DATABASE_URL that does not answer, with one line and exit 1', async () => {
    const { code, stderr } = await runToExit({
      APP_ID: '1001',
      PRIVATE_KEY: generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey,
      WEBHOOK_SECRET: 'x',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/mlgrade',
    });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^mlgrade: could not start: Could not prepare the ledger \(postgres\): .*ECONNREFUSED/,
    );
  }, 30_000);
});
