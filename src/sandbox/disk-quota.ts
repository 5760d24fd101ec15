/**
 * A per-run disk quota: the run's directory (its copy of the submission, and under unshare its
 * HOME and TMPDIR) is a size-limited tmpfs mounted by the grader, so a run that writes without end
 * gets ENOSPC itself instead of filling the runner's temporary volume. Needs root (or CAP_SYS_ADMIN);
 * elsewhere the run has no quota and the result says why.
 *
 * Each quota records the grader's pid; a grader killed before it could unmount leaves its tmpfs
 * behind (held in memory), so the next grader on the machine unmounts those whose owner is gone.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
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
