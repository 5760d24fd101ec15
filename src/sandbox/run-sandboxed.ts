/**
 * Runs one student command in the sandbox: a private writable copy of the submission, no network,
 * an allow-listed environment, the course's declared Python runtime (checked first), limits on wall
 * time, CPU, memory, processes and output (one bound for the whole tree where cgroups allow), and
 * the whole process tree killed when the run ends or is stopped. Every check that runs student code
 * uses it. Steps:
 *   1. choose the mechanism (bwrap, unshare, none) and resolve the runtime;
 *   2. once per process and runtime, run the preflight in the same kind of sandbox;
 *   3. copy the submission, build the command line (and, under unshare, the mount script);
 *   4. create the run's cgroup and spawn the tree inside it.
 */
import { randomUUID } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { chmod, cp, lchown, mkdir, mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveInside } from '../files/input-files.js';
import { createRunCgroup, joinCgroupArgv } from './cgroup-limits.js';
import { acquireRunRoot, type DiskQuota, releaseRunRoot } from './disk-quota.js';
import { cudaVisibleDevices, describeDevice, gpuDevices } from './gpu-devices.js';
import { describeRuntime, type ResolvedRuntime, resolveRuntime } from './resolve-runtime.js';
import { ensureRuntimeReady, needsPreflight } from './runtime-preflight.js';
import { SANDBOX_IODIR, SANDBOX_WORKDIR, sandboxArgv } from './sandbox-argv.js';
import { chooseMode, type SandboxMode, SandboxUnavailableError } from './sandbox-mode.js';
import type { SandboxPolicy } from './sandbox-spec.js';
import { type SandboxResult, spawnTree } from './spawn-tree.js';
import { planUnshareMounts, unshareSetupScript } from './unshare-mounts.js';

export type { SandboxResult } from './spawn-tree.js';

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

/** A started run. `dispose()` removes the copy; call it after reading any files from `workDir`. */
export interface SandboxSession {
  mode: SandboxMode;
  /** Host path of the private copy (the command's working directory). */
  workDir: string;
  /** "cpu" or the GPUs passed through, for Results.environment. */
  device: string;
  /** The Python runtime the run has, e.g. "/opt/venv (Python 3.11.7)". */
  runtime: string;
  done: Promise<SandboxResult>;
  stop(): Promise<SandboxResult>;
  dispose(): Promise<void>;
}

/**
 * Starts the command; resolves once it is spawned. Throws SandboxUnavailableError when no safe
 * mechanism exists and RuntimeUnavailableError when the declared runtime fails its preflight.
 */
export async function startSandboxed(request: SandboxRequest): Promise<SandboxSession> {
  const mode = await chooseMode(request.policy);
  const runtime = await resolveRuntime(request.policy.runtime);
  if (needsPreflight(request.policy)) {
    await ensureRuntimeReady(runtime, request.policy, mode, (preflight) => launch(preflight, mode, runtime));
  }
  return launch(request, mode, runtime);
}

/** Runs the command to completion; the caller must `dispose()` the session. */
export async function runSandboxed(request: SandboxRequest) {
  const session = await startSandboxed(request);
  return { session, result: await session.done };
}

