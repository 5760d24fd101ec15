/** Creates throwaway directories from a map of relative path → content, removed after each test file. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { type CheckDefinition, DEFAULT_LIMITS, type GradingContext } from '../../src/checks/types.js';

const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Writes `files` under a fresh temporary directory and returns its path. */
export function tempDir(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  return filledDir(os.tmpdir(), files);
}

/**
 * Like {@link tempDir}, but under test/.tmp/ (git-ignored) instead of the system temporary directory:
 * for paths that must lie outside /tmp, which the unshare sandbox covers with a private tmpfs.
 */
export async function repoTempDir(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const base = path.resolve(import.meta.dirname, '..', '.tmp');
  await mkdir(base, { recursive: true });
  return filledDir(base, files);
}

async function filledDir(base: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const root = await mkdtemp(path.join(base, 'mlgrade-test-'));
  created.push(root);
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return root;
}

/** A grading context over `submissionDir` with default limits. */
export function contextFor(submissionDir: string, dataDir?: string): GradingContext {
  return { submissionDir, dataDir, limits: DEFAULT_LIMITS };
}

/** Runs a check definition with a spec given as plain config (id and kind filled in). */
export function runCheck<S extends { id: string; kind: string }>(
  definition: CheckDefinition<S>,
  options: Omit<S, 'id' | 'kind'>,
  context: GradingContext,
) {
  return definition.run({ id: definition.kind, kind: definition.kind, ...options } as S, context);
}
