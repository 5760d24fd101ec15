/**
 * Starts the real app as `npm start` does (`probot run ./build/src/app.js`) in its own process,
 * pointed at a GitHub fake through GHE_HOST / GHE_PROTOCOL, and stops it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A running app process. */
export interface AppProcess {
  webhookUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
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
): Promise<AppProcess> {
  const app = path.join(root, 'build', 'src', 'app.js');
  if (!existsSync(app)) throw new Error(`${app} is missing: run \`npm run build\` first (npm test does)`);
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-e2e-ledger-'));
  const { host } = new URL(githubUrl);
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, 'node_modules', 'probot', 'bin', 'probot.js'), 'run', app],
    {
      cwd: root,
      env: {
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
        MLGRADE_LEDGER_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  for (let tries = 0; tries < 150; tries++) {
    if (child.exitCode !== null) break;
    const pong = await fetch(`${base}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (pong) return { webhookUrl: `${base}/api/github/webhooks`, output: () => output, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`the app did not start within 15 s:\n${output}`);
}
