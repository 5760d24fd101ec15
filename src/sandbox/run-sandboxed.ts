/**
 * Runs one student command in the sandbox: a private writable copy of the submission, no network,
 * an allow-listed environment, limits on wall time, CPU, memory, processes and output, and the whole
 * process tree killed when the run ends or is stopped. Every check that runs student code uses it.
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveInside } from '../files/input-files.js';
import { cudaVisibleDevices, describeDevice, gpuDevices } from './gpu-devices.js';
import { OutputTail } from './output-tail.js';
import { sweepUid } from './process-sweep.js';
import { runtimePaths } from './runtime-paths.js';
import { SANDBOX_IODIR, SANDBOX_WORKDIR, sandboxArgv } from './sandbox-argv.js';
import { chooseMode, type SandboxMode } from './sandbox-mode.js';
import type { SandboxPolicy } from './sandbox-spec.js';

const run = promisify(execFile);
/** Bytes of output kept for reports. */
const TAIL_BYTES = 16 * 1024;

/** What to run and how. */
export interface SandboxRequest {
  submissionDir: string;
  /** Shell command line, run with /bin/sh -c in the copy's root. */
  command: string;
  policy: SandboxPolicy;
  /** Host paths the command must not see (the hidden data directory). */
  hiddenPaths?: string[];
  /** Variables for this run (e.g. SEED, PORT), on top of the allow-listed base. */
  env?: Record<string, string>;
  /** Host directory shared read-write with the sandbox (at {@link SANDBOX_IODIR} under bwrap). */
  ioDir?: string;
  /** Paths relative to the copy removed before the run (outputs that must be produced afresh). */
  clearPaths?: string[];
}

/** How a sandboxed run ended. */
export interface SandboxResult {
  mode: SandboxMode;
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

/** A started run. `dispose()` removes the copy; call it after reading any files from `workDir`. */
export interface SandboxSession {
  mode: SandboxMode;
  /** Host path of the private copy (the command's working directory). */
  workDir: string;
  /** "cpu" or the GPUs passed through, for Results.environment. */
  device: string;
  done: Promise<SandboxResult>;
  stop(): Promise<SandboxResult>;
  dispose(): Promise<void>;
}

/** Starts the command; resolves once it is spawned. */
export async function startSandboxed(request: SandboxRequest): Promise<SandboxSession> {
  const mode = await chooseMode(request.policy);
  const root = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-sandbox-'));
  const workDir = path.join(root, 'work');
  const uid = process.getuid?.() === 0 && mode !== 'none' ? dedicatedUid() : undefined;
  const devices = await gpuDevices(request.policy.gpus);
  try {
    await copySubmission(request.submissionDir, workDir, root, uid);
    for (const relative of request.clearPaths ?? []) {
      await rm(await resolveInside(workDir, relative, false), { recursive: true, force: true });
    }
    const env = await sandboxEnv(request, mode, workDir, devices.length > 0);
    const { argv, cwd } = sandboxArgv({
      mode,
      policy: request.policy,
      workDir,
      ioDir: request.ioDir,
      hiddenPaths: request.hiddenPaths ?? [],
      runtime: await runtimePaths(),
      gpuDevices: devices,
      uid,
      command: request.command,
      env,
    });
    const device = await describeDevice(devices, request.policy.gpus);
    const control = spawnTree(argv, cwd, mode === 'bwrap' ? {} : env, request.policy, mode, uid);
    const dispose = () => rm(root, { recursive: true, force: true, maxRetries: 3 });
    return { mode, workDir, device, done: control.done, stop: control.stop, dispose };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** Runs the command to completion; the caller must `dispose()` the session. */
export async function runSandboxed(request: SandboxRequest) {
  const session = await startSandboxed(request);
  return { session, result: await session.done };
}

function spawnTree(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  policy: SandboxPolicy,
  mode: SandboxMode,
  uid: number | undefined,
) {
  const started = performance.now();
  const flags = { timedOut: false, outputExceeded: false, stopped: false };
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd,
    env,
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
      const leftover = uid === undefined ? 0 : await sweepUid(uid);
      resolve({
        mode,
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

async function copySubmission(source: string, workDir: string, root: string, uid: number | undefined) {
  // .git is left out: it can be large, and the command must not depend on history.
  await cp(source, workDir, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (from) => path.basename(from) !== '.git',
  });
  await mkdir(path.join(workDir, '.mlgrade-tmp'), { recursive: true });
  await chmod(root, 0o711);
  if (uid !== undefined) await run('chown', ['-R', `${uid}:${uid}`, workDir]);
}

async function sandboxEnv(request: SandboxRequest, mode: SandboxMode, workDir: string, gpus: boolean) {
  const runtime = await runtimePaths();
  // Outside bubblewrap /tmp is the runner's: point temporary files into the copy instead.
  const tmp = mode === 'bwrap' ? '/tmp' : path.join(workDir, '.mlgrade-tmp');
  return {
    PATH: [...runtime.path, '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: tmp,
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    MPLBACKEND: 'Agg',
    MLGRADE_SANDBOX: mode,
    MLGRADE_WORKDIR: mode === 'bwrap' ? SANDBOX_WORKDIR : workDir,
    ...(request.ioDir ? { MLGRADE_IODIR: mode === 'bwrap' ? SANDBOX_IODIR : request.ioDir } : {}),
    ...(gpus ? cudaVisibleDevices(request.policy.gpus) : { CUDA_VISIBLE_DEVICES: '' }),
    ...request.policy.env,
    ...request.env,
  };
}

/** A uid no account uses, different per run so concurrent runs never share a process budget. */
function dedicatedUid(): number {
  return 2_000_000 + Math.floor(Math.random() * 1_000_000);
}
