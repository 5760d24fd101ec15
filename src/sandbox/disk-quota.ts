/**
 * A per-run disk quota: the run's directory (its copy of the submission, and under unshare its
 * HOME and TMPDIR) is a size-limited tmpfs mounted by the grader, so a run that writes without end
 * gets ENOSPC itself instead of filling the runner's temporary volume. Needs root (or CAP_SYS_ADMIN);
 * elsewhere the run has no quota and the result says why.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The quota a run got: its size, or why there is none. */
export type DiskQuota = { mb: number } | { unavailable: string };

/** Mounts a `mb`-MiB tmpfs on the (empty) directory `dir`, owned by root with mode 0711. */
export async function mountDiskQuota(dir: string, mb: number): Promise<DiskQuota> {
  if (process.getuid?.() !== 0) return { unavailable: 'the grader is not root' };
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0711`, 'mlgrade-run', dir], {
      timeout: 10_000,
    });
    return { mb };
  } catch (error) {
    return { unavailable: `mount failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Unmounts the quota (lazily: a straggler holding a file cannot keep it mounted). */
export async function unmountDiskQuota(dir: string, quota: DiskQuota): Promise<void> {
  if ('mb' in quota) await run('umount', ['-l', dir], { timeout: 10_000 }).catch(() => undefined);
}
