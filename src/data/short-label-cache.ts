/**
 * A front for {@link LabelDictionary} for labels of at most 3 bytes ("0".."999", "cat", "A"), which is
 * what most coursework label files hold. Their bytes and length pack exactly into one integer, so a
 * lookup is an integer hash probe with no byte comparison; the dictionary is asked once per label.
 */
import type { LabelDictionary } from './label-dictionary.js';

const SLOTS = 4096;
const EMPTY = -1;

/** Packs up to 3 bytes and their count into one non-negative integer (count in the top byte). */
export function packShortLabel(bytes: Uint8Array, start: number, end: number): number {
  let key = 0;
  for (let pos = start; pos < end; pos++) key = (key << 8) | bytes[pos]!;
  return key | ((end - start) << 24);
}

/** Integer-keyed cache of label indexes for short labels. */
export class ShortLabelCache {
  private readonly keys = new Int32Array(SLOTS).fill(EMPTY);
  private readonly values = new Int32Array(SLOTS);
  private size = 0;

  constructor(private readonly dictionary: LabelDictionary) {}

  /** Label index for `key` (from {@link packShortLabel} over `bytes[start, end)`), interning on a miss. */
  lookup(key: number, bytes: Uint8Array, start: number, end: number): number {
    for (let slot = Math.imul(key, 0x9e3779b1) >>> 20; ; slot = (slot + 1) & (SLOTS - 1)) {
      const stored = this.keys[slot]!;
      if (stored === key) return this.values[slot]!;
      if (stored === EMPTY) return this.insert(slot, key, bytes, start, end);
    }
  }

  private insert(slot: number, key: number, bytes: Uint8Array, start: number, end: number): number {
    const index = this.dictionary.internBytes(bytes, start, end);
    // Keep the table at most half full so probes stay short; past that, misses go to the dictionary.
    if (this.size < SLOTS / 2) {
      this.keys[slot] = key;
      this.values[slot] = index;
      this.size++;
    }
    return index;
  }
}
