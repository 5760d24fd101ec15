/**
 * Reads a model from the submission in the format the config names (or its file extension implies)
 * and loads it on the right runtime. Every problem with the student's files surfaces as an
 * InputFileError naming the file and what to do, never as a crash.
 */
import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import type { LoadedModel } from './loaded-model.js';
import { OnnxRefusal } from './onnx-parameters.js';
import { InferenceLimitError, type InferenceLimits, loadContainedOnnxModel } from './onnx-process.js';
import { readTfjsArtifacts, type TfjsArtifacts } from './read-tfjs-artifacts.js';
import { loadTfjsModel } from './tfjs-model.js';

/** Model formats a config may name; `auto` picks by extension (.onnx → onnx, else TF.js). */
export type ModelFormat = 'auto' | 'tfjs' | 'onnx';

/** A loaded model and, for TF.js, the artifacts worker threads load their own copies from. */
export interface ModelHandle {
  model: LoadedModel;
  artifacts: TfjsArtifacts | undefined;
}

/**
 * Loads `file` (relative to `root`); `maxBytes` caps model.json plus shards, or the .onnx file. An ONNX
 * model runs in a contained child process, within `limits` (default DEFAULT_INFERENCE_LIMITS).
 */
export async function loadModel(
  root: string,
  file: string,
  format: ModelFormat,
  maxBytes: number,
  limits?: InferenceLimits,
): Promise<ModelHandle> {
  const onnx = format === 'onnx' || (format === 'auto' && file.toLowerCase().endsWith('.onnx'));
  if (onnx) {
    const bytes = await readInputFile(await resolveInside(root, file), file, { maxBytes, text: false });
    const model = await guard(file, 'ONNX model', () => loadContainedOnnxModel(bytes, limits));
    return { model, artifacts: undefined };
  }
  const artifacts = await readTfjsArtifacts(root, file, maxBytes);
  const model = await guard(file, `TF.js ${artifacts.format}`, () => loadTfjsModel(artifacts));
  return { model, artifacts };
}

async function guard<T>(file: string, what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 500) : String(error);
    if (error instanceof InferenceLimitError) {
      throw new InputFileError(file, `${file} could not be loaded: ${why}`, { cause: error });
    }
    if (error instanceof OnnxRefusal) {
      throw new InputFileError(file, `${file} was refused: ${why}`, { cause: error });
    }
    throw new InputFileError(file, `${file} could not be loaded as a ${what}: ${why}`, { cause: error });
  }
}
