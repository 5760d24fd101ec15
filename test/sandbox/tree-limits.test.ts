/**
 * One memory and process bound for the whole process tree (cgroups where the runner has them), and
 * the unshare sandbox's filesystem view (the runtime mounted back under a cover, hidden data masked).
 */
import { access, chmod, constants, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupLayout, createRunCgroup } from '../../src/sandbox/cgroup-limits.js';
import { describeSandbox, explainRun, limitHit } from '../../src/sandbox/explain-run.js';
import { runSandboxed } from '../../src/sandbox/run-sandboxed.js';
import { sandboxPolicy } from '../../src/sandbox/sandbox-spec.js';
import { planUnshareMounts, unshareSetupScript } from '../../src/sandbox/unshare-mounts.js';
import { repoTempDir, tempDir } from '../helpers/temp-dir.js';
import { fixtureDir, SANDBOX_MODES, sandboxProcessesAlive } from './sandbox-helpers.js';

const V1_CGROUP = '9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n';
const V1_MOUNTS = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '35 31 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '39 31 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '41 31 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const V2_MOUNTS = '29 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate';

/** True when this machine lets the grader create a cgroup here (root with v1 or delegated v2). */
async function cgroupsWritable(): Promise<boolean> {
  const made = await createRunCgroup('mlgrade-test-probe', 64, 8);
  if ('unavailable' in made) return false;
  await made.finish();
  return true;
}

describe('cgroup discovery', () => {
  it('finds the v1 memory and pids cgroups of this process, each under its own mount', () => {
    expect(cgroupLayout(V1_CGROUP, V1_MOUNTS)).toEqual({
      memory: '/sys/fs/cgroup/memory/process_api/abc',
      pids: '/sys/fs/cgroup/pids',
      v2: '/sys/fs/cgroup/unified',
    });
  });

  it('finds the unified v2 cgroup, also when the mount is a namespaced sub-tree', () => {
    expect(cgroupLayout('0::/user.slice/runner.service\n', V2_MOUNTS)).toEqual({
      v2: '/sys/fs/cgroup/user.slice/runner.service',
    });
    const nested = '29 23 0:26 /user.slice /sys/fs/cgroup rw - cgroup2 cgroup2 rw';
    expect(cgroupLayout('0::/user.slice/grader\n', nested)).toEqual({ v2: '/sys/fs/cgroup/grader' });
  });
});

describe('memory bound for the whole process tree', () => {
  it('stops four children that are each under the per-process limit but together over the bound', async () => {
    const policy = sandboxPolicy({ memory_mb: 256, processes: 32, wall_seconds: 30 });
    const { session, result } = await runSandboxed({
      submissionDir: fixtureDir('memory-tree'),
      command: 'python3 tree.py',
      policy,
    });
    await session.dispose();
    expect(await sandboxProcessesAlive()).toBe(0);
    if (await cgroupsWritable()) {
      expect(result.limits.mechanism).toMatch(/^cgroup v[12]$/);
      expect(result.limits.oomKills).toBeGreaterThanOrEqual(1);
      expect(result.exitCode).toBe(1);
      expect(limitHit(result)).toBe('tree-memory');
      const [finding] = explainRun(result, policy, 'The command');
      expect(finding!.message).toMatch(
        /^The command used more than 256 MiB of memory across all its processes together and was stopped by the sandbox's memory bound for the whole process tree \(cgroup v[12]; the kernel killed \d+ process\(es\)\)/,
      );
      expect(describeSandbox(result)).toMatch(
        /limits: 256 MiB and 32 processes for the whole tree \(cgroup v[12], peak \d+ MiB\); disk: /,
      );
    } else {
      // Without cgroups the per-process limits are all there is, and the result says so and why.
      expect(result.limits).toMatchObject({ mechanism: 'rlimit', memoryMb: 256, processes: 32 });
      expect(result.limits.reason).toBeTruthy();
      expect(describeSandbox(result)).toContain(
        'limits: per process only (RLIMIT_AS 256 MiB, RLIMIT_NPROC 32)',
      );
    }
  });

  it('leaves a tree under its bound alone and reports the bound it ran under', async () => {
    const policy = sandboxPolicy({ memory_mb: 1024, processes: 32, wall_seconds: 30 });
    const { session, result } = await runSandboxed({
      submissionDir: fixtureDir('memory-tree'),
      command: 'python3 tree.py',
      policy,
    });
    await session.dispose();
    expect(result.output).toContain('0 of 4 children failed');
    expect(result.exitCode).toBe(0);
    expect(result.limits.oomKills).toBe(0);
    expect(limitHit(result)).toBeUndefined();
  });
});

