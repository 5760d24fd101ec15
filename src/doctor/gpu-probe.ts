/**
 * The NVIDIA GPUs `nvidia-smi` reports (name, memory, driver). A runner without one is normal for
 * courses that train on CPUs, so its absence is a plain line, a warning only when a check asks for
 * a GPU (`sandbox.gpus`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DoctorItem } from './doctor-item.js';

const run = promisify(execFile);

/** The query doctor runs; its CSV has one `name, memory.total, driver_version` row per GPU. */
export const NVIDIA_SMI_ARGS = ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader'];

/** What nvidia-smi said: its rows, or that it is absent, or that it failed (a driver problem). */
export type GpuFacts = { rows: string[] } | { absent: true } | { failed: string };

/** Runs nvidia-smi from PATH. */
export async function probeGpus(): Promise<GpuFacts> {
  try {
    const { stdout } = await run('nvidia-smi', NVIDIA_SMI_ARGS, { timeout: 20_000 });
    return {
      rows: stdout
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (failure.code === 'ENOENT') return { absent: true };
    const said = `${failure.stdout ?? ''}\n${failure.stderr ?? ''}`.trim().split('\n')[0];
    return { failed: said || failure.message.split('\n')[0]! };
  }
}

/** The GPU line; `wanted` is true when the config has a check that passes GPUs through. */
export function gpuItem(facts: GpuFacts, wanted: boolean): DoctorItem {
  const base = { id: 'gpu', name: 'gpu' };
  const asked = wanted ? ': a check in the config asks for a GPU (sandbox.gpus)' : '';
  if ('rows' in facts && facts.rows.length > 0)
    return { ...base, status: 'ok', detail: facts.rows.map((row, index) => `${index}: ${row}`).join('; ') };
  if ('failed' in facts)
    return {
      ...base,
      status: wanted ? 'warning' : 'ok',
      detail: `nvidia-smi is installed but failed (${facts.failed})${asked}`,
      ...(wanted
        ? { fix: 'install or reload the NVIDIA driver matching the kernel (nvidia-smi must list the GPUs)' }
        : {}),
    };
  return {
    ...base,
    status: wanted ? 'warning' : 'ok',
    detail: `no NVIDIA GPU${'absent' in facts ? ' (nvidia-smi not found)' : ''}${asked}`,
    ...(wanted
      ? {
          fix: 'grade on a runner with an NVIDIA GPU and its driver (nvidia-smi), or set sandbox.gpus: none in those checks',
        }
      : {}),
  };
}
