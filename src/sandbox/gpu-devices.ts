/** GPU pass-through: which device files to mount and how to describe the device in the results. */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** NVIDIA device files (/dev/nvidia0, /dev/nvidiactl, /dev/nvidia-uvm, …) when `gpus` asks for any. */
export async function gpuDevices(gpus: string): Promise<string[]> {
  if (gpus === 'none') return [];
  try {
    const names = await readdir('/dev');
    return names.filter((name) => name.startsWith('nvidia')).map((name) => `/dev/${name}`);
  } catch {
    return [];
  }
}

/** CUDA_VISIBLE_DEVICES for the student command: empty hides every GPU, unset means all. */
export function cudaVisibleDevices(gpus: string): Record<string, string> {
  if (gpus === 'all') return {};
  return { CUDA_VISIBLE_DEVICES: gpus === 'none' ? '' : gpus };
}

/** "cpu", or the GPU names nvidia-smi reports for the devices passed through. */
export async function describeDevice(devices: string[], gpus: string): Promise<string> {
  if (devices.length === 0) return 'cpu';
  try {
    const { stdout } = await run('nvidia-smi', ['--query-gpu=index,name', '--format=csv,noheader'], {
      timeout: 10_000,
    });
    const wanted = gpus === 'all' ? undefined : new Set(gpus.split(',').map((id) => id.trim()));
    const names = stdout
      .split('\n')
      .map((line) => line.split(',').map((part) => part.trim()))
      .filter(([index, name]) => name && (!wanted || wanted.has(index!)))
      .map(([index, name]) => `${index}: ${name}`);
    return names.length > 0 ? `gpu ${names.join('; ')}` : 'cpu (no GPU visible)';
  } catch {
    return `gpu (${devices.length} NVIDIA device files; nvidia-smi unavailable)`;
  }
}
