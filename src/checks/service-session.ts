/**
 * Runs the student's service for the load test: starts it in the sandbox with the Unix-socket
 * forwarder beside it, waits for readiness, drives each request kind, and always stops it (the
 * whole process tree) and removes its copy, whatever happened.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HttpConnection, serialiseRequest, type Target } from '../load/http-connection.js';
import { type LoadResult, runLoad } from '../load/load-run.js';
import { FORWARDER_FILE, FORWARDER_SOCKET, FORWARDER_SOURCE } from '../load/unix-forwarder.js';
import { type SandboxResult, startSandboxed } from '../sandbox/run-sandboxed.js';
import type { SandboxPolicy } from '../sandbox/sandbox-spec.js';
import type { RequestKind, ServiceDeclaration } from './service-declaration.js';

/** Load settings from the check spec. */
export interface LoadPlan {
  rate: number;
  connections: number;
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  readyMs: number;
}

/** What the session produced. */
export interface ServiceRun {
  /** Seconds until the service answered its readiness path, or undefined if it never did. */
  readySeconds: number | undefined;
  phases: Map<RequestKind, LoadResult>;
  /** How the service process ended (stopped by us, or crashed / limited earlier). */
  exit: SandboxResult;
  device: string;
  mode: string;
}

/** Starts, waits, loads, stops. */
export async function runService(
  submissionDir: string,
  declaration: ServiceDeclaration,
  plan: LoadPlan,
  policy: SandboxPolicy,
  hiddenPaths: string[],
): Promise<ServiceRun> {
  const ioDir = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-service-'));
  await chmod(ioDir, 0o777);
  await writeFile(path.join(ioDir, FORWARDER_FILE), FORWARDER_SOURCE, { mode: 0o444 });
  const session = await startSandboxed({
    submissionDir,
    command: `node "$MLGRADE_IODIR/${FORWARDER_FILE}" "$MLGRADE_IODIR/${FORWARDER_SOCKET}" "$PORT" & exec /bin/sh -c "$MLGRADE_SERVICE_COMMAND"`,
    policy,
    hiddenPaths,
    env: { PORT: String(declaration.port), MLGRADE_SERVICE_COMMAND: declaration.command },
    ioDir,
  });
  const phases = new Map<RequestKind, LoadResult>();
  let readySeconds: number | undefined;
  let exit: SandboxResult | undefined;
  try {
    const target: Target = { socketPath: path.join(ioDir, FORWARDER_SOCKET) };
    readySeconds = await waitReady(target, declaration.ready, plan.readyMs, session.done);
    if (readySeconds !== undefined) {
      for (const [kind, requests] of declaration.requests) {
        phases.set(
          kind,
          await runLoad({
            target,
            requests,
            rate: plan.rate,
            connections: plan.connections,
            durationMs: plan.durationMs,
            warmupMs: plan.warmupMs,
            timeoutMs: plan.timeoutMs,
          }),
        );
      }
    }
  } finally {
    exit = await session.stop();
    await session.dispose();
    await rm(ioDir, { recursive: true, force: true });
  }
  return { readySeconds, phases, exit: exit!, device: session.device, mode: session.mode };
}

/** Polls GET `ready` every 100 ms until a 2xx, the deadline, or the service's exit. */
async function waitReady(
  target: Target,
  ready: string,
  deadlineMs: number,
  exited: Promise<SandboxResult>,
): Promise<number | undefined> {
  const started = performance.now();
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const probe = serialiseRequest('GET', ready, 'localhost');
  while (!gone && performance.now() - started < deadlineMs) {
    const connection = new HttpConnection(target);
    const status = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(0), 1000);
      connection.send(probe, (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    connection.reset();
    if (status >= 200 && status < 300) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
