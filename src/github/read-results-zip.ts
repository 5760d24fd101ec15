/**
 * Reads `mlgrade-results.json` out of an artifact zip. The zip comes from a runner that executed
 * student code, so it is untrusted: entry names must be plain relative paths (no `..`, no absolute
 * paths, no backslashes), the number of entries is bounded, and inflation stops at a byte limit
 * whatever the headers claim (a zip bomb is rejected, not expanded).
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';

/** Limits for {@link readResultsZip}. */
export interface ZipLimits {
  /** Most entries a results artifact may hold (default 16). */
  maxEntries: number;
  /** Most bytes the results file may inflate to (default 8 MiB). */
  maxResultBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 16, maxResultBytes: 8 * 1024 * 1024 };

/** The file the grader action writes and uploads. */
export const RESULTS_FILE = 'mlgrade-results.json';

/** Why an artifact was rejected. */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/** The results file's text; throws {@link ArtifactError} for anything suspicious or missing. */
export function readResultsZip(zip: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): string {
  const chunks: Uint8Array[] = [];
  let entries = 0;
  let bytes = 0;
  let found = false;
  let problem: string | undefined;
  const unzip = new Unzip((file) => {
    entries++;
    if (entries > limits.maxEntries) problem ??= `more than ${limits.maxEntries} entries`;
    if (!isSafeName(file.name)) problem ??= `unsafe entry name "${file.name.slice(0, 200)}"`;
    if (problem || file.name !== RESULTS_FILE) return;
    found = true;
    file.ondata = (error, chunk) => {
      if (error) problem ??= `corrupt entry ${file.name}: ${error.message}`;
      bytes += chunk?.length ?? 0;
      if (bytes > limits.maxResultBytes) {
        problem ??= `${RESULTS_FILE} inflates past ${limits.maxResultBytes} bytes`;
        file.terminate();
        return;
      }
      if (chunk) chunks.push(chunk);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    unzip.push(zip, true);
  } catch (error) {
    problem ??= `not a readable zip: ${(error as Error).message}`;
  }
  if (problem) throw new ArtifactError(`results artifact rejected: ${problem}`);
  if (!found) throw new ArtifactError(`results artifact holds no ${RESULTS_FILE}`);
  return Buffer.concat(chunks).toString('utf8');
}

function isSafeName(name: string): boolean {
  if (name === '' || name.includes('\\') || name.includes('\0') || name.startsWith('/')) return false;
  if (/^[A-Za-z]:/.test(name)) return false;
  return !name.split('/').some((part) => part === '..');
}
