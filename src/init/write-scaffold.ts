/**
 * Writes a scaffold into a directory without ever losing an instructor's file: a file that exists
 * with the same bytes is left alone, one that differs is kept unless `force`, and nothing is written
 * through a symbolic link (a link in the target could send a write anywhere). Each file is written
 * to a temporary name beside it and renamed into place, so an interrupted init leaves whole files.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { InitError, type ScaffoldFile } from './scaffold-course.js';

/** What happened to one file: written new, already there as is, kept as the instructor left it, or replaced. */
export type WriteOutcome = 'created' | 'unchanged' | 'kept' | 'overwritten';

/** The outcome for one scaffold file. */
export interface WrittenFile {
  path: string;
  outcome: WriteOutcome;
}

/** The top-level names a scaffold writes; a directory holding one of them is a scaffold already. */
export const SCAFFOLD_ENTRIES = ['config-repo', 'grader-repo', 'hidden-data', 'example-submission'] as const;

/**
 * Refuses a target that exists and is not a directory, or that holds other things and no scaffold
 * (unless `force`): init is for a new course directory, not for scattering files into another
 * project. Resolves to true when the directory already holds a scaffold.
 */
export async function checkTarget(dir: string, force: boolean): Promise<boolean> {
  // stat, not lstat: DIR itself may be a link the instructor chose; what is inside it may not.
  const found = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new InitError(`cannot read ${dir}: ${error.message}`);
  });
  if (found === undefined) return false;
  if (!found.isDirectory()) {
    throw new InitError(`${dir} exists and is not a directory; name a new or empty directory`);
  }
  const entries = (await readdir(dir)).sort();
  const scaffold = entries.some((name) => (SCAFFOLD_ENTRIES as readonly string[]).includes(name));
  if (!scaffold && entries.length > 0 && !force) {
    const shown =
      entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    throw new InitError(
      `${dir} is not empty (${shown}) and holds no mlgrade scaffold; name a new or empty directory, or pass --force to add the scaffold beside what is there`,
    );
  }
  return scaffold;
}

/**
 * Writes `files` under `dir` (created if missing); a differing file is replaced only with `force`.
 * Every path is checked before the first write, so a refused target leaves nothing half-written.
 */
export async function writeScaffold(
  dir: string,
  files: readonly ScaffoldFile[],
  force: boolean,
): Promise<WrittenFile[]> {
  const planned: { file: ScaffoldFile; target: string; outcome: WriteOutcome }[] = [];
  for (const file of files) {
    const target = path.join(dir, ...file.path.split('/'));
    await checkParents(dir, file.path);
    const existing = await lstat(target).catch(() => undefined);
    let outcome: WriteOutcome = 'created';
    if (existing) {
      if (existing.isSymbolicLink() || !existing.isFile()) {
        throw new InitError(
          `${target} exists and is not a regular file (a link or a directory); move it away and run init again`,
        );
      }
      if ((await readFile(target)).equals(file.content)) outcome = 'unchanged';
      else outcome = force ? 'overwritten' : 'kept';
    }
    planned.push({ file, target, outcome });
  }
  for (const { file, target, outcome } of planned) {
    if (outcome !== 'created' && outcome !== 'overwritten') continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeWhole(target, file.content);
  }
  return planned.map(({ file, outcome }) => ({ path: file.path, outcome }));
}

/** Refuses a directory on the way to `relative` under `dir` that is a link or a file. */
async function checkParents(dir: string, relative: string): Promise<void> {
  let current = dir;
  for (const part of relative.split('/').slice(0, -1)) {
    current = path.join(current, part);
    const stat = await lstat(current).catch(() => undefined);
    if (stat === undefined) return; // created on write, with everything under it
    if (!stat.isDirectory()) {
      throw new InitError(
        `${current} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; init writes only into real directories: move it away and run init again`,
      );
    }
  }
}

async function writeWhole(target: string, content: Buffer): Promise<void> {
  const temporary = `${target}.init-${randomBytes(6).toString('hex')}`;
  const handle = await open(temporary, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
