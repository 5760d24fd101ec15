/**
 * Finds and downloads the results artifact of one attempt from a grader run. The matrix workflow
 * (templates/workflows/mlgrade-grade.yml) uploads `mlgrade-results-<attempt id>` per attempt; the
 * batch workflow (mlgrade-grade-batch.yml) uploads one `mlgrade-results-batch` holding
 * `<attempt id>/mlgrade-results.json` for each attempt it graded. The listed size is checked before
 * anything is downloaded, and the download (a redirect to blob storage, which fetch follows without
 * the token) is checked again.
 */
import type { GitHub } from './github-client.js';
import {
  ArtifactError,
  DEFAULT_ZIP_LIMITS,
  type ResultsArtifact,
  readResultsZip,
  type ZipLimits,
} from './read-results-zip.js';

/** The largest zip accepted (default 10 MiB; results are a few hundred KiB at most). */
export const MAX_ARTIFACT_BYTES = 10 * 1024 * 1024;

/** The batch workflow's one artifact for every attempt of the run. */
export const BATCH_ARTIFACT = 'mlgrade-results-batch';

/**
 * Limits for a batch artifact of `attempts` attempts: each results file as bounded as alone, the
 * zip and its entries scaled with the attempts, and never past 256 MiB in all.
 */
export function batchLimits(attempts: number): ZipLimits & { maxZipBytes: number } {
  const count = Math.max(1, attempts);
  return {
    ...DEFAULT_ZIP_LIMITS,
    maxEntries: DEFAULT_ZIP_LIMITS.maxEntries + 4 * count,
    maxZipBytes: Math.min(256 * 1024 * 1024, MAX_ARTIFACT_BYTES * count),
  };
}

/** The artifact name for an attempt. */
export function artifactName(attemptId: string): string {
  return `mlgrade-results-${attemptId}`;
}

/** Artifacts of a run by name (one listing per run, however many attempts it carries). */
export async function listRunArtifacts(
  github: GitHub,
  owner: string,
  repo: string,
  runId: number,
): Promise<Map<string, { id: number; size: number; expired: boolean }>> {
  const { data } = await github.rest.actions.listWorkflowRunArtifacts({
    owner,
    repo,
    run_id: runId,
    per_page: 100,
  });
  return new Map(
    data.artifacts.map((artifact) => [
      artifact.name,
      { id: artifact.id, size: artifact.size_in_bytes, expired: artifact.expired },
    ]),
  );
}

/** Downloads one artifact zip and returns the results file's text and its signature. */
export async function downloadResults(
  github: GitHub,
  owner: string,
  repo: string,
  artifact: { id: number; size: number; expired: boolean },
  limits: ZipLimits & { maxZipBytes: number } = { ...DEFAULT_ZIP_LIMITS, maxZipBytes: MAX_ARTIFACT_BYTES },
): Promise<ResultsArtifact> {
  return readResultsZip(await downloadArtifactZip(github, owner, repo, artifact, limits.maxZipBytes), limits);
}

/** Downloads an artifact's zip, refusing one listed or delivered over `maxZipBytes`. */
export async function downloadArtifactZip(
  github: GitHub,
  owner: string,
  repo: string,
  artifact: { id: number; size: number; expired: boolean },
  maxZipBytes: number,
): Promise<Uint8Array> {
  const limits = { maxZipBytes };
  if (artifact.expired) throw new ArtifactError('results artifact has expired');
  if (artifact.size > limits.maxZipBytes)
    throw new ArtifactError(`results artifact is ${artifact.size} bytes; the limit is ${limits.maxZipBytes}`);
  const { data } = await github.rest.actions.downloadArtifact({
    owner,
    repo,
    artifact_id: artifact.id,
    archive_format: 'zip',
  });
  // Blob storage answers application/zip, which Octokit hands over as bytes; anything it decoded as
  // text or JSON is not a zip, and reading it as one would only hide why.
  if (!(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data))
    throw new ArtifactError(`results artifact download was not a zip (got ${typeof data})`);
  const bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  if (bytes.length > limits.maxZipBytes)
    throw new ArtifactError(`results artifact is ${bytes.length} bytes; the limit is ${limits.maxZipBytes}`);
  return bytes;
}
