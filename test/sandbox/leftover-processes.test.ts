/**
 * A run that leaves a daemon behind (double-forked, in its own session, its output detached so
 * nothing waits on it) has no process left once its result is in, in every mode: whichever of the
 * pid namespace, the cgroup kill and the sweep by uid takes it down, none may be skipped where it is
 * the one that does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSandboxed } from '../../src/sandbox/run-sandboxed.js';
import { sandboxPolicy } from '../../src/sandbox/sandbox-spec.js';
import { sweepsUid } from '../../src/sandbox/spawn-tree.js';
import { tempDir } from '../helpers/temp-dir.js';
import { SANDBOX_MODES } from './sandbox-helpers.js';

/** Pids of live processes whose command line is exactly `sleep <seconds>`. */
function sleepers(seconds: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (argv[0] === 'sleep' && argv[1] === String(seconds) && state !== 'Z') found.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return found;
}

describe.each([...SANDBOX_MODES, 'none' as const])('a daemon left behind (mode %s)', (mode) => {
  it('is gone when the result is in', async () => {
    // A number no other process sleeps for, to find this run's daemon from the host.
    const seconds = 100_000 + Math.floor(Math.random() * 800_000);
    // The daemon says it is detached (own session, stdio closed) before the command ends.
    const command = `(setsid sh -c 'echo > ready; exec sleep ${seconds}' </dev/null >/dev/null 2>&1 &); while [ ! -f ready ]; do :; done; echo left`;
    const { session, result } = await runSandboxed({
      submissionDir: await tempDir({ 'README.md': 'x' }),
      command,
      policy: sandboxPolicy({ mode, wall_seconds: 20 }),
    });
    const survivors = sleepers(seconds);
    await session.dispose();
    for (const pid of survivors) process.kill(pid, 'SIGKILL');
    expect(result.output).toContain('left');
    // Mode none has no namespace and runs as the grader's uid: only a cgroup can find the daemon,
    // so without one (a non-root grader without delegation) nothing is promised there.
    if (mode === 'none' && result.limits.mechanism === 'rlimit') return;
    expect(survivors).toEqual([]);
  }, 30_000);
});

describe('skipping the sweep by uid', () => {
  const cgroup = { mechanism: 'cgroup v1' as const, procsFiles: [], finish: async () => ({}) as never };
  const none = { unavailable: 'no cgroup' };

  it('skips it only under bubblewrap with a cgroup kill: the pid namespace and the cgroup take the tree', () => {
    expect(sweepsUid({ mode: 'bwrap', uid: 2_000_001, cgroup })).toBe(false);
  });

  it('keeps it under unshare, without a cgroup, and has nothing to sweep by without a dedicated uid', () => {
    expect(sweepsUid({ mode: 'unshare', uid: 2_000_001, cgroup })).toBe(true);
    expect(sweepsUid({ mode: 'bwrap', uid: 2_000_001, cgroup: none })).toBe(true);
    expect(sweepsUid({ mode: 'unshare', uid: 2_000_001, cgroup: none })).toBe(true);
    expect(sweepsUid({ mode: 'bwrap', uid: undefined, cgroup })).toBe(false);
  });
});
