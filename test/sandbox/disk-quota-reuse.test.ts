/**
 * A finished run's disk quota is emptied and kept mounted for the grader's next run of the same
 * size (mounting and unmounting each cost a process); nothing of one run reaches the next, a quota
 * whose run has not ended is never kept, and the grader unmounts what it kept when it exits.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runSandboxed, startSandboxed } from '../../src/sandbox/run-sandboxed.js';
import { sandboxPolicy } from '../../src/sandbox/sandbox-spec.js';
import { tempDir } from '../helpers/temp-dir.js';
import { SANDBOX_MODES } from './sandbox-helpers.js';

const ROOT = process.getuid?.() === 0;
const mounted = async (dir: string) =>
  (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((line) => line.includes(` ${dir} `));

describe.each(SANDBOX_MODES)('a disk quota used again (mode %s)', (mode) => {
  it('gives the next run the same quota with nothing of the previous run in it', async () => {
    // A size no other test in this file uses, so the quota kept is this test's.
    const policy = sandboxPolicy({ mode, disk_mb: mode === 'unshare' ? 17 : 18, wall_seconds: 20 });
    const first = await runSandboxed({
      submissionDir: await tempDir({ 'README.md': 'first' }),
      command: 'head -c 1048576 /dev/zero > big.bin && mkdir -p a/b && echo secret > a/b/.left && ls -A',
      policy,
    });
    expect(first.result.output).toContain('big.bin');
    const root = path.dirname(first.session.workDir);
    await first.session.dispose();
    const second = await runSandboxed({
      submissionDir: await tempDir({ 'notes.txt': 'second' }),
      command: 'ls -A; cat README.md a/b/.left 2>&1; df -k . | tail -1',
      policy,
    });
    try {
      expect(second.result.exitCode).not.toBe(null);
      const lines = second.result.output.split('\n');
      expect(lines).toContain('notes.txt');
      expect(second.result.output).not.toMatch(/big\.bin|secret|first/);
      if (!ROOT) {
        expect(second.result.disk).toEqual({ unavailable: 'the grader is not root' });
        return;
      }
      expect(path.dirname(second.session.workDir)).toBe(root);
      expect(second.result.disk).toEqual({ mb: policy.diskMb });
      // The whole quota is free again: 1 MiB written by the first run would show as used.
      const used = Number(
        lines
          .find((line) => line.includes('%'))
          ?.trim()
          .split(/\s+/)[2],
      );
      expect(used).toBeLessThan(512);
    } finally {
      await second.session.dispose();
    }
  }, 30_000);
});

describe('a quota whose run has not ended', () => {
  it('is unmounted and removed, never kept for the next run', async () => {
    const session = await startSandboxed({
      submissionDir: await tempDir({ 'README.md': 'x' }),
      command: 'sleep 30',
      policy: sandboxPolicy({ disk_mb: 19, wall_seconds: 20 }),
    });
    const root = path.dirname(session.workDir);
    await session.dispose();
    await session.stop();
    expect(await mounted(root)).toBe(false);
    expect(existsSync(root)).toBe(false);
  }, 30_000);
});

describe('quotas kept by a grader that exits', () => {
  it('are unmounted and removed at exit', async () => {
    const built = (file: string) =>
      JSON.stringify(
        pathToFileURL(path.resolve(import.meta.dirname, '..', '..', 'build', 'src', 'sandbox', file)).href,
      );
    const submission = await tempDir({ 'README.md': 'x' });
    const script = [
      `const { runSandboxed } = await import(${built('run-sandboxed.js')});`,
      `const { sandboxPolicy } = await import(${built('sandbox-spec.js')});`,
      `const { session, result } = await runSandboxed({ submissionDir: ${JSON.stringify(submission)}, command: 'true', policy: sandboxPolicy({ disk_mb: 20 }) });`,
      'const root = (await import("node:path")).dirname(session.workDir);',
      'await session.dispose();',
      'const mounts = (await import("node:fs")).readFileSync("/proc/self/mountinfo", "utf8");',
      'console.log(JSON.stringify({ root, disk: result.disk, kept: mounts.includes(" " + root + " ") }));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    const { root, disk, kept } = JSON.parse(stdout) as { root: string; disk: object; kept: boolean };
    if (ROOT) {
      expect(disk).toEqual({ mb: 20 });
      expect(kept).toBe(true);
    }
    expect(await mounted(root)).toBe(false);
    expect(existsSync(root)).toBe(false);
  }, 30_000);
});

describe('a session disposed of twice', () => {
  it('gives its quota back once: two later runs never share it', async () => {
    const policy = sandboxPolicy({ disk_mb: 21, wall_seconds: 20 });
    const first = await runSandboxed({
      submissionDir: await tempDir({ 'README.md': 'x' }),
      command: 'true',
      policy,
    });
    await Promise.all([first.session.dispose(), first.session.dispose()]);
    await first.session.dispose();
    const submission = await tempDir({ 'README.md': 'x' });
    const [a, b] = await Promise.all([
      startSandboxed({ submissionDir: submission, command: 'true', policy }),
      startSandboxed({ submissionDir: submission, command: 'true', policy }),
    ]);
    try {
      expect(path.dirname(a.workDir)).not.toBe(path.dirname(b.workDir));
    } finally {
      await Promise.all([a.done, b.done]);
      await Promise.all([a.dispose(), b.dispose()]);
    }
  }, 30_000);
});
