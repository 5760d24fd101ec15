/**
 * Reads `mlgrade-results.json` out of an artifact zip. The zip comes from a runner that executed
 * student code, so it is untrusted: entry names must be plain relative paths (no `..`, no absolute
 * paths, no backslashes), the number of entries is bounded, and inflation stops at a byte limit
 * whatever the headers claim (a zip bomb is rejected, not expanded). The results' signature
 * (`mlgrade-results.json.sig`) is read beside it, bounded too; judging it is the caller's.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import { SIGNATURE_SUFFIX } from '../results/results-signature.js';

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

/** The signature the grader action writes beside the results file. */
export const SIGNATURE_FILE = `${RESULTS_FILE}${SIGNATURE_SUFFIX}`;

/** A signature is one line of ~71 characters; anything longer is not one. */
const MAX_SIGNATURE_BYTES = 1024;

/** What a results artifact holds. */
export interface ResultsArtifact {
  /** The results file's text. */
  text: string;
  /** The signature file's text, when the artifact has one. */
  signature: string | undefined;
}

/** Why an artifact was rejected. */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/** The results file's text and its signature; throws {@link ArtifactError} for anything suspicious or missing. */
export function readResultsZip(zip: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ResultsArtifact {
  const read = readEntries(zip, '', limits);
  if (!read) throw new ArtifactError(`results artifact holds no ${RESULTS_FILE}`);
  return read;
}

/**
 * One attempt's results out of a batch artifact (the grader action's batch mode writes
 * `<attempt id>/mlgrade-results.json` and its signature for each attempt it graded); undefined when
 * the batch holds none for this attempt. The whole zip is checked as {@link readResultsZip} checks one:
 * a single unsafe or oversized entry rejects it, whichever attempt it belongs to.
 */
export function readBatchResultsZip(
  zip: Uint8Array,
  attemptId: string,
  limits: ZipLimits,
): ResultsArtifact | undefined {
  if (!/^[\w.-]+$/.test(attemptId) || attemptId.startsWith('.'))
    throw new ArtifactError(`attempt id "${attemptId.slice(0, 100)}" cannot name a batch entry`);
  return readEntries(zip, `${attemptId}/`, limits);
}

function readEntries(zip: Uint8Array, prefix: string, limits: ZipLimits): ResultsArtifact | undefined {
  const resultsName = `${prefix}${RESULTS_FILE}`;
  const signatureName = `${prefix}${SIGNATURE_FILE}`;
  const wanted = new Map<string, { limit: number; chunks: Uint8Array[]; bytes: number }>([
    [resultsName, { limit: limits.maxResultBytes, chunks: [], bytes: 0 }],
    [signatureName, { limit: MAX_SIGNATURE_BYTES, chunks: [], bytes: 0 }],
  ]);
  const found = new Set<string>();
  let entries = 0;
  let problem: string | undefined;
  const unzip = new Unzip((file) => {
    entries++;
    if (entries > limits.maxEntries) problem ??= `more than ${limits.maxEntries} entries`;
    if (!isSafeName(file.name)) problem ??= `unsafe entry name "${file.name.slice(0, 200)}"`;
    const entry = wanted.get(file.name);
    if (problem || !entry) return;
    if (found.has(file.name)) problem ??= `${file.name} appears twice`;
    found.add(file.name);
    file.ondata = (error, chunk) => {
      if (error) problem ??= `corrupt entry ${file.name}: ${error.message}`;
      entry.bytes += chunk?.length ?? 0;
      if (entry.bytes > entry.limit) {
        problem ??= `${file.name} inflates past ${entry.limit} bytes`;
        file.terminate();
        return;
      }
      if (chunk) entry.chunks.push(chunk);
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
  if (!found.has(resultsName)) return undefined;
  const text = (name: string) => Buffer.concat(wanted.get(name)!.chunks).toString('utf8');
  return {
    text: text(resultsName),
    signature: found.has(signatureName) ? text(signatureName) : undefined,
  };
}

function isSafeName(name: string): boolean {
  if (name === '' || name.includes('\\') || name.includes('\0') || name.startsWith('/')) return false;
  if (/^[A-Za-z]:/.test(name)) return false;
  return !name.split('/').some((part) => part === '..');
}
