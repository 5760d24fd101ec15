/**
 * Loads TF.js artifacts read from disk into a LayersModel or GraphModel through `tf.io.fromMemory`
 * (no URL, no network) and wraps it as a LoadedModel. Layer classes are TF.js's own: a model.json
 * naming an unknown or Lambda layer fails to load rather than running anything the student wrote.
 */
import type { Tensor32 } from '../data/preprocess.js';
import type { LoadedModel } from './loaded-model.js';
import type { TfjsArtifacts } from './read-tfjs-artifacts.js';
import { tfjsRuntime } from './tfjs-runtime.js';

type Tf = typeof import('@tensorflow/tfjs');
type Runnable = { predict?: unknown; execute?: unknown; dispose(): void };

/** Builds the model from artifacts (throws the TF.js message when the topology is not loadable). */
export async function loadTfjsModel(artifacts: TfjsArtifacts): Promise<LoadedModel> {
  const { tf, backend, device, versions } = await tfjsRuntime();
  const handler = tf.io.fromMemory({
    ...artifacts.extra,
    format: artifacts.format,
    modelTopology: artifacts.modelTopology,
    weightSpecs: artifacts.weightSpecs as never,
    weightData: artifacts.weightData,
  });
  const base = {
    backend,
    device,
    versions,
    inputDtype: 'float32',
    parameters: artifacts.parameters,
    bytesOnDisk: artifacts.bytesOnDisk,
  };
  if (artifacts.format === 'graph-model') {
    const model = await tf.loadGraphModel(handler);
    const input = model.inputs[0];
    const output = model.outputs[0];
    return {
      ...base,
      format: 'tfjs-graph',
      inputShape: shapeOf(input?.shape),
      outputShape: output?.shape ? shapeOf(output.shape) : undefined,
      inputDtype: input?.dtype ?? 'float32',
      trainableParameters: null,
      predict: (batch) => run(tf, model as unknown as Runnable, batch),
      dispose: async () => {
        model.dispose();
      },
    };
  }
  const model = await tf.loadLayersModel(handler, { strict: true });
  const count = (weights: { shape: readonly (number | null)[] }[]) =>
    weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  return {
    ...base,
    format: 'tfjs-layers',
    inputShape: shapeOf(model.inputs[0]?.shape),
    outputShape: shapeOf(model.outputs[0]?.shape),
    trainableParameters: count(model.trainableWeights),
    predict: (batch) => run(tf, model as unknown as Runnable, batch),
    dispose: async () => {
      model.dispose();
    },
  };
}

async function run(tf: Tf, model: Runnable, batch: Tensor32) {
  const scores = tf.tidy(() => {
    const input = tf.tensor(batch.data, batch.shape, 'float32');
    const output = (model.predict as (x: unknown) => unknown).call(model, input);
    const first = (Array.isArray(output) ? output[0] : output) as import('@tensorflow/tfjs').Tensor;
    return first.reshape([batch.shape[0]!, -1]);
  });
  const data = (await scores.data()) as Float32Array;
  const classes = scores.shape[1]!;
  scores.dispose();
  return { scores: data, classes };
}

function shapeOf(shape: readonly (number | null | undefined)[] | undefined): (number | null)[] {
  return (shape ?? []).map((dim) => (dim === undefined || dim === null || dim < 0 ? null : dim));
}
