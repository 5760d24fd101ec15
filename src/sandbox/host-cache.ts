/**
 * A small cache of facts about this machine that are slow to learn and rarely change: where the
 * Python runtime lives (asking python3 costs 100 ms to a second, a pyenv shim most of it) and which
 * sandbox mechanism works (a probe run). Kept across grader processes in the user's cache directory,
 * one JSON file per fact and slot (an interpreter path, a mode): a new key overwrites the slot's
 * entry, so the directory holds a handful of files however often the keys change.
 *
 * Every entry stores the key it was learned under and is used only when that key matches exactly,
 * so a changed interpreter, bubblewrap or kernel is asked again. The cache is an optimisation: a
 * missing, corrupt, foreign or unwritable cache is ignored and never fails a run.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Bumped when the shape of a stored value changes, so older entries are not read. */
const FORMAT = 1;
/** Entries are a few hundred bytes; anything larger is not ours. */
const MAX_BYTES = 64 * 1024;

/**
 * The cache directory: `$MLGRADE_CACHE_DIR`, else `$XDG_CACHE_HOME/mlgrade`, else
 * `~/.cache/mlgrade`. Delete it to forget everything.
 */
export function hostCacheDir(): string {
  const { MLGRADE_CACHE_DIR, XDG_CACHE_HOME } = process.env;
  if (MLGRADE_CACHE_DIR) return path.resolve(MLGRADE_CACHE_DIR);
  if (XDG_CACHE_HOME && path.isAbsolute(XDG_CACHE_HOME)) return path.join(XDG_CACHE_HOME, 'mlgrade');
  return path.join(os.homedir(), '.cache', 'mlgrade');
}

function entryPath(fact: string, key: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([FORMAT, fact, key]))
    .digest('hex');
  return path.join(hostCacheDir(), `${fact}-${digest.slice(0, 24)}.json`);
}

/**
 * The value stored for `fact` in `slot` under exactly `key`, if `valid` accepts it; undefined
 * otherwise (no entry, another key, unreadable, corrupt, or a file this user does not own or others
 * may write).
 */
export async function readHostCache<T>(
  fact: string,
  slot: string,
  key: unknown,
  valid: (value: unknown) => value is T,
): Promise<T | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(entryPath(fact, slot), constants.O_RDONLY | constants.O_NOFOLLOW);
    const info = await handle.stat();
    // The entry decides what the sandbox mounts: trust only a file of ours that no one else can write.
    if (!info.isFile() || info.size > MAX_BYTES) return undefined;
    if (info.uid !== process.getuid?.() || (info.mode & 0o022) !== 0) return undefined;
    const stored = JSON.parse(await handle.readFile('utf8')) as {
      format?: unknown;
      key?: unknown;
      value?: unknown;
    };
    if (stored.format !== FORMAT || JSON.stringify(stored.key) !== JSON.stringify(key)) return undefined;
    return valid(stored.value) ? stored.value : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Stores `value` for `fact` in `slot` under `key`, replacing what the slot held: written to a
 * temporary file, mode 0600, then renamed over it, so a reader sees the old entry or the new one.
 */
export async function writeHostCache(
  fact: string,
  slot: string,
  key: unknown,
  value: unknown,
): Promise<void> {
  const file = entryPath(fact, slot);
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(temporary, `${JSON.stringify({ format: FORMAT, key, value })}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    await rename(temporary, file);
  } catch {
    // A read-only or full home directory only costs the next process the slow way.
    await unlink(temporary).catch(() => undefined);
  }
}

/** What identifies one version of a file: its real path, modification time and size. */
export interface FileIdentity {
  path: string;
  mtimeMs: number;
  size: number;
}

/** The identity of `file` (symlinks followed), or undefined when it does not exist. */
export async function fileIdentity(file: string): Promise<FileIdentity | undefined> {
  try {
    const real = await realpath(file);
    const info = await stat(real);
    return { path: real, mtimeMs: info.mtimeMs, size: info.size };
  } catch {
    return undefined;
  }
}

/** The first executable regular file called `name` on `$PATH`, as execFile would find it. */
export async function findOnPath(name: string): Promise<string | undefined> {
  if (name.includes('/')) return name;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      const info = await stat(candidate);
      if (info.isFile() && (info.mode & 0o111) !== 0) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}
