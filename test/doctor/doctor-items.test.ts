/**
 * The verdicts of `mlgrade doctor`, item by item, from plain facts (every case of the sandbox and
 * GPU lines), and runDoctor on this machine with only the free-space numbers injected: a full disk
 * is tested without filling one.
 */

import { readFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diskVerdict, formatBytes } from '../../src/doctor/disk-space.js';
import { doctorExitCode, formatDoctorText, summaryLine } from '../../src/doctor/doctor-item.js';
import { gpuItem } from '../../src/doctor/gpu-probe.js';
import { ACTION_NODE, dataDirItem, nodeItem, satisfiesMinimum } from '../../src/doctor/host-probe.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { splitFix } from '../../src/doctor/runtime-probe.js';
import { cgroupItem, sandboxItems } from '../../src/doctor/sandbox-probe.js';
import { bubblewrapWorksHere } from '../helpers/bubblewrap-here.js';
import { tempDir } from '../helpers/temp-dir.js';

const GIB = 1024 ** 3;
const facts = (bwrap: boolean, unshare: boolean, root: boolean, installed = true) => ({
  bwrap,
  unshare,
  root,
  bwrapPath: installed ? '/usr/bin/bwrap' : undefined,
  bwrapVersion: installed ? 'bubblewrap 0.8.0' : undefined,
  unsharePath: '/usr/bin/unshare',
});
const statuses = (items: { id: string; status: string }[]) =>
  Object.fromEntries(items.map((item) => [item.id, item.status]));

describe('sandbox lines', () => {
  it('is all ok where bubblewrap works', () => {
    expect(statuses(sandboxItems(facts(true, true, true)))).toEqual({
      bubblewrap: 'ok',
      unshare: 'ok',
      sandbox: 'ok',
    });
  });

  it('warns, with the apt package, when a root grader falls back to unshare', () => {
    const items = sandboxItems(facts(false, true, true, false));
    expect(statuses(items)).toEqual({ bubblewrap: 'warning', unshare: 'ok', sandbox: 'warning' });
    expect(items[0]).toMatchObject({ detail: 'bwrap is not on PATH', fix: 'apt-get install -y bubblewrap' });
  });

  it('is missing when a non-root grader has no bubblewrap, with pickMode’s own message as the fix', () => {
    const items = sandboxItems(facts(false, false, false, false));
    expect(statuses(items)).toEqual({ bubblewrap: 'warning', unshare: 'warning', sandbox: 'missing' });
    expect(items[2]!.fix).toMatch(/^no sandbox is available to run student code: install bubblewrap/);
    expect(doctorExitCode(items)).toBe(1);
  });

  it('says bubblewrap is installed but refused namespaces, and how to allow them', () => {
    const [bubblewrap] = sandboxItems(facts(false, true, true));
    expect(bubblewrap).toMatchObject({ status: 'warning' });
    expect(bubblewrap!.detail).toContain('installed but cannot create a sandbox here');
    expect(bubblewrap!.fix).toContain('kernel.unprivileged_userns_clone=1');
  });
});

describe('cgroups line', () => {
  it('is ok when a run gets a cgroup, and names the controllers of a v2 tree', () => {
    const item = cgroupItem({
      layout: { v2: '/sys/fs/cgroup/runner' },
      v2Controllers: ['cpu', 'memory', 'pids'],
      made: { mechanism: 'cgroup v2' },
    });
    expect(item.status).toBe('ok');
    expect(item.detail).toContain('controllers: memory yes, pids yes, cpu yes');
  });

  it('warns with the delegation fix when runs fall back to rlimits', () => {
    const item = cgroupItem({
      layout: { v2: '/sys/fs/cgroup/runner' },
      v2Controllers: ['cpu'],
      made: { unavailable: 'cgroups are not writable by the grader (EACCES)' },
    });
    expect(item).toMatchObject({ status: 'warning' });
    expect(item.detail).toContain('memory no, pids no, cpu yes');
    expect(item.detail).toContain('per-process rlimits, cgroups are not writable by the grader (EACCES)');
    expect(item.fix).toContain('Delegate=');
  });
});

describe('gpu line', () => {
  it('is a plain line without a GPU when no check asks for one, a warning when one does', () => {
    expect(gpuItem({ absent: true }, false)).toEqual({
      id: 'gpu',
      name: 'gpu',
      status: 'ok',
      detail: 'no NVIDIA GPU (nvidia-smi not found)',
    });
    const wanted = gpuItem({ absent: true }, true);
    expect(wanted.status).toBe('warning');
    expect(wanted.detail).toBe(
      'no NVIDIA GPU (nvidia-smi not found): a check in the config asks for a GPU (sandbox.gpus)',
    );
    expect(wanted.fix).toContain('sandbox.gpus: none');
  });

  it('lists what nvidia-smi reports', () => {
    expect(gpuItem({ rows: ['NVIDIA H100 80GB HBM3, 81559 MiB, 550.54.15'] }, true)).toMatchObject({
      status: 'ok',
      detail: '0: NVIDIA H100 80GB HBM3, 81559 MiB, 550.54.15',
    });
  });

  it('warns about a failing driver only when a check needs it', () => {
    const failed = {
      failed: 'NVIDIA-SMI has failed because it couldn’t communicate with the NVIDIA driver.',
    };
    expect(gpuItem(failed, false).status).toBe('ok');
    expect(gpuItem(failed, true).status).toBe('warning');
  });
});

