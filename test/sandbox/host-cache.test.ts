/**
 * Where the runtime lives and which sandbox mode works are learned once and kept across grader
 * processes; a cache learned under another key (another interpreter file, another bubblewrap) is not
 * used, and a corrupt or foreign cache file is ignored without failing anything. Each grader here is
 * a fresh Node process running the built modules (needs `npm run build`), with fake `python3` and
 * `bwrap` first on PATH that count their invocations in a file.
 */
import { execFile } from 'node:child_process';
import { chmod, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const BUILT = path.resolve(import.meta.dirname, '..', '..', 'build', 'src', 'sandbox');

/** A bin directory with a counting python3 (answering as a made-up runtime) and a counting bwrap. */
async function fakeTools() {
  const bin = await tempDir();
  const calls = path.join(bin, 'calls.log');
  const prefix = path.join(bin, 'fake-prefix');
  const python = path.join(bin, 'python3');
  await writeFile(
    python,
    `#!/bin/sh\necho python3 >> ${calls}\nprintf '%s\\n' ${python} ${python} ${prefix} ${prefix} 3.99.1\n`,
  );
  await writeFile(path.join(bin, 'bwrap'), `#!/bin/sh\necho bwrap >> ${calls}\nexec /usr/bin/bwrap "$@"\n`);
  await chmod(python, 0o755);
  await chmod(path.join(bin, 'bwrap'), 0o755);
  const count = async (tool: string) =>
    (await readFile(calls, 'utf8').catch(() => '')).split('\n').filter((line) => line === tool).length;
  return { bin, python, prefix, count };
}

/** A fresh grader process: resolves `auto` and chooses the mode, prints what it got. */
async function grader(bin: string, cacheDir: string) {
  const script = [
    `const { resolveRuntime } = await import(${JSON.stringify(pathToFileURL(path.join(BUILT, 'resolve-runtime.js')).href)});`,
    `const { chooseMode } = await import(${JSON.stringify(pathToFileURL(path.join(BUILT, 'sandbox-mode.js')).href)});`,
    `const { sandboxPolicy } = await import(${JSON.stringify(pathToFileURL(path.join(BUILT, 'sandbox-spec.js')).href)});`,
    `const runtime = await resolveRuntime('auto');`,
    `const mode = await chooseMode(sandboxPolicy({ mode: 'bwrap' })).catch((error) => error.name);`,
    'console.log(JSON.stringify({ runtime, mode }));',
  ].join('\n');
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, MLGRADE_CACHE_DIR: cacheDir },
    timeout: 20_000,
  });
  return JSON.parse(stdout) as { runtime: { python: string; version: string; bind: string[] }; mode: string };
}

describe('the runtime and mode cache across grader processes', () => {
  it('asks python3 and probes bubblewrap once: the second process reads both from the cache', async () => {
    const tools = await fakeTools();
    const cacheDir = path.join(await tempDir(), 'cache');
    const first = await grader(tools.bin, cacheDir);
    expect(first.runtime).toMatchObject({ python: tools.python, version: '3.99.1' });
    expect(first.runtime.bind.some((dir) => tools.prefix.startsWith(dir))).toBe(true);
    expect(await tools.count('python3')).toBe(1);
    const probes = await tools.count('bwrap');
    const second = await grader(tools.bin, cacheDir);
    expect(second).toEqual(first);
    expect(await tools.count('python3')).toBe(1);
    if (first.mode === 'bwrap') expect(await tools.count('bwrap')).toBe(probes);
    // Only this user may read or replace what decides the sandbox's mounts.
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(cacheDir)) {
      expect((await stat(path.join(cacheDir, name))).mode & 0o777).toBe(0o600);
    }
  }, 60_000);

  it('does not use an answer learned from the interpreter file as it was before it changed', async () => {
    const tools = await fakeTools();
    const cacheDir = path.join(await tempDir(), 'cache');
    await grader(tools.bin, cacheDir);
    expect(await tools.count('python3')).toBe(1);
    // Same path and size, another mtime: an interpreter replaced in place.
    const then = new Date(Date.now() - 3_600_000);
    await utimes(tools.python, then, then);
    await grader(tools.bin, cacheDir);
    expect(await tools.count('python3')).toBe(2);
    await grader(tools.bin, cacheDir);
    expect(await tools.count('python3')).toBe(2);
  }, 60_000);

  it('ignores a corrupt cache file, and one that others may write, and still resolves', async () => {
    const tools = await fakeTools();
    const cacheDir = path.join(await tempDir(), 'cache');
    const first = await grader(tools.bin, cacheDir);
    const files = (await readdir(cacheDir)).map((name) => path.join(cacheDir, name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await writeFile(file, '{"format":1,"key":');
    expect((await grader(tools.bin, cacheDir)).runtime).toEqual(first.runtime);
    expect(await tools.count('python3')).toBe(2);
    // The rewritten entries are valid again; made world-writable, they are not trusted.
    for (const file of files) await chmod(file, 0o666);
    expect((await grader(tools.bin, cacheDir)).runtime).toEqual(first.runtime);
    expect(await tools.count('python3')).toBe(3);
  }, 60_000);

  it('never fails a run when the cache directory cannot be written', async () => {
    const tools = await fakeTools();
    const notADirectory = path.join(await tempDir({ file: 'x' }), 'file');
    const first = await grader(tools.bin, notADirectory);
    expect(first.runtime.version).toBe('3.99.1');
    expect(await tools.count('python3')).toBe(1);
  }, 60_000);
});
