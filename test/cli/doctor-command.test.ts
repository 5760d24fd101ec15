/**
 * `mlgrade doctor` as a real process on this machine: bubblewrap is installed here and there is no
 * GPU; bubblewrap (and unshare) are hidden by a PATH of symlinks that leaves them out, and a runtime
 * lacking a required package is a python3 script first on PATH that runs a bare virtualenv.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DoctorItem } from '../../src/doctor/doctor-item.js';
import { bubblewrapWorksHere } from '../helpers/bubblewrap-here.js';
import { EXAMPLE_CONFIG, ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = process.getuid?.() === 0;
let cacheDir: string;
beforeAll(async () => {
  // The sandbox's cross-process cache of probes and runtimes: a fresh one, so no earlier process's
  // answer stands in for this test's PATH.
  cacheDir = await tempDir();
});

/** Runs `node bin/mlgrade.js doctor ARGS` with `env` laid over this process's environment. */
async function doctor(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'bin', 'mlgrade.js'), 'doctor', ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', MLGRADE_CACHE_DIR: cacheDir, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A PATH of one directory holding a symlink to every command on this PATH except `left out`. */
async function pathWithout(...leftOut: string[]): Promise<string> {
  const bin = path.join(await tempDir(), 'bin');
  await mkdir(bin);
  const seen = new Set(leftOut);
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      await symlink(path.join(dir, name), path.join(bin, name));
    }
  }
  return bin;
}

const line = (stdout: string, name: string) =>
  stdout.split('\n').find((text) => new RegExp(`^\\w+\\s+${name}\\s`).test(text));

const course = (sandbox: string) => `course:
  id: doctor-test
  title: Doctor test
  sandbox: ${sandbox}
assignments:
  - id: a1
    title: A1
    checks:
      - id: reproduce
        kind: reproduce
        metrics: { accuracy: { abs: 0.01 } }
    rubric:
      - { id: reproduced, title: Reproduced, points: 10, pass: reproduce }
`;

