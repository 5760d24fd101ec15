/**
 * A process that has exited but is not yet reaped (a zombie) is no leftover: it stays listed in a
 * cgroup for a moment after a run ends, and counting it made a crashed command read as "left 1
 * process running" on a loaded machine. Here a real zombie: `sleep 0` started by a shell that then
 * execs `sleep 3`, which never reaps it.
 */
import { spawn } from 'node:child_process';
import { chmod, copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunningProcess } from '../../src/sandbox/cgroup-limits.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The children of `pid`, from /proc. */
async function children(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !ok(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

describe('isRunningProcess', () => {
  it('is true for a running process, false for a zombie and for a pid that is gone', async () => {
    // A copy of sleep named with ") " so the state is read after the last parenthesis of the name.
    const dir = await tempDir();
    const sleeper = path.join(dir, 'sl) eep');
    await copyFile('/bin/sleep', sleeper);
    await chmod(sleeper, 0o755);
    const parent = spawn('/bin/sh', ['-c', `/bin/sleep 0 & exec '${sleeper}' 3`], { stdio: 'ignore' });
    try {
      const [zombie] = await until(
        () => children(parent.pid!),
        (pids) => pids.length === 1,
      );
      expect(zombie).toBeDefined();
      // The child has exited (sleep 0) and its parent, now sleep, never waits for it.
      await until(
        () => readFile(`/proc/${zombie}/stat`, 'utf8').catch(() => ''),
        (stat) => / Z /.test(stat),
      );
      expect(await isRunningProcess(zombie!)).toBe(false);
      expect(await isRunningProcess(parent.pid!)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
    await new Promise((resolve) => parent.once('exit', resolve));
    expect(await isRunningProcess(parent.pid!)).toBe(false);
  });
});
