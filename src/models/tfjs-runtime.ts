/**
 * Picks the TF.js backend once per process: `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`
 * when installed (native TensorFlow, multi-threaded), else `@tensorflow/tfjs` with the wasm backend.
 * It never falls back to the plain JavaScript cpu backend, which is tens of times slower: if wasm
 * cannot start, grading stops with an error saying so. The backend is recorded in the results.
 */
type Tf = typeof import('@tensorflow/tfjs');

/** The loaded TF.js namespace and the backend it runs on. */
export interface TfjsRuntime {
  tf: Tf;
  /** `tfjs-node-gpu`, `tfjs-node` or `tfjs-wasm`. */
  backend: string;
  /** `cpu` or `gpu`. */
  device: string;
  /** Package versions for the results environment, e.g. `@tensorflow/tfjs-backend-wasm: 4.22.0`. */
  versions: Record<string, string>;
}

let runtime: Promise<TfjsRuntime> | undefined;

/** The process-wide TF.js runtime (set up on first use). */
export function tfjsRuntime(): Promise<TfjsRuntime> {
  runtime ??= startRuntime();
  return runtime;
}

async function startRuntime(): Promise<TfjsRuntime> {
  for (const [name, device] of [
    ['@tensorflow/tfjs-node-gpu', 'gpu'],
    ['@tensorflow/tfjs-node', 'cpu'],
  ] as const) {
    const native = await optionalImport(name);
    if (native) {
      const tf = native as Tf;
      return {
        tf,
        backend: name.slice('@tensorflow/'.length),
        device,
        versions: { [name]: tf.version.tfjs },
      };
    }
  }
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const ready = await tf.setBackend('wasm').catch(() => false);
  if (!ready || tf.getBackend() !== 'wasm') {
    throw new Error(
      'The TF.js wasm backend could not start (and the slow cpu backend is not used for grading); reinstall @tensorflow/tfjs-backend-wasm or install @tensorflow/tfjs-node.',
    );
  }
  const versions = {
    '@tensorflow/tfjs': tf.version.tfjs,
    '@tensorflow/tfjs-backend-wasm': wasm.version_wasm,
  };
  return { tf, backend: 'tfjs-wasm', device: 'cpu', versions };
}

async function optionalImport(name: string): Promise<unknown> {
  try {
    return await import(name);
  } catch {
    return undefined;
  }
}
