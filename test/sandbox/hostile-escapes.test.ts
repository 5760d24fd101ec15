/**
 * Escapes a hostile student tried against the sandbox (issue: hostile submissions), each run for
 * real in every mode this machine offers (`auto` is bubblewrap where installed; `unshare` as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { chmod, readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountDiskQuota, QUOTA_SOURCE, sweepOrphanedQuotas } from '../../src/sandbox/disk-quota.js';
import { describeSandbox, explainRun, limitHit } from '../../src/sandbox/explain-run.js';
import { runSandboxed } from '../../src/sandbox/run-sandboxed.js';
import { type SandboxSpec, sandboxPolicy } from '../../src/sandbox/sandbox-spec.js';
import { repoTempDir, tempDir } from '../helpers/temp-dir.js';
import { SANDBOX_MODES, sandboxProcessesAlive } from './sandbox-helpers.js';

async function run(command: string, spec: SandboxSpec, hiddenPaths: string[] = []) {
  const submission = await tempDir({ 'README.md': 'x' });
  const { session, result } = await runSandboxed({
    submissionDir: submission,
    command,
    policy: sandboxPolicy({ wall_seconds: 20, ...spec }),
    hiddenPaths,
  });
  await session.dispose();
  return result;
}

afterEach(async () => {
  expect(await sandboxProcessesAlive()).toBe(0);
});

describe.each(SANDBOX_MODES)('hostile escapes (mode %s)', (mode) => {
  it('never shows world-readable hidden data outside /tmp, and still runs', async () => {
    const hidden = await repoTempDir({ 'labels.csv': 'id,label\n1,SECRET-LABEL\n' });
    await chmod(hidden, 0o755);
    await chmod(path.join(hidden, 'labels.csv'), 0o644);
    const result = await run(`cat ${hidden}/labels.csv; ls ${hidden}; echo done`, { mode }, [hidden]);
    expect(result.output).not.toContain('SECRET-LABEL');
    expect(result.output).not.toMatch(/^labels\.csv$/m);
    expect(result.output).toContain('done');
  });

  it('masks hidden data reached through a symlink into a mounted directory', async () => {
    const shared = await repoTempDir({
      'hidden/labels.csv': 'id,label\n1,SECRET-LABEL\n',
      'public.txt': 'ok',
    });
    await chmod(shared, 0o755);
    await chmod(path.join(shared, 'hidden'), 0o755);
    await chmod(path.join(shared, 'hidden', 'labels.csv'), 0o644);
    const link = path.join(await repoTempDir(), 'data-link');
    await symlink(path.join(shared, 'hidden'), link);
    const result = await run(
      `cat ${shared}/public.txt; echo; cat ${shared}/hidden/labels.csv; echo done`,
      { mode, bind_ro: [shared] },
      [link],
    );
    expect(result.output).toContain('ok');
    expect(result.output).not.toContain('SECRET-LABEL');
    expect(result.output).toContain('done');
  });

  it('masks hidden data inside a bind_ro directory that lies under /tmp (mounted back over the private /tmp)', async () => {
    const shared = await tempDir({ 'hidden/labels.csv': 'id,label\n1,SECRET-LABEL\n', 'public.txt': 'ok' });
    await chmod(shared, 0o755);
    await chmod(path.join(shared, 'hidden'), 0o755);
    await chmod(path.join(shared, 'hidden', 'labels.csv'), 0o644);
    const result = await run(
      `cat ${shared}/public.txt; echo; cat ${shared}/hidden/labels.csv; echo done`,
      { mode, bind_ro: [shared] },
      [path.join(shared, 'hidden')],
    );
    expect(result.output).toContain('ok');
    expect(result.output).not.toContain('SECRET-LABEL');
    expect(result.output).toContain('done');
  });

  it("hides the runner's workspace (the course config's checkout) and the dispatch's event file", async () => {
    const workspace = await repoTempDir({ 'course/.github/mlgrade.yml': 'course: SECRET-CONFIG\n' });
    const events = await repoTempDir({ 'event.json': '{"inputs":{"results_key":"SECRET-KEY"}}' });
    for (const dir of [
      workspace,
      path.join(workspace, 'course'),
      path.join(workspace, 'course', '.github'),
      events,
    ])
      await chmod(dir, 0o755);
    vi.stubEnv('GITHUB_WORKSPACE', workspace);
    vi.stubEnv('GITHUB_EVENT_PATH', path.join(events, 'event.json'));
    try {
      const result = await run(
        `cat ${workspace}/course/.github/mlgrade.yml ${events}/event.json 2>&1; echo done`,
        { mode },
      );
      expect(result.output).not.toMatch(/SECRET-(CONFIG|KEY)/);
      expect(result.output).toContain('done');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('gives the run a writable HOME and TMPDIR (training code caches to ~/.cache)', async () => {
    const result = await run(
      'mkdir -p "$HOME/.cache/torch" && echo x > "$HOME/.cache/torch/w" && echo y > "$TMPDIR/t" && cat "$HOME/.cache/torch/w"',
      { mode },
    );
    expect(result.exitCode).toBe(0);
    expect(result.output.trim()).toBe('x');
  });

  it("keeps what a run writes to /tmp, /var/tmp and /dev/shm away from the runner's and the next run's", async () => {
    const marker = `mlgrade-escape-${process.pid}-${mode}`;
    const first = await run(
      `for d in /tmp /var/tmp /dev/shm; do echo leak > $d/${marker} || true; done; echo written`,
      {
        mode,
      },
    );
    expect(first.output).toContain('written');
    for (const dir of ['/tmp', '/var/tmp', '/dev/shm']) {
      const entries = await readdir(dir).catch(() => []);
      expect(entries).not.toContain(marker);
    }
    const second = await run(
      `cat /tmp/${marker} /var/tmp/${marker} /dev/shm/${marker} 2>/dev/null; echo end`,
      { mode },
    );
    expect(second.output).not.toContain('leak');
  });
});

describe('the copy of the submission', () => {
  it('leaves a FIFO out of the copy instead of blocking on it or failing', async () => {
    const submission = await tempDir({ 'README.md': 'x' });
    execFileSync('mkfifo', [path.join(submission, 'metrics.json')]);
    const { session, result } = await runSandboxed({
      submissionDir: submission,
      command: 'ls -A; echo done',
      policy: sandboxPolicy({ wall_seconds: 10 }),
    });
    await session.dispose();
    expect(result.output.split('\n')).not.toContain('metrics.json');
    expect(result.output).toContain('README.md');
    expect(result.output).toContain('done');
  }, 15_000);
});

describe.each(SANDBOX_MODES)('disk quota (mode %s)', (mode) => {
  it('stops a run that writes past its disk quota with ENOSPC of its own, and empties it afterwards', async () => {
    const policy = sandboxPolicy({ mode, wall_seconds: 20, disk_mb: 16 });
    const submission = await tempDir({ 'README.md': 'x' });
    const { session, result } = await runSandboxed({
      submissionDir: submission,
      command: 'head -c 67108864 /dev/zero > big.bin; echo "exit $?"',
      policy,
    });
    const root = path.dirname(session.workDir);
    await session.dispose();
    // Kept mounted for the next run (disk-quota-reuse.test.ts), but with nothing of this one in it.
    expect(await readdir(root).catch(() => [])).toEqual(process.getuid?.() === 0 ? ['.mlgrade-owner'] : []);
    if (process.getuid?.() !== 0) {
      expect(result.disk).toEqual({ unavailable: 'the grader is not root' });
      return;
    }
    expect(result.disk).toEqual({ mb: 16 });
    expect(result.output).toMatch(/No space left on device/);
    expect(limitHit({ ...result, exitCode: 1 })).toBe('disk');
    const [finding] = explainRun({ ...result, exitCode: 1 }, policy, 'The command');
    expect(finding!.message).toBe(
      'The command ran out of disk space: the run may write 16 MiB in its copy of the repository and 512 MiB in /tmp; write less (fewer checkpoints, smaller logs) or ask the instructor for a larger sandbox.disk_mb.',
    );
    expect(describeSandbox(result)).toMatch(/; disk: 16 MiB$/);
  });
});

describe('disk-full findings without a quota', () => {
  it("says the runner's disk is full when the run had no quota of its own", () => {
    const policy = sandboxPolicy({});
    const result = {
      mode: 'bwrap' as const,
      runtime: '/usr (Python 3.11.2)',
      limits: { mechanism: 'rlimit' as const, memoryMb: 4096, processes: 256, oomKills: 0, forksRefused: 0 },
      disk: { unavailable: 'the grader is not root' },
      exitCode: 1,
      signal: null,
      timedOut: false,
      outputExceeded: false,
      stopped: false,
      wallMs: 10,
      outputBytes: 40,
      output: 'OSError: [Errno 28] No space left on device',
      leftover: 0,
    };
    expect(limitHit(result)).toBe('disk');
    expect(explainRun(result, policy, 'The command')[0]!.message).toBe(
      "The command ran out of disk space: the runner's disk is full (the run may write 512 MiB in /tmp); write less (fewer checkpoints, smaller logs) or ask the instructor for a larger sandbox.disk_mb.",
    );
  });
});

describe('quotas left by a killed grader', () => {
  it('unmounts a quota whose grader is gone and keeps a live one (no quotas without root)', async () => {
    if (process.getuid?.() !== 0) {
      expect(await mountDiskQuota(await tempDir(), 1)).toEqual({ unavailable: 'the grader is not root' });
      return;
    }
    const dead = spawnSync('true').pid;
    const mounted = async (owner: number) => {
      const dir = await tempDir();
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', QUOTA_SOURCE, dir]);
      writeFileSync(path.join(dir, '.mlgrade-owner'), String(owner));
      return dir;
    };
    const orphan = await mounted(dead);
    const live = await mounted(process.pid);
    try {
      expect(await sweepOrphanedQuotas()).toBeGreaterThanOrEqual(1);
      const mounts = await readFile('/proc/self/mountinfo', 'utf8');
      expect(mounts).not.toContain(` ${orphan} `);
      expect(existsSync(orphan)).toBe(false);
      expect(mounts).toContain(` ${live} `);
    } finally {
      execFileSync('umount', ['-l', live]);
    }
  });
});
