import { describe, expect, it } from 'vitest';
import { preprocess, type RawExamples } from '../../src/data/preprocess.js';

/** One 2×2 image with 2 channels stored HWC: pixel p, channel c holds 10p + c. */
const hwc: RawExamples = {
  count: 1,
  data: Uint8Array.of(0, 1, 10, 11, 20, 21, 30, 31),
  exampleShape: [2, 2, 2],
  layout: 'hwc',
};

describe('preprocess', () => {
  it('keeps HWC images as NHWC by default', () => {
    expect(preprocess(hwc, {})).toEqual({
      shape: [1, 2, 2, 2],
      data: Float32Array.of(0, 1, 10, 11, 20, 21, 30, 31),
    });
  });

  it('scales bytes to 0–1 and normalises each channel with mean/std', () => {
    const out = preprocess(
      { ...hwc, data: Uint8Array.of(255, 0, 0, 255, 51, 102, 0, 0) },
      { scale: true, mean: [0.5, 0], std: [0.5, 2] },
    );
    expect([...out.data].map((v) => Math.round(v * 100) / 100)).toEqual([1, 0, -1, 0.5, -0.6, 0.2, -1, 0]);
  });

  it('lays HWC images out NCHW, and reads CHW images (CIFAR) into NHWC', () => {
    expect(preprocess(hwc, { layout: 'nchw' })).toEqual({
      shape: [1, 2, 2, 2],
      data: Float32Array.of(0, 10, 20, 30, 1, 11, 21, 31),
    });
    const chw: RawExamples = {
      ...hwc,
      data: Uint8Array.of(0, 10, 20, 30, 1, 11, 21, 31),
      exampleShape: [2, 2, 2],
      layout: 'chw',
    };
    expect(preprocess(chw, {}).data).toEqual(Float32Array.from(hwc.data));
  });

  it('flattens images for dense networks and treats 2-D MNIST images as one channel', () => {
    const mnist: RawExamples = {
      count: 2,
      data: new Uint8Array(2 * 4).fill(255),
      exampleShape: [2, 2],
      layout: 'hwc',
    };
    expect(preprocess(mnist, { scale: true, flatten: true })).toEqual({
      shape: [2, 4],
      data: new Float32Array(8).fill(1),
    });
    expect(preprocess(mnist, {}).shape).toEqual([2, 2, 2, 1]);
  });

  it('rejects mean/std lists that do not match the channels', () => {
    expect(() => preprocess(hwc, { mean: [1, 2, 3] })).toThrow(
      /preprocess\.mean has 3 values; give 1 or one per channel \(2\)/,
    );
  });
});

describe('preprocess against the formula (x·scale − mean)/std, value by value', () => {
  /** The documented formula, computed independently of the implementation's loops. */
  function reference(raw: RawExamples, scale: boolean, mean: number[], std: number[], nchw: boolean) {
    const [d0, d1, d2] = raw.exampleShape as [number, number, number];
    const channels = raw.layout === 'chw' ? d0 : d2;
    const plane = raw.layout === 'chw' ? d1 * d2 : d0 * d1;
    const out: number[] = [];
    for (let n = 0; n < raw.count; n++)
      for (let i = 0; i < plane * channels; i++) {
        // Output position i in the requested layout → its pixel and channel → the stored index.
        const c = nchw ? Math.floor(i / plane) : i % channels;
        const p = nchw ? i % plane : Math.floor(i / channels);
        const stored = raw.layout === 'chw' ? c * plane + p : p * channels + c;
        const x = raw.data[n * plane * channels + stored]!;
        out.push(((scale ? x / 255 : x) - mean[c]!) / std[c]!);
      }
    return out;
  }

  const bytes = Uint8Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => (i * 37) % 256);
  it.each([
    ['HWC → NHWC', 'hwc', [4, 5, 3], false],
    ['HWC → NCHW', 'hwc', [4, 5, 3], true],
    ['CHW → NCHW', 'chw', [3, 4, 5], true],
    ['CHW → NHWC', 'chw', [3, 4, 5], false],
  ] as const)('%s with per-channel mean and std', (_, layout, shape, nchw) => {
    const raw: RawExamples = { count: 2, data: bytes, exampleShape: [...shape], layout };
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const out = preprocess(raw, { scale: true, mean, std, layout: nchw ? 'nchw' : 'nhwc' });
    const expected = reference(raw, true, mean, std, nchw);
    expect(out.data.length).toBe(expected.length);
    // float32 storage: equal to the double-precision formula within float32 rounding.
    for (const [i, value] of expected.entries()) expect(out.data[i]).toBeCloseTo(value, 5);
  });
});