async function launch(request: SandboxRequest, mode: SandboxMode, runtime: ResolvedRuntime) {
  const { policy } = request;
  const { root, disk } =
    mode === 'none'
      ? {
          root: await mkdtemp(path.join(os.tmpdir(), 'mlgrade-sandbox-')),
          disk: { unavailable: 'sandbox mode none' },
        }
      : await acquireRunRoot(policy.diskMb);
  const workDir = path.join(root, 'work');
  const uid = process.getuid?.() === 0 && mode !== 'none' ? dedicatedUid() : undefined;
  const devices = await gpuDevices(request.policy.gpus);
  // A quota is kept for the next run only once every process of this one is gone (`done`), and
  // given back once however often dispose is called: twice would hand it to two runs.
  let ended = false;
  let released: Promise<void> | undefined;
  const cleanup = () => {
    released ??= releaseRunRoot(root, disk, ended);
    return released;
  };
  // Hidden paths are compared and masked by their real location: a symlinked data dir must not slip past.
  const hiddenPaths = await Promise.all((request.hiddenPaths ?? []).map((p) => realpath(p).catch(() => p)));
  try {
    await copySubmission(request.submissionDir, workDir, root, uid, disk);
    for (const relative of request.clearPaths ?? []) {
      await rm(await resolveInside(workDir, relative, false), { recursive: true, force: true });
    }
    const env = sandboxEnv(request, mode, workDir, runtime, devices.length > 0);
    const mountScript =
      mode === 'unshare' ? await unshareSetup(request, runtime, workDir, hiddenPaths) : undefined;
    const { argv, cwd } = sandboxArgv({
      mode,
      policy,
      workDir,
      ioDir: request.ioDir,
      hiddenPaths,
      runtime,
      gpuDevices: devices,
      uid,
      command: request.command,
      env,
      mountScript,
    });
    const device = await describeDevice(devices, policy.gpus);
    const cgroup = await createRunCgroup(`mlgrade-${randomUUID()}`, policy.memoryMb, policy.processes);
    const described = describeRuntime(runtime);
    const control = spawnTree({
      argv: 'unavailable' in cgroup ? argv : joinCgroupArgv(cgroup.procsFiles, argv),
      cwd,
      env: mode === 'bwrap' ? {} : env,
      policy,
      mode,
      runtime: described,
      uid,
      cgroup,
      disk,
    });
    void control.done.then(() => {
      ended = true;
    });
    return {
      mode,
      workDir,
      device,
      runtime: described,
      done: control.done,
      stop: control.stop,
      dispose: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The script that gives an unshare sandbox its loopback, runtime and scratch, and hides the rest. */
async function unshareSetup(
  request: SandboxRequest,
  runtime: ResolvedRuntime,
  workDir: string,
  hidden: string[],
) {
  const visible = [
    ...[...runtime.bind, ...request.policy.bindReadOnly].map((dir) => ({ path: dir, writable: false })),
    { path: workDir, writable: true },
    ...(request.ioDir ? [{ path: request.ioDir, writable: true }] : []),
  ];
  // The runner's work directories hold the checkouts of the submission and of the course config,
  // and the event file holds the dispatch inputs (the results signing key among them).
  const { GITHUB_WORKSPACE, RUNNER_WORKSPACE, RUNNER_TEMP, GITHUB_EVENT_PATH } = process.env;
  const protect = [GITHUB_WORKSPACE, RUNNER_WORKSPACE, RUNNER_TEMP, GITHUB_EVENT_PATH].filter(
    (dir) => dir !== undefined,
  );
  const hiding = { hidden, protect, scratchMb: request.policy.tmpMb };
  return unshareSetupScript(await planUnshareMounts(visible, hiding));
}

async function copySubmission(
  source: string,
  workDir: string,
  root: string,
  uid: number | undefined,
  disk: DiskQuota,
) {
  // .git is left out: it can be large, and the command must not depend on history. FIFOs, sockets
  // and devices (git cannot hold them, but a local grade can meet them) are left out too: copying a
  // FIFO would block or fail.
  await cp(source, workDir, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (from) => path.basename(from) !== '.git' && copyable(from),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOSPC' || !('mb' in disk)) throw error;
    throw new SandboxUnavailableError(
      `the submission does not fit the run's disk quota of ${disk.mb} MiB; raise sandbox.disk_mb in the course config or ask the student to commit less data`,
    );
  });
  await mkdir(path.join(workDir, '.mlgrade-tmp'), { recursive: true });
  await chmod(root, 0o711);
  if (uid !== undefined) await chownTree(workDir, uid);
}

/**
 * `chown -R uid:uid dir` without spawning a process: lchown on every entry, never following a symlink
 * (the copy keeps the submission's symlinks verbatim; following one would chown outside the copy).
 */
async function chownTree(dir: string, uid: number): Promise<void> {
  await lchown(dir, uid, uid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(entryPath, uid);
    else await lchown(entryPath, uid, uid);
  }
}

function sandboxEnv(
  request: SandboxRequest,
  mode: SandboxMode,
  workDir: string,
  runtime: ResolvedRuntime,
  gpus: boolean,
) {
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

function copyable(file: string): boolean {
  const info = lstatSync(file, { throwIfNoEntry: false });
  return info !== undefined && (info.isFile() || info.isDirectory() || info.isSymbolicLink());
}

/** A uid no account uses, different per run so concurrent runs never share a process budget. */
function dedicatedUid(): number {
  return 2_000_000 + Math.floor(Math.random() * 1_000_000);
}