describe('mlgrade doctor on this machine', () => {
  it('is ready with the example course: the sandbox this machine offers, no GPU is a plain line, exit 0', async () => {
    const { code, stdout } = await doctor(['--config', EXAMPLE_CONFIG]);
    expect(code).toBe(0);
    if (bubblewrapWorksHere()) {
      expect(line(stdout, 'bubblewrap')).toMatch(
        /^ok\s+bubblewrap\s+\S*bwrap \(bubblewrap [\d.]+\) creates a sandbox here/,
      );
      expect(line(stdout, 'sandbox')).toMatch(/^ok\s+sandbox\s+student code runs under bubblewrap/);
      expect(stdout).toMatch(/\nmlgrade doctor: \d+ ok, 0 warnings, 0 missing\n$/);
    } else {
      // CI's bare run: bwrap hidden, the root grader falls back to unshare (warnings, not missing).
      expect(line(stdout, 'bubblewrap')).toMatch(/^warning\s+bubblewrap\s/);
      expect(line(stdout, 'sandbox')).toMatch(/^warning\s+sandbox\s+student code runs under unshare/);
      expect(stdout).toMatch(/\nmlgrade doctor: \d+ ok, 2 warnings, 0 missing\n$/);
    }
    expect(line(stdout, 'gpu')).toMatch(/^ok\s+gpu\s+no NVIDIA GPU \(nvidia-smi not found\)$/);
    expect(line(stdout, 'runtime auto')).toContain(
      'used by repro-baseline/reproduce, service-load-test/service',
    );
    expect(line(stdout, 'hidden data')).toMatch(
      /examples\/hidden-data exists, is readable and not world-writable$/,
    );
  });

  it('prints the items as JSON with --json', async () => {
    const { code, stdout } = await doctor(['--json']);
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as DoctorItem[];
    expect(items.map((item) => item.id)).toEqual([
      'bubblewrap',
      'unshare',
      'sandbox',
      'cgroups',
      'runtime:auto',
      'gpu',
      'disk:work',
      'disk:tmp',
      'node',
      'data',
    ]);
    for (const item of items) expect(['ok', 'warning', 'missing']).toContain(item.status);
    expect(items.find((item) => item.id === 'gpu')).toEqual({
      id: 'gpu',
      name: 'gpu',
      status: 'ok',
      detail: 'no NVIDIA GPU (nvidia-smi not found)',
    });
  });

  it('without bubblewrap on PATH, says to install it; a root grader still has unshare (warnings, exit 0)', async () => {
    const bin = await pathWithout('bwrap');
    const { code, stdout } = await doctor([], { PATH: bin });
    expect(line(stdout, 'bubblewrap')).toMatch(/^warning\s+bubblewrap\s+bwrap is not on PATH$/);
    expect(stdout).toContain('fix: apt-get install -y bubblewrap');
    if (root) {
      expect(line(stdout, 'sandbox')).toMatch(/^warning\s+sandbox\s+student code runs under unshare/);
      expect(code).toBe(0);
    } else {
      expect(line(stdout, 'sandbox')).toMatch(/^missing\s+sandbox\s+no safe sandbox/);
      expect(code).toBe(1);
    }
  });

  it('without bubblewrap and unshare, the sandbox is missing with what to install (exit 1)', async () => {
    const bin = await pathWithout('bwrap', 'unshare');
    const { code, stdout } = await doctor(['--json'], { PATH: bin });
    expect(code).toBe(1);
    const sandbox = (JSON.parse(stdout) as DoctorItem[]).find((item) => item.id === 'sandbox')!;
    expect(sandbox.status).toBe('missing');
    expect(sandbox.fix).toMatch(/install bubblewrap \(apt-get install -y bubblewrap\)/);
  });

  it('names a runtime lacking a required package, with the pip command (exit 1)', async () => {
    const dir = await tempDir({ 'mlgrade.yml': course('{ requires: [numpy] }') });
    const venv = path.join(dir, 'bare-venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    // A python3 first on PATH that is not the grader's: it runs a virtualenv without numpy.
    await writeFile(path.join(bin, 'python3'), `#!/bin/sh\nexec ${venv}/bin/python3 "$@"\n`);
    await chmod(path.join(bin, 'python3'), 0o755);
    const { code, stdout } = await doctor(['--config', path.join(dir, 'mlgrade.yml'), '--json'], {
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(code).toBe(1);
    const runtime = (JSON.parse(stdout) as DoctorItem[]).find((item) => item.id === 'runtime:auto:numpy')!;
    expect(runtime.status).toBe('missing');
    expect(runtime.detail).toMatch(
      new RegExp(
        `^runtime ${venv} \\(Python [\\d.]+\\) lacks numpy \\(ModuleNotFoundError: No module named 'numpy'\\); used by a1/reproduce$`,
      ),
    );
    expect(runtime.fix).toBe(
      `install it on the runner (${venv}/bin/python3 -m pip install numpy) or change sandbox.requires in the course config`,
    );
  });

  it('is missing a runtime whose checks insist on bubblewrap where there is none, and still checks its packages', async () => {
    const dir = await tempDir({ 'mlgrade.yml': course('{ mode: bwrap, requires: [json] }') });
    const bin = await pathWithout('bwrap');
    const { code, stdout } = await doctor(['--config', path.join(dir, 'mlgrade.yml'), '--json'], {
      PATH: bin,
    });
    expect(code).toBe(1);
    const runtime = (JSON.parse(stdout) as DoctorItem[]).find((item) => item.id === 'runtime:auto:json')!;
    expect(runtime.status).toBe('missing');
    expect(runtime.detail).toMatch(
      /^no sandbox for these checks \(sandbox.mode bwrap\), they would end in error; outside any sandbox \S+ \(Python [\d.]+\) starts, imports json; used by a1\/reproduce$/,
    );
    expect(runtime.fix).toMatch(
      /^sandbox mode "bwrap" was requested but bubblewrap cannot create a sandbox here; install it \(apt-get install -y bubblewrap\)/,
    );
  });

  it('says a declared runtime that does not exist is missing, and how to create it', async () => {
    const dir = await tempDir({ 'mlgrade.yml': course('{ runtime: /nonexistent/mlgrade-venv }') });
    const { code, stdout } = await doctor(['--config', path.join(dir, 'mlgrade.yml')]);
    expect(code).toBe(1);
    expect(line(stdout, 'runtime /nonexistent/mlgrade-venv')).toMatch(
      /^missing\s+runtime \/nonexistent\/mlgrade-venv\s+sandbox.runtime \/nonexistent\/mlgrade-venv does not exist on this runner; used by a1\/reproduce$/,
    );
    expect(stdout).toContain(
      'fix: create the environment there (e.g. python3 -m venv /nonexistent/mlgrade-venv)',
    );
  });
});

describe('mlgrade doctor, bad input', () => {
  it('is missing a config that does not load, and a data directory that is not there (exit 1)', async () => {
    const dir = await tempDir();
    const { code, stdout } = await runCli([
      'doctor',
      '--config',
      path.join(dir, 'nope.yml'),
      '--data',
      path.join(dir, 'hidden'),
    ]);
    expect(code).toBe(1);
    expect(line(stdout, 'config')).toMatch(/^missing\s+config\s+.*nope\.yml is not a valid course config: /);
    expect(stdout).toContain(`fix: mlgrade validate ${path.join(dir, 'nope.yml')}, and fix what it prints`);
    expect(line(stdout, 'hidden data')).toMatch(/^missing\s+hidden data\s+.*hidden does not exist$/);
  });

  it('refuses unknown options, stray arguments and empty paths with the usage (exit 2)', async () => {
    const unknown = await runCli(['doctor', '--gpu']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^mlgrade doctor: Unknown option '--gpu'/);
    expect(unknown.stderr).toContain('Usage: mlgrade doctor [--config FILE] [--data DIR] [--json]');
    const stray = await runCli(['doctor', 'mlgrade.yml']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain(
      'unexpected argument "mlgrade.yml": doctor checks this machine; name a course config with --config FILE',
    );
    const empty = await runCli(['doctor', '--data', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--data needs a path, got an empty string');
  });

  it('documents itself in mlgrade --help and doctor --help', async () => {
    expect((await runCli(['--help'])).stdout).toContain('doctor [--config FILE] [--data DIR] [--json]');
    const help = await runCli(['doctor', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 nothing missing (warnings allowed), 1 something is missing');
  });
});
