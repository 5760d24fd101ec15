/**
 * Interns label values to small integer class indexes, keyed on their UTF-8 bytes. A million-row file
 * with a hundred classes creates a hundred strings, not a million: the bytes of each row are hashed
 * and compared in place, and a JS string is made only the first time a label is seen.
 */

/** Returned by the intern methods when the label is new and the dictionary is closed to new labels. */
export const LABEL_OVERFLOW = -2;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** FNV-1a over `bytes[start, end)`: cheap per byte, good enough spread for short label values. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash;
}

/** A byte-keyed label → index table (open addressing, linear probing). */
export class LabelDictionary {
  /** Label text by index, in first-seen order. */
  readonly names: string[] = [];
  private slots = new Int32Array(256); // index + 1, 0 = empty
  private hashes = new Int32Array(64);
  private offsets = new Int32Array(65); // key i is pool[offsets[i], offsets[i + 1])
  private pool = new Uint8Array(1024);
  private limit = Number.POSITIVE_INFINITY;
  private readonly encoder = new TextEncoder();

  /** Number of distinct labels interned so far. */
  get size(): number {
    return this.names.length;
  }

  /** From now on at most `extra` new labels are added; later new ones intern as {@link LABEL_OVERFLOW}. */
  limitNewLabels(extra: number): void {
    this.limit = this.names.length + extra;
  }

  /** Index of the label spelled by `bytes[start, end)`, adding it when new. */
  internBytes(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(bytes, start, end);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) return this.add(bytes, start, end, hash, slot);
      if (this.hashes[entry] === hash && this.sameKey(entry, bytes, start, end)) return entry;
    }
  }

  /** Index of `label`, adding it when new (the slow path for JSONL values and quoted CSV fields). */
  internString(label: string): number {
    const bytes = this.encoder.encode(label);
    return this.internBytes(bytes, 0, bytes.length);
  }

  /** Index of `label` or -1, never adding it. */
  indexOf(label: string): number {
    const limit = this.limit;
    this.limit = 0;
    const index = this.internString(label);
    this.limit = limit;
    return index === LABEL_OVERFLOW ? -1 : index;
  }

  private sameKey(entry: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.offsets[entry]!;
    if (this.offsets[entry + 1]! - from !== end - start) return false;
    for (let i = 0; i < end - start; i++) if (this.pool[from + i] !== bytes[start + i]) return false;
    return true;
  }

  private add(bytes: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const entry = this.names.length;
    if (entry >= this.limit) return LABEL_OVERFLOW;
    if (entry + 1 >= this.hashes.length) this.growEntries();
    const from = this.offsets[entry]!;
    if (from + end - start > this.pool.length) this.pool = grown(this.pool, from + end - start);
    this.pool.set(bytes.subarray(start, end), from);
    this.offsets[entry + 1] = from + end - start;
    this.hashes[entry] = hash;
    this.names.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8'));
    this.slots[slot] = entry + 1;
    if (this.names.length * 2 > this.slots.length) this.rehash();
    return entry;
  }

  private growEntries(): void {
    this.hashes = grown(this.hashes, this.hashes.length * 2);
    this.offsets = grown(this.offsets, this.offsets.length * 2);
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let entry = 0; entry < this.names.length; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry + 1;
    }
  }
}

/** A copy of `array` with room for at least `minLength` elements (doubling). */
function grown<T extends Uint8Array | Int32Array>(array: T, minLength: number): T {
  let length = array.length * 2;
  while (length < minLength) length *= 2;
  const copy = new (array.constructor as new (length: number) => T)(length);
  copy.set(array);
  return copy;
}
