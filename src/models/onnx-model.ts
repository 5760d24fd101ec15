/**
 * Runs an ONNX model with onnxruntime-node, in this process: what the contained child process
 * (onnx-child.ts, started by onnx-process.ts) runs, and the bench's bare baseline. The CUDA execution provider is tried first when the
 * runtime was built with it (a GPU runner), else the CPU provider with one intra-op thread per core,
 * which is how onnxruntime uses every core (no worker threads needed).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Tensor32 } from '../data/preprocess.js';
import type { LoadedModel } from './loaded-model.js';
import { onnxParameterCount } from './onnx-parameters.js';

type Ort = typeof import('onnxruntime-node');

/** Creates a session from the model bytes. Throws onnxruntime's message when the model is invalid. */
export async function loadOnnxModel(
  bytes: Uint8Array,
  threads = os.availableParallelism(),
): Promise<LoadedModel> {
  const ort = (await import('onnxruntime-node')) as Ort;
  // Counted (and checked for external data) before onnxruntime sees the bytes.
  const parameters = onnxParameterCount(bytes);
  const { session, device } = await createSession(ort, bytes, threads);
  const input = session.inputMetadata[0];
  const output = session.outputMetadata[0];
  const dims = (meta: typeof input | typeof output) =>
    meta?.isTensor ? meta.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : null)) : [];
  return {
    format: 'onnx',
    backend: 'onnxruntime-node',
    device,
    versions: { 'onnxruntime-node': ort.env.versions.node ?? ort.env.versions.common },
    inputShape: dims(input),
    outputShape: output?.isTensor ? dims(output) : undefined,
    inputDtype: input?.isTensor ? input.type : 'unknown',
    parameters,
    trainableParameters: null,
    bytesOnDisk: bytes.length,
    async predict(batch: Tensor32) {
      const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', batch.data, batch.shape) };
      const result = await session.run(feeds);
      const tensor = result[session.outputNames[0]!]!;
      if (tensor.type !== 'float32')
        throw new Error(`the model outputs ${tensor.type}; it must output float32 class scores`);
      const scores = tensor.data as Float32Array;
      return { scores, classes: scores.length / batch.shape[0]! };
    },
    dispose: () => session.release(),
  };
}

async function createSession(ort: Ort, bytes: Uint8Array, threads: number) {
  const options = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all' as const,
  };
  if (ort.listSupportedBackends().some((backend) => backend.name === 'cuda') && cudaProviderInstalled()) {
    try {
      const session = await ort.InferenceSession.create(bytes, { ...options, executionProviders: ['cuda'] });
      return { session, device: 'cuda' };
    } catch {
      // No usable GPU on this runner: the CPU provider below is the intended fallback.
    }
  }
  const session = await ort.InferenceSession.create(bytes, { ...options, executionProviders: ['cpu'] });
  return { session, device: 'cpu' };
}

/**
 * onnxruntime-node lists `cuda` on every Linux x64 build, but the provider library is only present
 * when the CUDA binaries were installed (GPU runners); asking for it otherwise prints a native error.
 */
export function cudaProviderInstalled(): boolean {
  const manifest = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  const dir = path.join(path.dirname(manifest), 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'));
}
