/**
 * The filesystem view of an `unshare` sandbox. unshare gives the run its own mount namespace but,
 * unlike bubblewrap, starts from the runner's whole tree: the run's uid sees whatever file
 * permissions let it see. A short script runs as root inside the new mount namespace, before
 * privileges are dropped, and:
 *   1. covers with a fresh tmpfs every directory other users cannot enter that holds a path the run
 *      needs (a pyenv in /root, mode 0700), and the shared scratch directories (/tmp, /var/tmp,
 *      /dev/shm: nothing a run writes there reaches the runner's disk or the next student);
 *   2. mounts back only the paths the run needs (the runtime's prefixes, `bind_ro`, its own copy),
 *      through file descriptors opened before the covers (`/proc/self/fd/N`), so nothing else of a
 *      covered directory is visible;
 *   3. masks hidden data (an empty tmpfs over a directory, /dev/null over a file) and the runner's
 *      work directories (the checkout of the submission and of the course config);
 *   4. brings up the loopback interface of the new network namespace, which `unshare --net` leaves
 *      down (bubblewrap brings it up itself): a student's service listens on 127.0.0.1.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../files/path-inside.js';
import { SandboxUnavailableError } from './sandbox-mode.js';

/** A path the run must see. */
export interface VisiblePath {
  path: string;
  writable: boolean;
}

/** A directory covered by an empty tmpfs. */
export interface Cover {
  path: string;
  /** 0755 for an untraversable ancestor, 1777 for a scratch directory. */
  mode: '0755' | '1777';
  sizeMb: number;
}

/** What the setup script does, decided from the host's file modes. */
export interface UnshareMountPlan {
  covers: Cover[];
  /** Visible paths under a cover, mounted back from the file descriptor `fd` (3–9). */
  remounts: Array<VisiblePath & { fd: number; directory: boolean }>;
  /** Paths to mask, with their kind. */
  masks: Array<{ path: string; directory: boolean }>;
}

/** Shared world-writable directories every run gets a private, size-limited copy of. */
export const SCRATCH_DIRS = ['/tmp', '/var/tmp', '/dev/shm'];
const FIRST_FD = 3;
const LAST_FD = 9;

/** What to hide and bound, besides the paths the run needs. */
export interface UnshareHiding {
  /** Must never be visible (the hidden data): refused when that is impossible. */
  hidden: string[];
  /** Hidden where possible (runner work directories): left alone when they hold a needed path. */
  protect: string[];
  /** Size of each private scratch directory, in MiB. */
  scratchMb: number;
  /** The shared scratch directories to give private copies of (default {@link SCRATCH_DIRS}). */
  scratchDirs?: string[];
}

/** Decides covers, remounts and masks from the host's file modes. */
export async function planUnshareMounts(
  visible: VisiblePath[],
  hiding: UnshareHiding,
): Promise<UnshareMountPlan> {
  const covers: Cover[] = [];
  for (const dir of hiding.scratchDirs ?? SCRATCH_DIRS) {
    if (await isDirectory(dir)) covers.push({ path: dir, mode: '1777', sizeMb: hiding.scratchMb });
  }
  for (const entry of visible) {
    const blocked = await firstUntraversable(entry.path);
    if (blocked && !covers.some((cover) => isInside(blocked, cover.path)))
      covers.push({ path: blocked, mode: '0755', sizeMb: 1 });
  }
  const outer = covers.filter((c) => !covers.some((o) => o !== c && isInside(c.path, o.path)));
  const under = visible.filter((entry) => outer.some((cover) => isInside(entry.path, cover.path)));
  if (under.length > LAST_FD - FIRST_FD + 1) {
    throw new SandboxUnavailableError(
      `the unshare sandbox can mount back at most ${LAST_FD - FIRST_FD + 1} paths, and this run needs ${under.length} (runtime, bind_ro, its copy); install bubblewrap or bind fewer paths`,
    );
  }
  const remounts = await Promise.all(
    under.map(async (entry, i) => ({ ...entry, fd: FIRST_FD + i, directory: await isDirectory(entry.path) })),
  );
  const masks: UnshareMountPlan['masks'] = [];
  const addMask = async (given: string, required: boolean) => {
    const real = await realpath(given).catch(() => undefined);
    if (!real) return;
    if (visible.some((entry) => isInside(entry.path, real))) {
      if (!required) return;
      throw new SandboxUnavailableError(
        `the hidden data ${real} contains a path the run needs; keep hidden data outside the runtime, bind_ro paths and the grader's temporary directory`,
      );
    }
    // Under a cover it is gone already, unless a path mounted back (bind_ro, a runtime) holds it.
    const covered = outer.some((cover) => isInside(real, cover.path));
    if (covered && !remounts.some((entry) => isInside(real, entry.path))) return;
    masks.push({ path: real, directory: await isDirectory(real) });
  };
  for (const hidden of hiding.hidden) await addMask(hidden, true);
  for (const dir of hiding.protect) await addMask(dir, false);
  return { covers: outer, remounts, masks };
}

// iproute2, else net-tools, else Python's ioctl (SIOCSIFFLAGS with IFF_UP|IFF_RUNNING|IFF_LOOPBACK).
const LOOPBACK_UP = [
  'ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null ||',
  `python3 -c 'import fcntl, socket, struct; s = socket.socket(); fcntl.ioctl(s, 0x8914, struct.pack("16sH", b"lo", 0x49))' 2>/dev/null || true`,
].join(' ');

/** The sh script (run with `sh -c SCRIPT name argv…`) that applies the plan, then execs argv. */
export function unshareSetupScript(plan: UnshareMountPlan): string {
  const lines = ['set -e', 'umask 022', LOOPBACK_UP];
  for (const entry of plan.remounts) lines.push(`exec ${entry.fd}< ${q(entry.path)}`);
  for (const cover of plan.covers)
    lines.push(`mount -t tmpfs -o mode=${cover.mode},size=${cover.sizeMb}m mlgrade-cover ${q(cover.path)}`);
  for (const entry of plan.remounts) {
    // -c: mount must not canonicalise the descriptor's path, which now lies under a cover.
    const target = q(entry.path);
    const make = entry.directory
      ? `mkdir -p ${target}`
      : `mkdir -p ${q(path.dirname(entry.path))} && touch ${target}`;
    lines.push(make, `mount -c --rbind /proc/self/fd/${entry.fd} ${target}`);
    // Read-only where the kernel allows it; the run's uid does not own these files either way.
    if (!entry.writable) lines.push(`mount -o remount,bind,ro ${q(entry.path)} 2>/dev/null || true`);
    lines.push(`exec ${entry.fd}<&-`);
  }
  for (const mask of plan.masks) {
    lines.push(
      mask.directory
        ? `mount -t tmpfs -o mode=0755,size=4k mlgrade-hidden ${q(mask.path)}`
        : `mount --bind /dev/null ${q(mask.path)}`,
    );
  }
  lines.push('exec "$@"');
  return lines.join('\n');
}

async function isDirectory(target: string): Promise<boolean> {
  return stat(target).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** The outermost ancestor of `target` that other users cannot traverse (no o+x), if any. */
async function firstUntraversable(target: string): Promise<string | undefined> {
  const parts = path.resolve(target).split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    const info = await stat(dir).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) return dir;
  }
  return undefined;
}

/** Single-quotes a path for sh. */
function q(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
