/**
 * Resolves the Python runtime a course declares (`sandbox.runtime`) to the directories the sandbox
 * mounts read-only and the PATH that reaches them. Python often lives under a home directory (pyenv,
 * conda, a runner's tool cache, a venv in /root): binding exactly its prefixes avoids exposing the
 * rest of $HOME, in bubblewrap and unshare mode alike. node (which the grader itself runs on) is
 * mounted the same way.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isInside } from '../files/path-inside.js';
import { fileIdentity, findOnPath, readHostCache, writeHostCache } from './host-cache.js';

const run = promisify(execFile);

/** A declared runtime that cannot be used; the message says what to install or fix on the runner. */
export class RuntimeUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeUnavailableError';
  }
}

/** The runtime as the sandbox sees it. */
export interface ResolvedRuntime {
  /** What the config said: `auto`, `system` or a path. */
  declared: string;
  /** Absolute path of the interpreter (as the host sees it), or undefined when there is no python3. */
  python: string | undefined;
  /** Python version (e.g. 3.11.7), when there is an interpreter. */
  version: string | undefined;
  /** The environment's prefix (`sys.prefix`: the venv, conda env or installation), when there is one. */
  prefix: string | undefined;
  /** Directories outside the system tree to mount read-only. */
  bind: string[];
  /** PATH entries that go first, so `python`/`python3` resolve to this runtime. */
  path: string[];
}

const SYSTEM_PREFIXES = ['/', '/usr', '/usr/local'];
const cache = new Map<string, Promise<ResolvedRuntime>>();

/** Resolves `declared` once per process; throws {@link RuntimeUnavailableError}. */
export function resolveRuntime(declared: string): Promise<ResolvedRuntime> {
  let resolved = cache.get(declared);
  if (!resolved) {
    resolved = findRuntime(declared);
    cache.set(declared, resolved);
    // A runner fixed while the grader runs (a package installed) is seen on the next try.
    resolved.catch(() => cache.delete(declared));
  }
  return resolved;
}

/** "/root/.pyenv/versions/3.11.7 (Python 3.11.7)", or "no python3" — for logs and findings. */
export function describeRuntime(runtime: ResolvedRuntime): string {
  if (!runtime.python) return `${runtime.declared}: no python3`;
  return `${runtime.prefix} (Python ${runtime.version})`;
}

async function findRuntime(declared: string): Promise<ResolvedRuntime> {
  const found: ResolvedRuntime = {
    declared,
    python: undefined,
    version: undefined,
    prefix: undefined,
    bind: [],
    path: [],
  };
  const interpreter = await interpreterFor(declared);
  const facts = await pythonFacts(interpreter, declared);
  if (facts) {
    found.python = facts.executable;
    found.version = facts.version;
    found.prefix = facts.prefix;
    // A venv's own bin first: its `python` is the one with the packages, not the base's.
    addPrefix(found, facts.prefix, path.dirname(facts.executable));
    addPrefix(found, facts.prefix, path.join(facts.prefix, 'bin'));
    addPrefix(found, facts.basePrefix, path.join(facts.basePrefix, 'bin'));
    // A venv's python is a symlink into the base installation, which must be mounted too.
    const home = path.dirname(path.dirname(facts.realExecutable));
    addPrefix(found, home, path.dirname(facts.realExecutable));
  }
  const node = path.dirname(process.execPath);
  addPrefix(found, path.dirname(node), node);
  return found;
}

/** The interpreter to ask: python3 on the grader's PATH (auto), /usr/bin/python3, or the declared path. */
async function interpreterFor(declared: string): Promise<string> {
  if (declared === 'auto') return 'python3';
  if (declared === 'system') return '/usr/bin/python3';
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(declared);
  } catch (cause) {
    throw new RuntimeUnavailableError(
      `sandbox.runtime ${declared} does not exist on this runner; create the environment there (e.g. python3 -m venv ${declared}) or fix sandbox.runtime in the course config`,
      { cause },
    );
  }
  if (!info.isDirectory()) return declared;
  for (const name of ['bin/python3', 'bin/python']) {
    const candidate = path.join(declared, name);
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return candidate;
  }
  throw new RuntimeUnavailableError(
    `sandbox.runtime ${declared} is a directory without bin/python3 or bin/python; name a virtualenv or conda prefix, or the interpreter itself`,
  );
}

interface PythonFacts {
  executable: string;
  realExecutable: string;
  prefix: string;
  basePrefix: string;
  version: string;
}

/** What a cached answer is kept with: the facts, and the real interpreter they name as it was then. */
interface CachedFacts {
  facts: PythonFacts;
  real: { mtimeMs: number; size: number };
}

