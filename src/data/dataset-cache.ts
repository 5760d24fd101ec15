/**
 * Decoded, preprocessed test sets kept in memory for the next check that asks for the same one: a
 * class graded in one process (`mlgrade grade-all`, the action's batch mode) reads, hashes, decodes
 * and preprocesses each hidden test set once instead of once per submission.
 *
 * Keyed by everything that shapes the tensor: the data directory, each file's path and sha256 pin,
 * the format, label column, class list, limit and the preprocessing options. A hit is used only
 * while every file still has the size, mtime, ctime, inode and device it had when it was read and
 * hashed; any change reads and verifies it again. That is safe because hidden data is the grader's,
 * never the student's: what the check guards against is a wrong or replaced file, which changes
 * these. The ctime is what makes it so: a copy that keeps the old size and restores the old mtime
 * (`cp -p`, `rsync -t`, `touch -r`) still sets the ctime, which nothing in user space can set back.
 *
 * Bounded in bytes (default 512 MiB; `MLGRADE_DATASET_CACHE_MB`, 0 turns it off), least recently
 * used first out; a set larger than the bound is used and not kept. Consumers must not write into
 * the tensors they get (the model code copies what it hands to workers and children).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type Dataset, type DatasetSpec, loadDataset } from './load-dataset.js';
import { type PreprocessOptions, preprocess, type Tensor32 } from './preprocess.js';

/** A test set ready for a model. */
export interface PreparedDataset {
  dataset: Dataset;
  inputs: Tensor32;
  /** True when it came from the cache (its log says so too). */
  cached: boolean;
}

interface Entry {
  key: string;
  files: FileIdentity[];
  bytes: number;
  prepared: Omit<PreparedDataset, 'cached'>;
}

interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  /** Status change time: set by the kernel on every write or utimes, never settable back. */
  ctimeMs: number;
  ino: number;
  dev: number;
}

const DEFAULT_BOUND_MB = 512;

/** An LRU of prepared test sets, bounded in bytes. */
export class DatasetCache {
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<Omit<PreparedDataset, 'cached'>>>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The prepared test set, from memory when its files are unchanged, else read, verified and kept. */
  async prepare(
    spec: DatasetSpec,
    options: PreprocessOptions,
    dataDir: string,
    maxFileBytes: number,
  ): Promise<PreparedDataset> {
    const key = cacheKey(spec, options, dataDir);
    const files = [spec.inputs, ...(spec.labels ? [spec.labels] : [])].map((file) =>
      path.join(dataDir, file.path),
    );
    const held = this.#entries.get(key);
    if (held && (await unchanged(held.files))) {
      // Most recently used goes last.
      this.#entries.delete(key);
      this.#entries.set(key, held);
      const log = [
        ...held.prepared.dataset.log,
        'test set from the in-process cache (files unchanged since verified)',
      ];
      return { dataset: { ...held.prepared.dataset, log }, inputs: held.prepared.inputs, cached: true };
    }
    if (held) this.#drop(key);
    // Concurrent checks asking for the same set share one read.
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#load(key, spec, options, dataDir, maxFileBytes, files).finally(() =>
        this.#loading.delete(key),
      );
      this.#loading.set(key, loading);
    }
    return { ...(await loading), cached: false };
  }

  async #load(
    key: string,
    spec: DatasetSpec,
    options: PreprocessOptions,
    dataDir: string,
    maxFileBytes: number,
    files: string[],
  ): Promise<Omit<PreparedDataset, 'cached'>> {
    // Identities first: a file replaced while it is read then fails the next comparison, never passes it.
    const before = await identities(files);
    const dataset = await loadDataset(spec, dataDir, maxFileBytes);
    const inputs = preprocess(dataset.examples, options);
    const prepared = { dataset, inputs };
    const bytes = inputs.data.byteLength + dataset.examples.data.byteLength + dataset.labels.byteLength;
    if (before && bytes <= this.maxBytes) {
      this.#entries.set(key, { key, files: before, bytes, prepared });
      this.#bytes += bytes;
      for (const [oldest] of this.#entries) {
        if (this.#bytes <= this.maxBytes) break;
        this.#drop(oldest);
      }
    }
    return prepared;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}

let shared: DatasetCache | undefined;

/** The process's cache, bounded by `MLGRADE_DATASET_CACHE_MB` (default 512; 0 keeps nothing). */
export function sharedDatasetCache(env: NodeJS.ProcessEnv = process.env): DatasetCache {
  if (!shared) {
    const configured = Number(env.MLGRADE_DATASET_CACHE_MB ?? DEFAULT_BOUND_MB);
    const mb = Number.isFinite(configured) && configured >= 0 ? configured : DEFAULT_BOUND_MB;
    shared = new DatasetCache(mb * 1024 * 1024);
  }
  return shared;
}

function cacheKey(spec: DatasetSpec, options: PreprocessOptions, dataDir: string): string {
  return JSON.stringify([
    path.resolve(dataDir),
    spec.format,
    spec.inputs.path,
    spec.inputs.sha256.toLowerCase(),
    spec.labels?.path ?? null,
    spec.labels?.sha256.toLowerCase() ?? null,
    spec.label_column ?? null,
    spec.classes ?? null,
    spec.limit ?? null,
    options.scale ?? null,
    options.mean ?? null,
    options.std ?? null,
    options.layout ?? null,
    options.flatten ?? null,
  ]);
}

/** The files' identities, or undefined when one cannot be read (then nothing is cached). */
async function identities(files: string[]): Promise<FileIdentity[] | undefined> {
  try {
    return await Promise.all(
      files.map(async (file) => {
        const info = await stat(file);
        const { size, mtimeMs, ctimeMs, ino, dev } = info;
        return { path: file, size, mtimeMs, ctimeMs, ino, dev };
      }),
    );
  } catch {
    return undefined;
  }
}

async function unchanged(files: FileIdentity[]): Promise<boolean> {
  const now = await identities(files.map((file) => file.path));
  if (!now) return false;
  return now.every((file, i) => {
    const was = files[i]!;
    return (
      file.size === was.size &&
      file.mtimeMs === was.mtimeMs &&
      file.ctimeMs === was.ctimeMs &&
      file.ino === was.ino &&
      file.dev === was.dev
    );
  });
}
