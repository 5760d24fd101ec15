/**
 * Reader for NumPy `.npy` files (format versions 1–3): float32 or uint8 arrays for inputs, and
 * uint8/int32/int64 arrays for labels. Only little-endian, C-order arrays are accepted; the header is
 * parsed as data (never evaluated) and the payload size must match the declared shape exactly.
 */

/** A decoded array: its shape and values. int64 labels arrive as Int32Array (checked to fit). */
export interface NpyArray {
  shape: number[];
  dtype: 'float32' | 'uint8' | 'int32' | 'int64';
  data: Float32Array | Uint8Array | Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DTYPES: Record<string, { dtype: NpyArray['dtype']; bytes: number }> = {
  '<f4': { dtype: 'float32', bytes: 4 },
  '|u1': { dtype: 'uint8', bytes: 1 },
  '<u1': { dtype: 'uint8', bytes: 1 },
  '<i4': { dtype: 'int32', bytes: 4 },
  '<i8': { dtype: 'int64', bytes: 8 },
};

/** Parses an `.npy` buffer. Throws with the file name and what to change on any unsupported content. */
export function readNpy(buffer: Uint8Array, name: string): NpyArray {
  if (buffer.length < 10 || MAGIC.some((byte, i) => buffer[i] !== byte)) {
    throw new Error(`${name} is not a .npy file (missing the \\x93NUMPY magic); save it with numpy.save`);
  }
  const major = buffer[6]!;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes + headerLength;
  if (major < 1 || major > 3 || start > buffer.length) throw new Error(`${name} has a malformed .npy header`);
  const header = Buffer.from(buffer.subarray(8 + lengthBytes, start)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const type = descr === undefined ? undefined : DTYPES[descr];
  if (!type) {
    throw new Error(
      `${name} has dtype ${descr ?? '(none)'}; save float32, uint8, int32 or int64 (little-endian)`,
    );
  }
  if (fortran !== 'False')
    throw new Error(`${name} is in Fortran order; save it with numpy.ascontiguousarray`);
  const shape = (shapeText ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
  if (shapeText === undefined || shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    throw new Error(`${name} has an unreadable shape in its .npy header`);
  }
  const count = shape.reduce((product, dim) => product * dim, 1);
  if (buffer.length - start !== count * type.bytes) {
    throw new Error(
      `${name} declares shape (${shape.join(', ')}) of ${descr} (${count * type.bytes} bytes) but holds ${buffer.length - start} bytes; the file is truncated or corrupt`,
    );
  }
  return { shape, dtype: type.dtype, data: decode(buffer.subarray(start), type.dtype, count, name) };
}

function decode(payload: Uint8Array, dtype: NpyArray['dtype'], count: number, name: string) {
  // Copy so the typed array is aligned whatever the header length was.
  const aligned = new Uint8Array(payload).buffer;
  if (dtype === 'uint8') return new Uint8Array(aligned);
  if (dtype === 'float32') return new Float32Array(aligned);
  if (dtype === 'int32') return new Int32Array(aligned);
  const wide = new BigInt64Array(aligned);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const value = wide[i]!;
    if (value < -2147483648n || value > 2147483647n)
      throw new Error(`${name}: value ${value} at ${i} does not fit a label`);
    out[i] = Number(value);
  }
  return out;
}

/** Builds a version-1 `.npy` buffer (tests and fixture scripts). */
export function writeNpy(shape: readonly number[], data: Float32Array | Uint8Array | Int32Array): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Int32Array ? '<i4' : '|u1';
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