describe('unshare filesystem view', () => {
  it('covers scratch and untraversable directories and mounts back only what the run needs, by descriptor', async () => {
    // Independent of where the checkout lies: one temporary directory plays the shared scratch dir.
    const scratch = await tempDir({ 'work/README.md': 'x' });
    const work = path.join(scratch, 'work');
    const home = await repoTempDir({ 'runtime/bin/python3': '', 'secret.txt': 'token' });
    await chmod(home, 0o700);
    const hidden = await repoTempDir({ 'labels.csv': 'id,label\n' });
    const runtime = path.join(home, 'runtime');
    const plan = await planUnshareMounts(
      [
        { path: runtime, writable: false },
        { path: '/usr/bin', writable: false },
        { path: work, writable: true },
      ],
      {
        hidden: [hidden, path.join(hidden, 'labels.csv'), '/no/such/hidden'],
        protect: [scratch, '/no/such/workspace'],
        scratchMb: 64,
        scratchDirs: [scratch],
      },
    );
    expect(plan.covers).toEqual([
      { path: scratch, mode: '1777', sizeMb: 64 },
      { path: home, mode: '0755', sizeMb: 1 },
    ]);
    expect(plan.remounts).toEqual([
      { path: runtime, writable: false, fd: 3, directory: true },
      { path: work, writable: true, fd: 4, directory: true },
    ]);
    // The scratch directory holds the run's copy, so it is not masked; the hidden data is.
    expect(plan.masks).toEqual([
      { path: hidden, directory: true },
      { path: path.join(hidden, 'labels.csv'), directory: false },
    ]);
    const script = unshareSetupScript(plan).split('\n');
    const at = (line: string) => script.indexOf(line);
    expect(at(`exec 3< '${runtime}'`)).toBeGreaterThan(0);
    expect(at(`exec 3< '${runtime}'`)).toBeLessThan(
      at(`mount -t tmpfs -o mode=0755,size=1m mlgrade-cover '${home}'`),
    );
    expect(at(`mount -t tmpfs -o mode=0755,size=1m mlgrade-cover '${home}'`)).toBeLessThan(
      at(`mount -c --rbind /proc/self/fd/3 '${runtime}'`),
    );
    expect(script.at(-1)).toBe('exec "$@"');
  });

  it('refuses to run when the hidden data contains a path the run needs', async () => {
    const hidden = await repoTempDir({ 'venv/bin/python3': '' });
    await expect(
      planUnshareMounts([{ path: path.join(hidden, 'venv'), writable: false }], {
        hidden: [hidden],
        protect: [],
        scratchMb: 64,
        scratchDirs: [],
      }),
    ).rejects.toThrow(/^the hidden data .* contains a path the run needs/);
  });

  it.each(SANDBOX_MODES)(
    'never shows world-readable hidden data or the rest of a covered home directory (mode %s)',
    async (mode) => {
      const hidden = await tempDir({ 'labels.csv': 'id,label\n1,SECRET-LABEL\n' });
      await chmod(hidden, 0o755);
      await chmod(path.join(hidden, 'labels.csv'), 0o644);
      const submission = await tempDir({ 'README.md': 'x' });
      const { session, result } = await runSandboxed({
        submissionDir: submission,
        command: `cat ${path.join(hidden, 'labels.csv')}; ls ${hidden}; echo done`,
        policy: sandboxPolicy({ mode, wall_seconds: 10 }),
        hiddenPaths: [hidden],
      });
      await session.dispose();
      expect(result.output).not.toContain('SECRET-LABEL');
      expect(result.output).not.toMatch(/^labels\.csv$/m);
      expect(result.output).toContain('done');
      // The labels are still there for the grader.
      await expect(access(path.join(hidden, 'labels.csv'), constants.R_OK)).resolves.toBeUndefined();
    },
  );

  it('brings up the loopback interface in the network namespace (a service listens on 127.0.0.1)', async () => {
    const submission = await tempDir({
      'echo.cjs':
        "const net = require('net'); net.createServer((s) => s.end('pong')).listen(8080, '127.0.0.1', () => net.connect(8080, '127.0.0.1').on('data', (d) => { console.log(String(d)); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(1); }));",
    });
    await writeFile(path.join(submission, 'README.md'), 'x');
    const { session, result } = await runSandboxed({
      submissionDir: submission,
      command: 'node echo.cjs',
      policy: sandboxPolicy({ mode: SANDBOX_MODES.at(-1), wall_seconds: 10 }),
    });
    await session.dispose();
    expect(result.output.trim()).toBe('pong');
  });
});