describe('disk lines', () => {
  it('warns under 5 GiB and is missing under 1 GiB', () => {
    expect(diskVerdict('disk:tmp', 'temp', '/tmp', 40 * GIB).status).toBe('ok');
    expect(diskVerdict('disk:tmp', 'temp', '/tmp', 4.9 * GIB)).toMatchObject({
      status: 'warning',
      detail: '4.9 GiB free on /tmp (under 5.0 GiB)',
    });
    const full = diskVerdict('disk:tmp', 'temp', '/tmp', 200 * 1024 ** 2);
    expect(full).toMatchObject({ status: 'missing', detail: '200 MiB free on /tmp (under 1.0 GiB)' });
    expect(full.fix).toContain('TMPDIR');
    expect(formatBytes(0)).toBe('0 MiB');
  });
});

describe('node line', () => {
  it('compares against the engines minimum', () => {
    expect(satisfiesMinimum('20.18.0', '>=20.18')).toBe(true);
    expect(satisfiesMinimum('20.17.9', '>=20.18')).toBe(false);
    expect(satisfiesMinimum('22.1.0', '>=20.18')).toBe(true);
    expect(satisfiesMinimum('22.1.0', '^20')).toBeUndefined();
    expect(nodeItem('18.19.0', '>=20.18', false)).toMatchObject({ status: 'missing' });
    expect(nodeItem('20.18.1', '>=20.18', true)).toMatchObject({ status: 'warning' });
    expect(nodeItem('24.4.0', '>=20.18', true)).toMatchObject({ status: 'ok' });
  });

  it('names the node version action.yml declares', () => {
    const action = parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string } };
    expect(action.runs.using).toBe(ACTION_NODE);
  });
});

describe('hidden data line', () => {
  it('is missing when the directory is absent or world-writable, ok otherwise', async () => {
    const root = await tempDir({ 'data/labels.csv': 'id,label\n' });
    const data = path.join(root, 'data');
    await chmod(data, 0o750);
    expect(await dataDirItem(data, true)).toMatchObject({ status: 'ok' });
    expect(await dataDirItem(path.join(root, 'nope'), true)).toMatchObject({
      status: 'missing',
      detail: `${path.join(root, 'nope')} does not exist`,
    });
    await chmod(data, 0o777);
    const open = await dataDirItem(data, true);
    expect(open).toMatchObject({ status: 'missing', fix: `chmod o-w ${data}` });
    expect(open.detail).toContain('writable by every user (mode 777)');
    expect(await dataDirItem(undefined, true)).toMatchObject({ status: 'warning' });
    expect(await dataDirItem(undefined, false)).toMatchObject({ status: 'ok' });
  });
});

describe('runtime messages', () => {
  it('puts the sandbox’s fix in the fix column', () => {
    expect(
      splitFix(
        'runtime /opt/v (Python 3.11.7) lacks torch (ModuleNotFoundError: No module named torch): install it on the runner (/opt/v/bin/python3 -m pip install torch) or change sandbox.requires in the course config',
        'used by a1/reproduce',
      ),
    ).toEqual({
      detail:
        'runtime /opt/v (Python 3.11.7) lacks torch (ModuleNotFoundError: No module named torch); used by a1/reproduce',
      fix: 'install it on the runner (/opt/v/bin/python3 -m pip install torch) or change sandbox.requires in the course config',
    });
  });
});

describe('runDoctor on this machine', () => {
  it('reports a full temp disk as missing (exit 1) and a nearly full working disk as a warning', async () => {
    const cwd = await tempDir();
    const items = await runDoctor({
      cwd,
      freeSpace: async (where) => (where === os.tmpdir() ? 300 * 1024 ** 2 : 3 * GIB),
    });
    const tmp = items.find((item) => item.id === 'disk:tmp')!;
    expect(tmp).toMatchObject({
      status: 'missing',
      detail: `300 MiB free on ${os.tmpdir()} (under 1.0 GiB)`,
    });
    expect(items.find((item) => item.id === 'disk:work')).toMatchObject({
      status: 'warning',
      detail: `3.0 GiB free on ${cwd} (under 5.0 GiB)`,
    });
    expect(doctorExitCode(items)).toBe(1);
    // Without bubblewrap (CI's bare run) the bubblewrap and sandbox lines are warnings too.
    const warnings = bubblewrapWorksHere() ? '1 warning' : '3 warnings';
    expect(summaryLine(items)).toMatch(new RegExp(`^\\d+ ok, ${warnings}, 1 missing$`));
    expect(formatDoctorText(items)).toContain(`fix: free space on the filesystem holding ${os.tmpdir()}`);
  });

  it('is ready here with plenty of disk: the sandbox this machine offers, no GPU is a plain line', async () => {
    const items = await runDoctor({ freeSpace: async () => 100 * GIB });
    const sandbox = bubblewrapWorksHere() ? 'ok' : 'warning';
    expect(statuses(items)).toMatchObject({ bubblewrap: sandbox, sandbox, gpu: 'ok', node: 'ok' });
    expect(items.find((item) => item.id === 'gpu')!.detail).toBe('no NVIDIA GPU (nvidia-smi not found)');
    expect(doctorExitCode(items)).toBe(0);
  });

  it('says why a data directory whose disk cannot be read is missing', async () => {
    const root = await tempDir();
    const data = path.join(root, 'hidden');
    await mkdir(data, { mode: 0o750 });
    const items = await runDoctor({
      dataDir: data,
      freeSpace: async (where) => {
        if (where === data) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        return 100 * GIB;
      },
    });
    expect(items.find((item) => item.id === 'disk:data')).toMatchObject({
      status: 'missing',
      detail: `cannot read the free space of ${data} (EIO)`,
    });
  });
});
