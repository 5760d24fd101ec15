/**
 * The filesystem view of an `unshare` sandbox. unshare gives the run its own mount namespace but,
 * unlike bubblewrap, starts from the runner's whole tree: the run's uid sees whatever file
 * permissions let it see. Two fixes, applied by a short script that runs as root inside the new
 * mount namespace before privileges are dropped:
 *   1. paths the run needs (the runtime's prefix, `bind_ro`, its own copy) that lie under a
 *      directory the uid cannot traverse (a pyenv in /root, mode 0700) are staged, that directory is
 *      covered with an empty tmpfs, and only the needed paths are mounted back — the rest of /root
 *      stays invisible;
 *   2. hidden data is covered: an empty tmpfs over a directory, /dev/null over a file.
 * The same script brings up the loopback interface of the new network namespace, which `unshare
 * --net` leaves down (bubblewrap brings it up itself): a student's service listens on 127.0.0.1.
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

/** What the setup script does, decided from the host's file modes. */
export interface UnshareMountPlan {
  /** Directories covered by an empty tmpfs (ancestors the run's uid cannot traverse). */
  covers: string[];
  /** Visible paths under a cover: staged at `stage`, then mounted back at `path`. */
  remounts: Array<VisiblePath & { stage: string }>;
  /** Hidden paths to cover, with their kind. */
  masks: Array<{ path: string; directory: boolean }>;
}

/**
 * Decides covers, remounts and masks. `stageRoot` is a directory of the sandbox's own (it must not
 * lie under a cover); staging directories are named inside it and must be created by the caller.
 */
export async function planUnshareMounts(
  visible: VisiblePath[],
  hidden: string[],
  stageRoot: string,
): Promise<UnshareMountPlan> {
  const blocked = new Map<string, string>();
  for (const entry of visible) {
    const cover = await firstUntraversable(entry.path);
    if (cover) blocked.set(entry.path, cover);
  }
  const covers = outermost([...new Set(blocked.values())]);
  if (covers.some((cover) => isInside(stageRoot, cover))) {
    throw new SandboxUnavailableError(
      `the grader's temporary directory ${stageRoot} lies inside a directory other users cannot enter (${covers.join(', ')}); set TMPDIR to a directory such as /tmp`,
    );
  }
  const remounts = visible
    .filter((entry) => covers.some((cover) => isInside(entry.path, cover)))
    .map((entry, i) => ({ ...entry, stage: path.join(stageRoot, String(i)) }));
  const masks: UnshareMountPlan['masks'] = [];
  for (const given of hidden) {
    const real = await realpath(given).catch(() => undefined);
    if (!real || covers.some((cover) => isInside(real, cover))) continue;
    const directory = (await stat(real)).isDirectory();
    masks.push({ path: real, directory });
  }
  return { covers, remounts, masks };
}

// iproute2, else net-tools, else Python's ioctl (SIOCSIFFLAGS with IFF_UP|IFF_RUNNING|IFF_LOOPBACK).
const LOOPBACK_UP = [
  'ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null ||',
  `python3 -c 'import fcntl, socket, struct; s = socket.socket(); fcntl.ioctl(s, 0x8914, struct.pack("16sH", b"lo", 0x49))' 2>/dev/null || true`,
].join(' ');

/** The sh script (run with `sh -c SCRIPT name argv…`) that applies the plan, then execs argv. */
export function unshareSetupScript(plan: UnshareMountPlan): string {
  const lines = ['set -e', 'umask 022', LOOPBACK_UP];
  for (const entry of plan.remounts) lines.push(`mount --rbind ${q(entry.path)} ${q(entry.stage)}`);
  for (const cover of plan.covers)
    lines.push(`mount -t tmpfs -o mode=0755,size=1m mlgrade-cover ${q(cover)}`);
  for (const entry of plan.remounts) {
    lines.push(`mkdir -p ${q(entry.path)}`, `mount --rbind ${q(entry.stage)} ${q(entry.path)}`);
    // Read-only where the kernel allows it (inside a user namespace locked flags may refuse it; the
    // files then keep their own permissions, which the run's uid does not own).
    if (!entry.writable) lines.push(`mount -o remount,bind,ro ${q(entry.path)} 2>/dev/null || true`);
    lines.push(`umount -l ${q(entry.stage)}`);
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

function outermost(dirs: string[]): string[] {
  return dirs.filter((dir) => !dirs.some((other) => other !== dir && isInside(dir, other)));
}

/** Single-quotes a path for sh. */
function q(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
