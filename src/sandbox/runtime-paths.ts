/**
 * Finds the interpreter installations student commands need (python3 with its packages, node) so
 * that exactly those directories are mounted read-only. Python often lives under a home directory
 * (pyenv, conda, a runner's tool cache): binding that one prefix avoids exposing the rest of $HOME.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Directories to mount read-only and the PATH entries that reach their executables. */
export interface RuntimePaths {
  bind: string[];
  path: string[];
}

let cached: Promise<RuntimePaths> | undefined;

/** Runtime directories outside the system tree, found once per process. */
export function runtimePaths(): Promise<RuntimePaths> {
  cached ??= findRuntimes();
  return cached;
}

async function findRuntimes(): Promise<RuntimePaths> {
  const found: RuntimePaths = { bind: [], path: [] };
  // python first: a python3 next to node in /usr/bin must not shadow the one with the packages.
  for (const prefix of await pythonPrefixes()) addPrefix(found, prefix, path.join(prefix, 'bin'));
  const node = path.dirname(process.execPath);
  addPrefix(found, path.dirname(node), node);
  return found;
}

/** Asks the host's python3 (trusted: it is the runner's) where it and its packages live. */
async function pythonPrefixes(): Promise<string[]> {
  try {
    const script = 'import sys, site; print(sys.base_prefix); print(sys.prefix)';
    const { stdout } = await run('python3', ['-c', script], { timeout: 20_000 });
    return [...new Set(stdout.split('\n').filter((line) => line.startsWith('/')))];
  } catch {
    return [];
  }
}

/** System prefixes are mounted anyway; only foreign prefixes need their own mount. */
function addPrefix(found: RuntimePaths, prefix: string, bin: string) {
  const system = ['/usr', '/usr/local', '/'].includes(prefix);
  if (system) return;
  if (!found.bind.includes(prefix)) found.bind.push(prefix);
  if (!found.path.includes(bin)) found.path.push(bin);
}
