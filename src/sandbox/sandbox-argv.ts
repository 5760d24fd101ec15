/**
 * Builds the command line that runs a student command under one isolation mechanism. Kept pure (no
 * I/O) so the exact mounts and limits can be asserted in tests and read in one place.
 */
import { isInside } from '../files/path-inside.js';
import type { SandboxMode } from './sandbox-mode.js';
import type { SandboxPolicy } from './sandbox-spec.js';

/** Where the writable copy of the submission appears inside a bubblewrap sandbox. */
export const SANDBOX_WORKDIR = '/submission';
/** Where the optional exchange directory (sockets, results) appears inside a bubblewrap sandbox. */
export const SANDBOX_IODIR = '/mlgrade-io';
/** Largest file a sandboxed process may write (RLIMIT_FSIZE); the copy lives on the runner's disk. */
export const MAX_WRITTEN_FILE_BYTES = 2 * 1024 ** 3;

/** Everything needed to build the command line. */
export interface SandboxLayout {
  mode: SandboxMode;
  policy: SandboxPolicy;
  /** Host path of the private copy of the submission. */
  workDir: string;
  /** Host path of a directory shared read-write with the sandbox (optional). */
  ioDir?: string | undefined;
  /** Host paths that must never be visible, even if they lie under a mounted directory. */
  hiddenPaths: string[];
  runtime: { bind: string[]; path: string[] };
  /** GPU device files to pass through (e.g. /dev/nvidia0, /dev/nvidiactl). */
  gpuDevices: string[];
  /** Dedicated uid/gid for the run when the grader is root. */
  uid: number | undefined;
  command: string;
  env: Record<string, string>;
  /** Under unshare: sh script run as root in the new mount namespace before privileges drop. */
  mountScript?: string | undefined;
}

const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/etc'];

/** argv (program first) and the working directory for spawn. */
export function sandboxArgv(layout: SandboxLayout): { argv: string[]; cwd: string } {
  const inner = [...dropPrivileges(layout), ...limits(layout.policy), '--', '/bin/sh', '-c', layout.command];
  if (layout.mode === 'none') return { argv: inner, cwd: layout.workDir };
  if (layout.mode === 'unshare') {
    // unshare runs only for a root grader (pickMode refuses it otherwise), so no user namespace:
    // the run's own uid comes from setpriv.
    const ns = ['--pid', '--fork', '--kill-child', '--mount', '--mount-proc', '--net', '--ipc', '--uts'];
    const mounts = layout.mountScript ? ['/bin/sh', '-c', layout.mountScript, 'mlgrade-mounts'] : [];
    return { argv: ['unshare', ...ns, '--', ...mounts, ...inner], cwd: layout.workDir };
  }
  return { argv: ['bwrap', ...bwrapMounts(layout), ...bwrapEnv(layout), '--', ...inner], cwd: '/' };
}

function bwrapMounts(layout: SandboxLayout): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-pid', '--unshare-net', '--unshare-ipc'];
  args.push('--unshare-uts', '--unshare-cgroup-try', '--hostname', 'sandbox');
  if (layout.uid === undefined) args.push('--unshare-user', '--disable-userns');
  for (const dir of SYSTEM_DIRS) args.push('--ro-bind-try', dir, dir);
  args.push('--proc', '/proc', '--dev', '/dev');
  if (layout.gpuDevices.length > 0) args.push('--ro-bind-try', '/sys', '/sys');
  for (const device of layout.gpuDevices) args.push('--dev-bind', device, device);
  // Sticky and world-writable like a real /tmp: HOME and TMPDIR point here, and the run's uid is not root.
  args.push('--perms', '01777', '--size', String(layout.policy.tmpMb * 1024 * 1024), '--tmpfs', '/tmp');
  // After /tmp's tmpfs, or a runtime or bind_ro path under /tmp would be covered by it.
  const extra = [...layout.runtime.bind, ...layout.policy.bindReadOnly];
  // bwrap would create missing parents like /root with mode 0700, unreadable to the sandbox uid.
  for (const parent of new Set(extra.flatMap(ancestors))) args.push('--perms', '0755', '--dir', parent);
  for (const dir of extra) args.push('--ro-bind', dir, dir);
  args.push('--bind', layout.workDir, SANDBOX_WORKDIR);
  if (layout.ioDir) args.push('--bind', layout.ioDir, SANDBOX_IODIR);
  const mounted = [...SYSTEM_DIRS, ...layout.runtime.bind, ...layout.policy.bindReadOnly];
  // Masks go last so they cover hidden data even when an instructor's bind_ro includes it.
  for (const hidden of layout.hiddenPaths) {
    if (mounted.some((dir) => isInside(hidden, dir))) args.push('--tmpfs', hidden);
  }
  args.push('--chdir', SANDBOX_WORKDIR);
  if (layout.uid !== undefined) args.push('--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID');
  return args;
}

function bwrapEnv(layout: SandboxLayout): string[] {
  const args = ['--clearenv'];
  for (const [name, value] of Object.entries(layout.env)) args.push('--setenv', name, value);
  return args;
}

/** As root, switch to a dedicated uid with no capabilities: RLIMIT_NPROC does not bind root. */
function dropPrivileges(layout: SandboxLayout): string[] {
  if (layout.uid === undefined || layout.mode === 'none') return [];
  const id = String(layout.uid);
  return [
    'setpriv',
    `--reuid=${id}`,
    `--regid=${id}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
  ];
}

function limits(policy: SandboxPolicy): string[] {
  return [
    'prlimit',
    `--as=${policy.memoryMb * 1024 * 1024}`,
    `--cpu=${policy.cpuSeconds}`,
    `--nproc=${policy.processes}`,
    `--fsize=${MAX_WRITTEN_FILE_BYTES}`,
    '--core=0',
  ];
}

/** "/root/.pyenv/versions/3.11" → ["/root", "/root/.pyenv", "/root/.pyenv/versions"]. */
function ancestors(dir: string): string[] {
  const parts = dir.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}
