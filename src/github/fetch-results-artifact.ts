/**
 * Finds and downloads the results artifact of one attempt from a grader run. Artifacts are named
 * `mlgrade-results-<attempt id>` (templates/workflows/mlgrade-grade.yml); the listed size is checked
 * before anything is downloaded, and the download (a redirect to blob storage, which fetch follows
 * without the token) is checked again.
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
  if (artifact.expired) throw new ArtifactError('results artifact has expired');
  if (artifact.size > limits.maxZipBytes)
    throw new ArtifactError(`results artifact is ${artifact.size} bytes; the limit is ${limits.maxZipBytes}`);
  const { data } = await github.rest.actions.downloadArtifact({
    owner,
    repo,
    artifact_id: artifact.id,
    archive_format: 'zip',
  });
  const bytes = new Uint8Array(data as ArrayBuffer);
  if (bytes.length > limits.maxZipBytes)
    throw new ArtifactError(`results artifact is ${bytes.length} bytes; the limit is ${limits.maxZipBytes}`);
  return readResultsZip(bytes, limits);
}
