/**
 * Free space where grading writes: the working directory (checkouts, results), the temporary
 * directory (every sandboxed run's copy of the submission) and the hidden data directory. The
 * numbers come from a `statfs` that tests replace, so a full disk is tested without filling one.
 */
import { statfs } from 'node:fs/promises';
import type { DoctorItem } from './doctor-item.js';

const GIB = 1024 ** 3;
/** Below this much free space a grade still runs, but a large submission or model may not fit. */
export const WARN_BELOW_BYTES = 5 * GIB;
/** Below this much free space copies of submissions and results fail to be written. */
export const MISSING_BELOW_BYTES = 1 * GIB;

/** Free bytes available to the grader (not root's reserve) on the filesystem holding `path`. */
export type FreeSpace = (path: string) => Promise<number>;

/** The real probe: `statfs(2)`'s blocks available to unprivileged users times the block size. */
export const statfsFreeSpace: FreeSpace = async (path) => {
  const stats = await statfs(path);
  return stats.bavail * stats.bsize;
};

/** "12.3 GiB" (MiB below one GiB, so a nearly full disk does not read as 0.0 GiB). */
export function formatBytes(bytes: number): string {
  return bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/** The verdict on `freeBytes` free where `label` (a directory, `path`) lives. */
export function diskVerdict(id: string, label: string, path: string, freeBytes: number): DoctorItem {
  const detail = `${formatBytes(freeBytes)} free on ${path}`;
  const name = `disk: ${label}`;
  const fix = `free space on the filesystem holding ${path} (old checkouts, _work/_temp, docker images: docker system prune), or point ${label === 'temp' ? 'TMPDIR' : 'the runner'} at a larger disk`;
  if (freeBytes < MISSING_BELOW_BYTES)
    return {
      id,
      name,
      status: 'missing',
      detail: `${detail} (under ${formatBytes(MISSING_BELOW_BYTES)})`,
      fix,
    };
  if (freeBytes < WARN_BELOW_BYTES)
    return { id, name, status: 'warning', detail: `${detail} (under ${formatBytes(WARN_BELOW_BYTES)})`, fix };
  return { id, name, status: 'ok', detail };
}

/** One item per distinct directory; a directory that cannot be examined says why. */
export async function diskItems(
  places: readonly { id: string; label: string; path: string }[],
  freeSpace: FreeSpace,
): Promise<DoctorItem[]> {
  return Promise.all(
    places.map(async ({ id, label, path }): Promise<DoctorItem> => {
      try {
        return diskVerdict(id, label, path, await freeSpace(path));
      } catch (error) {
        return {
          id,
          name: `disk: ${label}`,
          status: 'missing',
          detail: `cannot read the free space of ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
          fix: `create ${path} or make it readable by the grader's user`,
        };
      }
    }),
  );
}
