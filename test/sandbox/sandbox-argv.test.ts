import { describe, expect, it } from 'vitest';
import { type SandboxLayout, sandboxArgv } from '../../src/sandbox/sandbox-argv.js';
import { sandboxPolicy } from '../../src/sandbox/sandbox-spec.js';

const layout = (overrides: Partial<SandboxLayout> = {}): SandboxLayout => ({
  mode: 'bwrap',
  policy: sandboxPolicy({ memory_mb: 512, processes: 16, cpu_seconds: 30, bind_ro: ['/srv/data'] }),
  workDir: '/tmp/copy/work',
  hiddenPaths: ['/srv/data/hidden', '/elsewhere/hidden'],
  runtime: { bind: ['/root/.pyenv/versions/3.11.7'], path: ['/root/.pyenv/versions/3.11.7/bin'] },
  gpuDevices: [],
  uid: 2_000_123,
  command: 'python train.py',
  env: { PATH: '/usr/bin', HOME: '/tmp' },
  ...overrides,
});

const pairs = (argv: string[], flag: string) =>
  argv.flatMap((arg, i) => (arg === flag ? [`${argv[i + 1]} ${argv[i + 2] ?? ''}`.trim()] : []));

describe('sandbox command line', () => {
  it('isolates with bubblewrap: namespaces, read-only system, private copy, limits, dedicated uid', () => {
    const { argv, cwd } = sandboxArgv(layout());
    expect(argv[0]).toBe('bwrap');
    expect(cwd).toBe('/');
    expect(argv).toEqual(
      expect.arrayContaining(['--unshare-net', '--unshare-pid', '--die-with-parent', '--clearenv']),
    );
    expect(pairs(argv, '--ro-bind')).toEqual([
      '/root/.pyenv/versions/3.11.7 /root/.pyenv/versions/3.11.7',
      '/srv/data /srv/data',
    ]);
    expect(pairs(argv, '--bind')).toEqual(['/tmp/copy/work /submission']);
    expect(argv).toEqual(
      expect.arrayContaining(['--setenv', 'HOME', '/tmp', '--reuid=2000123', '--nproc=16']),
    );
    expect(argv).toEqual(expect.arrayContaining([`--as=${512 * 1024 * 1024}`, '--cpu=30']));
    expect(argv.slice(-3)).toEqual(['/bin/sh', '-c', 'python train.py']);
  });

  it('masks hidden data that lies under a mounted directory, after the mounts', () => {
    const { argv } = sandboxArgv(layout());
    const mask = argv.lastIndexOf('/srv/data/hidden');
    expect(argv[mask - 1]).toBe('--tmpfs');
    expect(mask).toBeGreaterThan(argv.indexOf('/srv/data'));
    expect(argv).not.toContain('/elsewhere/hidden');
  });

  it("mounts a runtime that lives under /tmp after /tmp's own tmpfs, so the tmpfs cannot cover it", () => {
    const venv = '/tmp/course/venv';
    const { argv } = sandboxArgv(layout({ runtime: { bind: [venv], path: [`${venv}/bin`] } }));
    const tmpfs = argv.findIndex((arg, i) => arg === '--tmpfs' && argv[i + 1] === '/tmp');
    const bind = argv.findIndex((arg, i) => arg === '--ro-bind' && argv[i + 1] === venv);
    const parent = argv.findIndex((arg, i) => arg === '--dir' && argv[i + 1] === '/tmp/course');
    expect(tmpfs).toBeGreaterThan(0);
    expect(parent).toBeGreaterThan(tmpfs);
    expect(bind).toBeGreaterThan(parent);
  });

  it('uses a user namespace instead of a dedicated uid when not root', () => {
    const { argv } = sandboxArgv(layout({ uid: undefined }));
    expect(argv).toContain('--unshare-user');
    expect(argv).not.toContain('setpriv');
  });

  it('passes GPU device files through and exposes /sys read-only', () => {
    const { argv } = sandboxArgv(layout({ gpuDevices: ['/dev/nvidia0', '/dev/nvidiactl'] }));
    expect(pairs(argv, '--dev-bind')).toEqual(['/dev/nvidia0 /dev/nvidia0', '/dev/nvidiactl /dev/nvidiactl']);
  });

  it('still limits resources in mode none, but runs in the copy without namespaces', () => {
    const { argv, cwd } = sandboxArgv(layout({ mode: 'none' }));
    expect(argv[0]).toBe('prlimit');
    expect(cwd).toBe('/tmp/copy/work');
  });
});
