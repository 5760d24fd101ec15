/**
 * Reader for CIFAR-10 binary batches (`data_batch_N.bin`, `test_batch.bin`): records of one label
 * byte followed by 3,072 pixel bytes, channel-major (1,024 red, then green, then blue, each 32×32
 * row-major). Images come out as NCHW bytes, the layout of the file.
 */
import { gunzipSync } from 'node:zlib';
import { isGzip, MAX_IDX_BYTES } from './idx-reader.js';

/** Pixels per image: 3 channels × 32 × 32. */
/** The CIFAR-10 class names, in label order (batches store labels 0–9). */
export const CIFAR_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

export const CIFAR_IMAGE_BYTES = 3 * 32 * 32;
const RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;

/** Images (NCHW bytes, shape [n, 3, 32, 32]) and their labels (0–9). */
export interface CifarBatch {
  count: number;
  images: Uint8Array;
  labels: Int32Array;
}

/** Parses a CIFAR-10 binary batch (optionally gzipped). Throws when the size or a label is wrong. */
export function readCifarBatch(buffer: Uint8Array, name: string): CifarBatch {
  const bytes = isGzip(buffer) ? gunzipSync(buffer, { maxOutputLength: MAX_IDX_BYTES }) : buffer;
  if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
    throw new Error(
      `${name} is ${bytes.length} bytes, not a whole number of ${RECORD_BYTES}-byte CIFAR-10 records; the file is truncated or not a CIFAR-10 binary batch`,
    );
  }
  const count = bytes.length / RECORD_BYTES;
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const start = i * RECORD_BYTES;
    const label = bytes[start]!;
    if (label > 9) throw new Error(`${name}: record ${i + 1} has label ${label}; CIFAR-10 labels are 0–9`);
    labels[i] = label;
    images.set(bytes.subarray(start + 1, start + RECORD_BYTES), i * CIFAR_IMAGE_BYTES);
  }
  return { count, images, labels };
}

/** Builds a CIFAR-10 binary batch from NCHW bytes and labels (fixture script and tests). */
export function writeCifarBatch(images: Uint8Array, labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length * RECORD_BYTES);
  for (let i = 0; i < labels.length; i++) {
    out[i * RECORD_BYTES] = labels[i]!;
    out.set(images.subarray(i * CIFAR_IMAGE_BYTES, (i + 1) * CIFAR_IMAGE_BYTES), i * RECORD_BYTES + 1);
  }
  return out;
}
