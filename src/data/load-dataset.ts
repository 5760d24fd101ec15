/**
 * Loads a hidden test set for the `model` check: resolves each file inside the hidden data
 * directory, verifies its pinned sha256 before parsing anything, decodes it with the reader for its
 * format, and returns examples and labels ready for preprocessing.
 */

import { createHash } from 'node:crypto';
import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import { CIFAR_CLASSES, readCifarBatch } from './cifar-reader.js';
import { readCsvDataset } from './csv-dataset-reader.js';
import { readIdx } from './idx-reader.js';
import { readNpy } from './npy-reader.js';
import type { RawExamples } from './preprocess.js';

/** A file of the dataset and the sha256 it must have. */
export interface PinnedFile {
  path: string;
  sha256: string;
}

/** The `dataset` block of a `model` check. */
export interface DatasetSpec {
  format: 'idx' | 'cifar10' | 'npy' | 'csv';
  inputs: PinnedFile;
  labels?: PinnedFile | undefined;
  label_column?: string | undefined;
  classes?: string[] | undefined;
  limit?: number | undefined;
}

/** A decoded test set. */
export interface Dataset {
  examples: RawExamples;
  /** Class index of each example. */
  labels: Int32Array;
  classNames: string[];
  /** Log lines (sizes, hashes verified). */
  log: string[];
}

/** What a hidden file whose bytes hash to `actual` instead of its pin is told: one wording for grading and validate. */
export function pinMismatch(file: PinnedFile, actual: string): string {
  return `${file.path} has sha256 ${actual}, but the course config pins ${file.sha256}; the hidden data changed or is the wrong file`;
}

/** Reads and verifies the dataset. Throws InputFileError (file relative to the data dir) on any problem. */
export async function loadDataset(spec: DatasetSpec, dataDir: string, maxBytes: number): Promise<Dataset> {
  const log: string[] = [];
  // Read once, then hash what was read: the bytes decoded are the bytes verified, and a file over
  // `maxBytes` is refused before any of it is hashed.
  const read = async (file: PinnedFile) => {
    const absolute = await resolveInside(dataDir, file.path);
    const bytes = await readInputFile(absolute, file.path, { maxBytes, text: false });
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== file.sha256.toLowerCase()) {
      throw new InputFileError(file.path, pinMismatch(file, actual));
    }
    log.push(`verified ${file.path} (${bytes.length} bytes, sha256 ${actual.slice(0, 12)}…)`);
    return bytes;
  };
  const inputs = await read(spec.inputs);
  const labelBytes = spec.labels ? await read(spec.labels) : undefined;
  const decoded = wrap(spec.inputs.path, () => decode(spec, inputs, labelBytes));
  const limit = Math.min(spec.limit ?? decoded.labels.length, decoded.labels.length);
  return { ...truncate(decoded, limit), log };
}

function decode(
  spec: DatasetSpec,
  inputs: Uint8Array,
  labelBytes: Uint8Array | undefined,
): Omit<Dataset, 'log'> {
  const name = spec.inputs.path;
  if (spec.format === 'cifar10') {
    const batch = readCifarBatch(inputs, name);
    const examples: RawExamples = {
      count: batch.count,
      data: batch.images,
      exampleShape: [3, 32, 32],
      layout: 'chw',
    };
    return { examples, labels: batch.labels, classNames: spec.classes ?? [...CIFAR_CLASSES] };
  }
  if (spec.format === 'csv') return decodeCsv(spec, inputs);
  if (!labelBytes || !spec.labels) throw new Error(`dataset format ${spec.format} needs a labels file`);
  const images = spec.format === 'idx' ? readIdx(inputs, name) : readNpy(inputs, name);
  const labelArray =
    spec.format === 'idx' ? readIdx(labelBytes, spec.labels.path) : readNpy(labelBytes, spec.labels.path);
  const count = images.shape[0] ?? 0;
  const labels = Int32Array.from(labelArray.data as ArrayLike<number>);
  if (labels.length !== count) {
    throw new Error(`${spec.labels.path} has ${labels.length} labels for ${count} examples in ${name}`);
  }
  const exampleShape = images.shape.slice(1);
  const layout = exampleShape.length >= 2 ? 'hwc' : 'flat';
  const data = images.data instanceof Int32Array ? Float32Array.from(images.data) : images.data;
  return { examples: { count, data, exampleShape, layout }, labels, classNames: classNames(spec, labels) };
}

function decodeCsv(spec: DatasetSpec, inputs: Uint8Array): Omit<Dataset, 'log'> {
  const table = readCsvDataset(Buffer.from(inputs).toString('utf8'), spec.inputs.path, {
    labelColumn: spec.label_column ?? 'label',
  });
  const names = spec.classes ?? [...new Set(table.labels)].sort();
  const labels = Int32Array.from(table.labels, (label) => {
    const index = names.indexOf(label);
    if (index < 0) throw new Error(`${spec.inputs.path}: label "${label}" is not in dataset.classes`);
    return index;
  });
  const examples: RawExamples = {
    count: table.rows,
    data: table.features,
    exampleShape: [table.columns.length],
    layout: 'flat',
  };
  return { examples, labels, classNames: names };
}

function classNames(spec: DatasetSpec, labels: Int32Array): string[] {
  if (spec.classes) return spec.classes;
  const top = labels.reduce((max, label) => Math.max(max, label), 0);
  return Array.from({ length: top + 1 }, (_, k) => String(k));
}

function truncate(dataset: Omit<Dataset, 'log'>, limit: number): Omit<Dataset, 'log'> {
  const { examples } = dataset;
  if (limit >= examples.count) return dataset;
  const size = examples.exampleShape.reduce((a, b) => a * b, 1);
  return {
    ...dataset,
    examples: { ...examples, count: limit, data: examples.data.subarray(0, limit * size) },
    labels: dataset.labels.subarray(0, limit),
  };
}

function wrap<T>(file: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(file, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