/**
 * The interpreter's facts, from the cross-process cache when this very interpreter answered before,
 * else by asking it. The key is the interpreter file's real path, mtime and size (an upgrade or a
 * new venv at the same path changes them); a wrapper script (a pyenv shim, a conda launcher) picks
 * its Python from its environment and working directory, so for one those are part of the key too.
 * A hit also needs the real interpreter it named to be unchanged.
 */
async function pythonFacts(interpreter: string, declared: string): Promise<PythonFacts | undefined> {
  const found = await findOnPath(interpreter);
  const file = found ? await fileIdentity(found) : undefined;
  if (!file) return askPython(interpreter, declared);
  // The path as invoked, too: a venv's python3 is a symlink to its base's, and its prefix comes from
  // where it was invoked (the pyvenv.cfg beside it), so two venvs share the real file.
  const invoked = path.resolve(found!);
  const slot = `${declared}\0${invoked}`;
  const key = {
    declared,
    invoked,
    interpreter: file,
    uid: process.getuid?.(),
    ...((await isScript(file.path)) ? await wrapperContext() : {}),
  };
  const cached = await readHostCache('python-runtime', slot, key, isCachedFacts);
  if (cached) {
    const real = await fileIdentity(cached.facts.realExecutable);
    if (real?.mtimeMs === cached.real.mtimeMs && real.size === cached.real.size) return cached.facts;
  }
  const facts = await askPython(interpreter, declared);
  const real = facts && (await fileIdentity(facts.realExecutable));
  if (facts && real)
    await writeHostCache('python-runtime', slot, key, {
      facts,
      real: { mtimeMs: real.mtimeMs, size: real.size },
    });
  return facts;
}

/**
 * What a wrapper script may choose its Python by: the working directory, the environment, and the
 * version files pyenv reads (`.python-version` from the working directory up, its global `version`).
 */
async function wrapperContext() {
  const cwd = process.cwd();
  const versionFiles = [path.join(process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'), 'version')];
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    versionFiles.push(path.join(dir, '.python-version'));
    if (dir === path.dirname(dir)) break;
  }
  const versions = await Promise.all(versionFiles.map((file) => fileIdentity(file)));
  return { cwd, env: environmentDigest(), versions: versions.map((found) => found ?? null) };
}

/** A digest of the whole environment: keyed on, never stored (it may hold tokens). */
function environmentDigest(): string {
  const entries = Object.entries(process.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

/** A file that starts with `#!`: a wrapper whose answer may depend on more than itself. */
async function isScript(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer.toString('latin1') === '#!';
  } finally {
    await handle.close();
  }
}

function isCachedFacts(value: unknown): value is CachedFacts {
  const { facts, real } = (value ?? {}) as Partial<CachedFacts>;
  const strings = ['executable', 'realExecutable', 'prefix', 'basePrefix', 'version'] as const;
  return (
    typeof facts === 'object' &&
    facts !== null &&
    strings.every((name) => typeof facts[name] === 'string' && facts[name].length > 0) &&
    typeof real?.mtimeMs === 'number' &&
    typeof real.size === 'number'
  );
}

/** Asks the interpreter (trusted: it is the runner's) where it and its packages live. */
async function askPython(interpreter: string, declared: string): Promise<PythonFacts | undefined> {
  const script =
    'import os, sys; print(sys.executable); print(os.path.realpath(sys.executable)); print(sys.prefix); print(sys.base_prefix); print(sys.version.split()[0])';
  let stdout: string;
  try {
    ({ stdout } = await run(interpreter, ['-I', '-c', script], { timeout: 20_000 }));
  } catch (cause) {
    // `auto` without any python3 is fine for courses that run only node or shell commands.
    if (declared === 'auto' && (cause as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    const reason = (cause as Error).message.split('\n')[0];
    throw new RuntimeUnavailableError(
      `sandbox.runtime ${declared}: ${interpreter} does not run on this runner (${reason}); install Python there or fix sandbox.runtime in the course config`,
      { cause },
    );
  }
  const [executable, realExecutable, prefix, basePrefix, version] = stdout.trim().split('\n');
  if (!executable || !realExecutable || !prefix || !basePrefix || !version) {
    throw new RuntimeUnavailableError(
      `sandbox.runtime ${declared}: ${interpreter} did not say where it lives`,
    );
  }
  return { executable, realExecutable, prefix, basePrefix, version };
}

/** System prefixes are mounted anyway; only foreign prefixes need their own mount. */
function addPrefix(found: ResolvedRuntime, prefix: string, bin: string) {
  if (!prefix.startsWith('/') || SYSTEM_PREFIXES.includes(prefix)) return;
  if (!found.bind.some((dir) => isInside(prefix, dir))) {
    found.bind = found.bind.filter((dir) => !isInside(dir, prefix));
    found.bind.push(prefix);
  }
  if (!found.path.includes(bin)) found.path.push(bin);
}
