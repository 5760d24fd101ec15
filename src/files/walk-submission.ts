/**
 * Lists the regular files of a submission without following symbolic links (a link could point at
 * the runner's secrets) and with a cap on entries (a hostile tree could hold millions).
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** One file found in the submission. */
export interface SubmissionFile {
  /** Path relative to the submission root, with `/` separators. */
  path: string;
  size: number;
}

/** What a walk found. */
export interface WalkResult {
  files: SubmissionFile[];
  /** Links seen and not followed, relative paths. */
  links: string[];
  /** True when the entry cap stopped the walk early. */
  truncated: boolean;
}

/** Directories never graded: version control and dependency caches. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '__pycache__', '.venv']);

/** Walks `root` breadth-first, up to `maxEntries` entries. */
export async function walkSubmission(root: string, maxEntries = 100_000): Promise<WalkResult> {
  const result: WalkResult = { files: [], links: [], truncated: false };
  const queue: string[] = [''];
  let seen = 0;
  while (queue.length > 0) {
    const relativeDir = queue.shift()!;
    const entries = await readdir(path.join(root, relativeDir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++seen > maxEntries) {
        result.truncated = true;
        return result;
      }
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) result.links.push(relative);
      else if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) queue.push(relative);
      } else if (entry.isFile()) {
        const info = await lstat(path.join(root, relative));
        result.files.push({ path: relative, size: info.size });
      }
    }
  }
  return result;
}
