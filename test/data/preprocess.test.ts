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
