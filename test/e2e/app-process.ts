/**
 * Starts the real app as `npm start` does (`node build/src/app.js`, which starts Probot's server) in
 * its own process, pointed at a GitHub fake through GHE_HOST / GHE_PROTOCOL, and stops it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A running app process. */
export interface AppProcess {
  webhookUrl: string;
  /** http://127.0.0.1:PORT, for /healthz, /readyz and /metrics. */
  baseUrl: string;
  output: () => string;
  child: ChildProcess;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** How to start the app besides the defaults. */
export interface AppProcessOptions {
  /** Added to (or overriding) the process environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Run `probot run build/src/app.js` instead of `node build/src/app.js`. */
  probotRun?: boolean;
  /** The PGlite ledger directory to use (kept at stop, so a second process can reopen it). */
  dataDir?: string;
  /** A PostgreSQL ledger instead (`DATABASE_URL`): replicas and restarts share it. */
  databaseUrl?: string;
}

/** The most of the app's output kept (the tail): a long bench must not grow it without bound. */
const OUTPUT_KEPT = 4_000_000;

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the built app against `githubUrl` (http://127.0.0.1:PORT); resolves once it answers /ping. */
export async function startAppProcess(
  root: string,
  githubUrl: string,
  webhookSecret: string,
  options: AppProcessOptions = {},
): Promise<AppProcess> {
  const app = path.join(root, 'build', 'src', 'app.js');
  if (!existsSync(app)) throw new Error(`${app} is missing: run \`npm run build\` first (npm test does)`);
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const port = await freePort();
  const ownDataDir = !options.dataDir && !options.databaseUrl;
  const dataDir =
    options.dataDir ?? (ownDataDir ? await mkdtemp(path.join(os.tmpdir(), 'mlgrade-e2e-ledger-')) : '');
  const { host } = new URL(githubUrl);
  let output = '';
  const args = options.probotRun
    ? [path.join(root, 'node_modules', 'probot', 'bin', 'probot.js'), 'run', app]
    : [app];
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    APP_ID: '1001',
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: webhookSecret,
    GHE_HOST: host,
    GHE_PROTOCOL: 'http',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    MLGRADE_LEDGER_DIR: dataDir || undefined,
    DATABASE_URL: options.databaseUrl,
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // MLGRADE_E2E_APP_LOG=<file> keeps every process's whole output there (investigating a bench run).
  const logFile = process.env.MLGRADE_E2E_APP_LOG;
  const keep = (chunk: Buffer) => {
    if (logFile) appendFileSync(logFile, chunk);
    output += chunk;
    if (output.length > OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT / 2);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      // Bounded: the app drains for up to MLGRADE_SHUTDOWN_SECONDS; a test must not hang on it.
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    }
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  for (let tries = 0; tries < 150; tries++) {
    if (child.exitCode !== null) break;
    const pong = await fetch(`${base}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (pong)
      return {
        webhookUrl: `${base}/api/github/webhooks`,
        baseUrl: base,
        output: () => output,
        child,
        exited,
        stop,
      };
    await sleep(100);
  }
  await stop();
  throw new Error(`the app did not start within 15 s:\n${output}`);
}
