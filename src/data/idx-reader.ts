/**
 * Reader for the IDX format MNIST ships in (raw or gzip-compressed): a big-endian header with the
 * element type and dimension sizes, then the data. Only unsigned bytes are accepted, the type every
 * MNIST-style file uses, so a file is never reinterpreted as a different element width.
 */
import { gunzipSync } from 'node:zlib';

/** An IDX tensor: its dimensions and its bytes (row-major). */
export interface IdxTensor {
  shape: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Largest decompressed size accepted, so a hostile gzip cannot expand without bound. */
export const MAX_IDX_BYTES = 1024 * 1024 * 1024;

/** Parses an IDX buffer (gunzipping it first when it starts with the gzip magic). Throws on any mismatch. */
export function readIdx(buffer: Uint8Array, name: string): IdxTensor {
  const bytes = isGzip(buffer) ? gunzipSync(buffer, { maxOutputLength: MAX_IDX_BYTES }) : buffer;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${name} is not an IDX file (it does not start with two zero bytes)`);
  }
  if (bytes[2] !== UBYTE) {
    throw new Error(
      `${name} holds IDX type 0x${bytes[2]!.toString(16)}; only unsigned bytes (0x08) are supported`,
    );
  }
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerBytes) throw new Error(`${name} has a truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((product, dim) => product * dim, 1);
  if (bytes.length !== headerBytes + size) {
    throw new Error(
      `${name} should hold ${size} values for dimensions ${dims.join('×')} but has ${bytes.length - headerBytes}; the file is truncated or corrupt`,
    );
  }
  return { shape: dims, data: bytes.subarray(headerBytes) };
}

/** Builds an IDX buffer of unsigned bytes (used by tests and the fixture scripts). */
export function writeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = UBYTE;
  header[3] = dims.length;
  for (const [i, dim] of dims.entries()) view.setUint32(4 + 4 * i, dim);
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** True when the buffer starts with the gzip magic bytes. */
export function isGzip(buffer: Uint8Array): boolean {
  return buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}
