/**
 * Turns decoded examples into the float32 tensor a model expects, as the course config declares:
 * scale bytes to 0–1, normalise each channel with mean/std, lay images out NHWC or NCHW, or flatten.
 * Done once per dataset in plain loops so that inference threads get ready-made batches.
 */

/** Examples as read from disk, before preprocessing. */
export interface RawExamples {
  count: number;
  data: Uint8Array | Float32Array;
  /** Shape of one example as stored, e.g. [28, 28, 1] (HWC), [3, 32, 32] (CHW) or [13] (features). */
  exampleShape: number[];
  /** How images are stored; `flat` for feature vectors. */
  layout: 'hwc' | 'chw' | 'flat';
}

/** Preprocessing options (the `preprocess` block of a `model` check). */
export interface PreprocessOptions {
  /** Divide by 255 (bytes → 0–1) before normalising. */
  scale?: boolean | undefined;
  /** Per-channel (or single) mean subtracted after scaling. */
  mean?: readonly number[] | undefined;
  /** Per-channel (or single) standard deviation divided by after subtracting the mean. */
  std?: readonly number[] | undefined;
  /** Image layout the model expects (default nhwc). */
  layout?: 'nhwc' | 'nchw' | undefined;
  /** Flatten each example to a vector (dense networks). */
  flatten?: boolean | undefined;
}

/** A float32 batch tensor: shape[0] is the example count. */
export interface Tensor32 {
  shape: number[];
  data: Float32Array;
}

/** Applies `options` to `raw`. Throws when mean/std do not match the channel count. */
export function preprocess(raw: RawExamples, options: PreprocessOptions): Tensor32 {
  const { height, width, channels } = geometry(raw);
  const mean = perChannel(options.mean, channels, 0, 'mean');
  const std = perChannel(options.std, channels, 1, 'std');
  if (std.some((value) => value === 0)) throw new Error('preprocess.std must not contain 0');
  const factor = options.scale ? 1 / 255 : 1;
  // (x·factor − mean)/std as one multiply-add per value: x·a[c] + b[c].
  const a = Float64Array.from(std, (s) => factor / s);
  const b = Float64Array.from(mean, (m, c) => -m / std[c]!);
  const toChw = raw.layout !== 'flat' && options.layout === 'nchw';
  const plane = height * width;
  const size = plane * channels;
  const out = new Float32Array(raw.count * size);
  const source = raw.data;
  const storedChw = raw.layout === 'chw';
  if (storedChw === toChw || channels === 1) {
    // The layout stays as stored (or one channel, where HWC and CHW are the same bytes): one pass in
    // memory order; the channel of element i is i mod channels (interleaved) or i div plane (planar).
    if (channels === 1) {
      const a0 = a[0]!;
      const b0 = b[0]!;
      for (let i = 0; i < out.length; i++) out[i] = source[i]! * a0 + b0;
    } else if (!storedChw) {
      for (let i = 0; i < out.length; i += channels)
        for (let c = 0; c < channels; c++) out[i + c] = source[i + c]! * a[c]! + b[c]!;
    } else {
      for (let n = 0; n < raw.count; n++)
        for (let c = 0; c < channels; c++) {
          const base = n * size + c * plane;
          const ac = a[c]!;
          const bc = b[c]!;
          for (let p = 0; p < plane; p++) out[base + p] = source[base + p]! * ac + bc;
        }
    }
  } else {
    for (let n = 0; n < raw.count; n++) {
      const base = n * size;
      for (let p = 0; p < plane; p++)
        for (let c = 0; c < channels; c++) {
          const from = storedChw ? c * plane + p : p * channels + c;
          const to = toChw ? c * plane + p : p * channels + c;
          out[base + to] = source[base + from]! * a[c]! + b[c]!;
        }
    }
  }
  const exampleShape =
    options.flatten || raw.layout === 'flat'
      ? [size]
      : toChw
        ? [channels, height, width]
        : [height, width, channels];
  return { shape: [raw.count, ...exampleShape], data: out };
}

function geometry(raw: RawExamples): { height: number; width: number; channels: number } {
  const shape = raw.exampleShape;
  if (raw.layout === 'flat') return { height: 1, width: shape.reduce((a, b) => a * b, 1), channels: 1 };
  if (shape.length === 2) return { height: shape[0]!, width: shape[1]!, channels: 1 };
  if (shape.length !== 3) throw new Error(`images must have 2 or 3 dimensions, found ${shape.join('×')}`);
  return raw.layout === 'chw'
    ? { channels: shape[0]!, height: shape[1]!, width: shape[2]! }
    : { height: shape[0]!, width: shape[1]!, channels: shape[2]! };
}

function perChannel(values: readonly number[] | undefined, channels: number, fallback: number, name: string) {
  if (values === undefined) return new Array<number>(channels).fill(fallback);
  if (values.length === 1) return new Array<number>(channels).fill(values[0]!);
  if (values.length !== channels) {
    throw new Error(
      `preprocess.${name} has ${values.length} values; give 1 or one per channel (${channels})`,
    );
  }
  return [...values];
}
