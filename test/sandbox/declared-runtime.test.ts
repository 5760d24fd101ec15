/**
 * A course's declared Python runtime (`sandbox.runtime`, `sandbox.requires`): resolved on the
 * runner, visible to the run's uid in every sandbox mode (also when it lies under a directory other
 * users cannot enter, like a pyenv in /root), and checked by a preflight inside the sandbox.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reproduceCheck } from '../../src/checks/reproduce.js';
import { describeRuntime, resolveRuntime } from '../../src/sandbox/resolve-runtime.js';
import { mergeSandboxSpecs } from '../../src/sandbox/sandbox-spec.js';
import { contextFor, runCheck } from '../helpers/temp-dir.js';
import { SANDBOX_MODES, sandboxProcessesAlive } from './sandbox-helpers.js';

const example = path.resolve(import.meta.dirname, '../../examples/submissions/repro-honest');
const TOLERANCES = { accuracy: { abs: 0.01 }, loss: { rel: 0.05 } };
const hasNumpy = (python: string) => {
  try {
    execFileSync(python, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// Two virtualenvs made from the grader's own python3, inside a 0700 directory (as a venv under
// /root would be): one that sees the base installation's packages (numpy among them) and one bare.
let parent: string;
let withNumpy: string;
let bare: string;
beforeAll(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-runtimes-'));
  await chmod(parent, 0o700);
  withNumpy = path.join(parent, 'with-numpy');
  bare = path.join(parent, 'bare');
  execFileSync('python3', ['-m', 'venv', '--without-pip', '--system-site-packages', withNumpy]);
  execFileSync('python3', ['-m', 'venv', '--without-pip', bare]);
  // The example trains with numpy: the grader's python3 must have it (.ci/run makes sure).
  expect(hasNumpy(path.join(withNumpy, 'bin', 'python'))).toBe(true);
}, 60_000);
afterAll(() => rm(parent, { recursive: true, force: true }));

const reproduce = (sandbox: Record<string, unknown>) =>
  runCheck(
    reproduceCheck,
    { metrics_file: 'results/metrics.json', metrics: TOLERANCES, sandbox: { wall_seconds: 60, ...sandbox } },
    contextFor(example),
  );

describe('declared runtime', () => {
  it.each(SANDBOX_MODES)(
    'reproduces the numpy example with a venv runtime under a 0700 directory (mode %s)',
    async (mode) => {
      const outcome = await reproduce({ mode, runtime: withNumpy, requires: ['numpy'] });
      expect(outcome.findings).toEqual([]);
      expect(outcome.status).toBe('pass');
      expect(outcome.metrics!['reproduced.accuracy']).toBeCloseTo(0.916, 3);
      expect(outcome.logs![0]).toContain(`runtime: ${withNumpy} (Python `);
      expect(await sandboxProcessesAlive()).toBe(0);
    },
  );

  it.each(SANDBOX_MODES)(
    'stops with a runner error, not a student failure, when the runtime lacks a required package (mode %s)',
    async (mode) => {
      const outcome = await reproduce({ mode, runtime: bare, requires: ['numpy'] });
      expect(outcome.status).toBe('error');
      expect(outcome.summary).toBe("The runner's Python runtime is not ready for this course");
      expect(outcome.findings).toHaveLength(1);
      expect(outcome.findings![0]!.message).toMatch(
        new RegExp(
          `^runtime ${bare} \\(Python [\\d.]+\\) lacks numpy \\(ModuleNotFoundError: No module named 'numpy'\\): install it on the runner`,
        ),
      );
    },
  );

  it('names a runtime path that does not exist, and what to do', async () => {
    const missing = path.join(parent, 'no-such-venv');
    const outcome = await reproduce({ runtime: missing });
    expect(outcome.status).toBe('error');
    expect(outcome.findings![0]!.message).toBe(
      `sandbox.runtime ${missing} does not exist on this runner; create the environment there (e.g. python3 -m venv ${missing}) or fix sandbox.runtime in the course config.`,
    );
  });

  it('resolves a venv to its own prefix and its base installation, venv bin first on PATH', async () => {
    const runtime = await resolveRuntime(withNumpy);
    const base = execFileSync(path.join(withNumpy, 'bin', 'python'), [
      '-c',
      'import sys; print(sys.base_prefix)',
    ])
      .toString()
      .trim();
    expect(runtime.python).toBe(path.join(withNumpy, 'bin', 'python3'));
    expect(runtime.path[0]).toBe(path.join(withNumpy, 'bin'));
    expect(runtime.bind).toContain(withNumpy);
    if (!['/usr', '/usr/local'].includes(base)) expect(runtime.bind).toContain(base);
  });
});

describe('describing the runtime', () => {
  it("names the Python environment, not another mounted prefix such as node's", () => {
    const runtime = {
      declared: 'system',
      python: '/usr/bin/python3',
      version: '3.11.2',
      prefix: '/usr',
      bind: ['/opt/node-v20'],
      path: ['/opt/node-v20/bin'],
    };
    expect(describeRuntime(runtime)).toBe('/usr (Python 3.11.2)');
    expect(describeRuntime({ ...runtime, python: undefined, prefix: undefined, declared: 'auto' })).toBe(
      'auto: no python3',
    );
  });
});

describe('course-wide sandbox defaults', () => {
  it('lets a check override scalars while env, bind_ro and requires add up', () => {
    const merged = mergeSandboxSpecs(
      { runtime: '/opt/venv', requires: ['numpy'], env: { A: '1' }, bind_ro: ['/data'], memory_mb: 1024 },
      { requires: ['torch', 'numpy'], env: { B: '2' }, memory_mb: 4096 },
    );
    expect(merged).toEqual({
      runtime: '/opt/venv',
      requires: ['numpy', 'torch'],
      env: { A: '1', B: '2' },
      bind_ro: ['/data'],
      memory_mb: 4096,
    });
    expect(mergeSandboxSpecs(undefined, { mode: 'bwrap' })).toEqual({ mode: 'bwrap' });
    expect(mergeSandboxSpecs({ runtime: 'system' }, undefined)).toEqual({ runtime: 'system' });
  });
});
