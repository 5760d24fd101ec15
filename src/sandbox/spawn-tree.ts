/**
 * Spawns the sandbox's process tree and controls it to the end: output counted and tailed, the wall
 * clock enforced, the whole tree killed (process group, then the run's uid, then its cgroup), and
 * how it ended reported once.
 */
import { spawn } from 'node:child_process';
import { type RunCgroup, rlimitOnly, type TreeLimits } from './cgroup-limits.js';
import type { DiskQuota } from './disk-quota.js';
import { OutputTail } from './output-tail.js';
import { sweepUid } from './process-sweep.js';
import type { SandboxMode } from './sandbox-mode.js';
import type { SandboxPolicy } from './sandbox-spec.js';

/** Bytes of output kept for reports. */
const TAIL_BYTES = 16 * 1024;

/** How a sandboxed run ended. */
export interface SandboxResult {
  mode: SandboxMode;
  /** The Python runtime the run had, e.g. "/opt/venv (Python 3.11.7)". */
  runtime: string;
  /** How memory and processes were bounded for the whole tree, and what the bounds caught. */
  limits: TreeLimits;
  /** The run's disk quota, or why it had none. */
  disk: DiskQuota;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Killed because it passed the wall-clock limit. */
  timedOut: boolean;
  /** Killed because its output passed the budget. */
  outputExceeded: boolean;
  /** Stopped by the caller (the service check, when it is done). */
  stopped: boolean;
  wallMs: number;
  outputBytes: number;
  /** Tail of stdout and stderr, interleaved as they arrived. */
  output: string;
  /** Processes still alive after the run's main process ended; all were killed. */
  leftover: number;
}

/** What the tree runs under. */
export interface TreeSetup {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  policy: SandboxPolicy;
  mode: SandboxMode;
  runtime: string;
  uid: number | undefined;
  /** The run's cgroup, or why there is none. */
  cgroup: RunCgroup | { unavailable: string };
  disk: DiskQuota;
}

/** Spawns the tree; `done` resolves once it has ended and every process of it is gone. */
export function spawnTree(setup: TreeSetup) {
  const { policy } = setup;
  const started = performance.now();
  const flags = { timedOut: false, outputExceeded: false, stopped: false };
  const child = spawn(setup.argv[0]!, setup.argv.slice(1), {
    cwd: setup.cwd,
    env: setup.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  const tail = new OutputTail(TAIL_BYTES, policy.outputBytes, () => {
    flags.outputExceeded = true;
    kill();
  });
  child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  const timer = setTimeout(() => {
    flags.timedOut = true;
    kill();
  }, policy.wallSeconds * 1000);
  const done = new Promise<SandboxResult>((resolve) => {
    const finish = async (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      kill();
      const swept = sweepsUid(setup) ? await sweepUid(setup.uid!) : 0;
      const tree =
        'unavailable' in setup.cgroup
          ? { limits: rlimitOnly(policy.memoryMb, policy.processes, setup.cgroup.unavailable), killed: 0 }
          : await setup.cgroup.finish();
      const { limits } = tree;
      const leftover = swept + tree.killed;
      resolve({
        mode: setup.mode,
        runtime: setup.runtime,
        limits,
        disk: setup.disk,
        exitCode: code,
        signal,
        ...flags,
        wallMs: performance.now() - started,
        outputBytes: tail.total,
        output: tail.text(),
        leftover,
      });
    };
    child.on('error', (error) => {
      tail.push(Buffer.from(`\n[mlgrade] could not start the sandbox: ${error.message}\n`));
      void finish(null, null);
    });
    child.on('close', (code, signal) => void finish(code, signal));
  });
  const stop = () => {
    flags.stopped = true;
    kill();
    return done;
  };
  return { done, stop };
}

/**
 * Whether the tree needs the /proc sweep by uid once it has ended. Under bubblewrap the run has its
 * own pid namespace (`--unshare-pid`, `--die-with-parent`): when the namespace's init ends, the
 * kernel SIGKILLs every process in it, so nothing of the run outlives it. The kill is asynchronous
 * to bubblewrap's own exit, though, and the cgroup kill is what waits for the tree to be gone: so
 * the sweep is skipped only when both hold. unshare (whose init is the student's shell), mode none
 * (no namespace at all) and any run without a cgroup keep it; without a dedicated uid there is
 * nothing to sweep by.
 */
export function sweepsUid(setup: Pick<TreeSetup, 'mode' | 'uid' | 'cgroup'>): boolean {
  if (setup.uid === undefined) return false;
  return !(setup.mode === 'bwrap' && !('unavailable' in setup.cgroup));
}
