/**
 * A per-run disk quota: the run's directory (its copy of the submission, and under unshare its
 * HOME and TMPDIR) is a size-limited tmpfs mounted by the grader, so a run that writes without end
 * gets ENOSPC itself instead of filling the runner's temporary volume. Needs root (or CAP_SYS_ADMIN);
 * elsewhere the run has no quota and the result says why.
 *
 * Mounting and unmounting each cost a process (`mount`, `umount`), as much as the sandbox's own
 * start. So a finished run's quota is emptied (everything but its owner file removed, and checked)
 * and kept mounted for the grader's next run of the same size; the grader unmounts what it keeps
 * when it exits, and one that cannot be emptied is unmounted at once.
 *
 * Each quota records the grader's pid; a grader killed before it could unmount leaves its tmpfs
 * behind (held in memory), so the next grader on the machine unmounts those whose owner is gone.
 */
import { execFile, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The quota a run got: its size, or why there is none. */
export type DiskQuota = { mb: number } | { unavailable: string };

/** The tmpfs source name that marks a quota in /proc/self/mountinfo. */
export const QUOTA_SOURCE = 'mlgrade-run';
const OWNER_FILE = '.mlgrade-owner';

let swept: Promise<number> | undefined;

/** Mounts a `mb`-MiB tmpfs on the (empty) directory `dir`, owned by root with mode 0711. */
export async function mountDiskQuota(dir: string, mb: number): Promise<DiskQuota> {
  if (process.getuid?.() !== 0) return { unavailable: 'the grader is not root' };
  swept ??= sweepOrphanedQuotas();
  await swept;
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0711`, QUOTA_SOURCE, dir], {
      timeout: 10_000,
    });
  } catch (error) {
    return { unavailable: `mount failed: ${(error as Error).message.split('\n')[0]}` };
  }
  await writeFile(path.join(dir, OWNER_FILE), String(process.pid), { mode: 0o600 });
  return { mb };
}

/** Unmounts the quota (lazily: a straggler holding a file cannot keep it mounted). */
export async function unmountDiskQuota(dir: string, quota: DiskQuota): Promise<void> {
  if ('mb' in quota) await run('umount', ['-l', dir], { timeout: 10_000 }).catch(() => undefined);
}

/** Emptied quotas kept mounted for the next run, by size in MiB. */
const idle = new Map<number, string[]>();
/** Most emptied quotas kept per size: enough for a pool of concurrent runs, bounded if it shrinks. */
const MAX_IDLE = 8;
let unmountAtExit = false;

/**
 * A fresh directory for one run under the system temporary directory: with a `mb`-MiB quota where
 * the grader can mount one (an emptied one of a previous run when there is), else a plain one and
 * the reason it has no quota. Give it back with {@link releaseRunRoot}.
 */
export async function acquireRunRoot(mb: number): Promise<{ root: string; disk: DiskQuota }> {
  const kept = idle.get(mb)?.pop();
  if (kept) return { root: kept, disk: { mb } };
  const root = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-sandbox-'));
  return { root, disk: await mountDiskQuota(root, mb) };
}

/**
 * Removes what the run left in its directory. A quota is kept mounted for the next run only when
 * the run has `ended` (every process of it is gone, so nothing writes there any more) and nothing
 * but its owner file is left in it; otherwise, or when enough are kept, it is unmounted and removed.
 */
export async function releaseRunRoot(root: string, disk: DiskQuota, ended: boolean): Promise<void> {
  if (!('mb' in disk)) {
    await rm(root, { recursive: true, force: true, maxRetries: 3 });
    return;
  }
  const kept = idle.get(disk.mb) ?? [];
  if (ended && kept.length < MAX_IDLE && (await emptied(root))) {
    kept.push(root);
    idle.set(disk.mb, kept);
    if (!unmountAtExit) {
      unmountAtExit = true;
      process.once('exit', unmountIdleQuotas);
    }
    return;
  }
  await unmountDiskQuota(root, disk);
  await rm(root, { recursive: true, force: true, maxRetries: 3 });
}

/** Removes everything but the owner file; true when exactly that is left, still naming this grader. */
async function emptied(root: string): Promise<boolean> {
  try {
    for (const name of await readdir(root)) {
      if (name !== OWNER_FILE)
        await rm(path.join(root, name), { recursive: true, force: true, maxRetries: 3 });
    }
    const left = await readdir(root);
    const owner = await readFile(path.join(root, OWNER_FILE), 'utf8');
    return left.length === 1 && left[0] === OWNER_FILE && owner === String(process.pid);
  } catch {
    return false;
  }
}

/** Unmounts the kept quotas when the grader exits (synchronously: nothing async runs at exit). */
function unmountIdleQuotas() {
  for (const roots of idle.values()) {
    for (const root of roots.splice(0)) {
      spawnSync('umount', ['-l', root], { timeout: 10_000 });
      rmSync(root, { recursive: true, force: true });
    }
  }
}

/**
 * Unmounts and removes every quota whose grader process is gone; returns how many. Exported for
 * tests; runs once per process before the first quota is mounted.
 */
export async function sweepOrphanedQuotas(): Promise<number> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  let removed = 0;
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!after?.startsWith(`tmpfs ${QUOTA_SOURCE} `)) continue;
    // Mount points escape spaces and the like as octal (\040); quota directories have none.
    const point = before?.split(' ')[4];
    if (!point) continue;
    const owner = Number(await readFile(path.join(point, OWNER_FILE), 'utf8').catch(() => ''));
    if (owner > 0 && isAlive(owner)) continue;
    // No owner yet: another grader may be between its mount and writing the file.
    if (!(owner > 0) && Date.now() - ((await stat(point).catch(() => undefined))?.ctimeMs ?? 0) < 60_000)
      continue;
    await run('umount', ['-l', point], { timeout: 10_000 }).catch(() => undefined);
    await rm(point, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
