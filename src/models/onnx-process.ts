/**
 * Runs an ONNX model in a child process (onnx-child.ts), so a hostile model is contained:
 *
 * - the model bytes are inspected first (onnx-parameters.ts: no external data, no loops, at any depth);
 * - the child's working directory is a fresh empty directory, so a path the model names resolves to
 *   nothing of the grader's;
 * - its memory is capped: under `prlimit --data` where prlimit exists (onnxruntime's allocations fail
 *   cleanly past the cap), and by a resident-memory watch that kills it past the cap in every case;
 * - its inference time is capped: the time it spends answering requests, summed, must stay under the
 *   limit, or it is killed (and `prlimit --cpu` backs that up should the parent die first).
 *
 * A child stopped for a limit rejects with InferenceLimitError, whose message says which limit and
 * what to do; the grader itself stays responsive. Each child serves one loaded model and ends with
 * its `dispose()`; while idle it never keeps the grader's process alive. From a process's second
 * model on, a dispose starts the next model's child ahead (a spare, see keepSpare): it loads
 * onnxruntime and reads the last test set while no check waits on it, so the next check pays for
 * neither. A spare holds no model until one takes it, and is taken only by a model with the same
 * limits (its caps were set when it started).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor32 } from '../data/preprocess.js';
import { packageRoot } from '../package-root.js';
import type { LoadedModel } from './loaded-model.js';
import type { OnnxAnswer, OnnxDescription, OnnxRequest } from './onnx-child.js';
import { cudaProviderInstalled } from './onnx-model.js';
import { onnxParameterCount } from './onnx-parameters.js';

/** How long and how much memory a model's inference may take. */
export interface InferenceLimits {
  /** Seconds of inference in all (loading, the test set, latency runs). */
  seconds: number;
  /** MiB the inference process may use (the runtime, the model, the batches it is sent). */
  memoryMiB: number;
}

/** 10 minutes and 4 GiB. */
export const DEFAULT_INFERENCE_LIMITS: InferenceLimits = { seconds: 600, memoryMiB: 4096 };

/** A model stopped for taking more time or memory than its limits allow. */
export class InferenceLimitError extends Error {
  override name = 'InferenceLimitError';
}

/** Loads `bytes` in a contained child process and returns a model that runs there. */
export async function loadContainedOnnxModel(
  bytes: Uint8Array,
  limits: InferenceLimits = DEFAULT_INFERENCE_LIMITS,
  threads = os.availableParallelism(),
): Promise<LoadedModel> {
  onnxParameterCount(bytes); // refusals come before any process starts
  const script = childScript();
  if (!script) throw new Error('the ONNX inference script is missing; run `npm run build`');
  // A spare still starting (a dispose just began it) is waited for: the next model usually comes
  // right after the last one ended, and its own start would cost more than the wait.
  if (spareStarting) await spareStarting;
  const started = takeSpare(limits, threads) ?? (await startChild(script, limits, threads, false));
  const { child, root } = started;
  let preload = started.preload;
  loads++;
  let files = 0;
  /** The inputs the child holds (the test set goes through a file once, see stage). */
  let staged: Float32Array | undefined;
  let description: OnnxDescription;
  try {
    description = (await child.request({ kind: 'load', bytes, threads })) as OnnxDescription;
  } catch (error) {
    await child.close();
    throw error;
  }
  const stage = async (inputs: Tensor32, batchSize: number) => {
    if (staged === inputs.data) return;
    staged = undefined;
    lastStaged = { data: new WeakRef(inputs.data), shape: [...inputs.shape] };
    const offer = preload;
    preload = undefined;
    if (offer && offer.data === inputs.data && sameShape(offer.shape, inputs.shape) && (await offer.done)) {
      // A spare already read these very values (the same array, which no one writes: see preload).
      await child.request({ kind: 'stage', shape: inputs.shape, batchSize });
    } else {
      const file = path.join(root, `inputs-${files++}.f32`);
      await writeValues(file, inputs.data);
      try {
        await child.request({ kind: 'stage', file, shape: inputs.shape, batchSize });
      } finally {
        await rm(file, { force: true });
      }
    }
    staged = inputs.data;
  };
  return {
    ...description,
    predict: (batch: Tensor32) =>
      child.request({ kind: 'predict', batch }) as Promise<{ scores: Float32Array; classes: number }>,
    stage,
    async predictClasses(inputs: Tensor32, batchSize: number) {
      await stage(inputs, batchSize);
      return (await child.request({ kind: 'classes', batchSize })) as {
        predicted: Int32Array;
        classes: number;
      };
    },
    async singleExampleLatency(inputs: Tensor32, runs: number) {
      await stage(inputs, 1);
      return (await child.request({ kind: 'latency', runs })) as { p50: number | null; p95: number | null };
    },
    async dispose() {
      await child.close();
      // A process that loads a second model is grading many (grade-all, a batch, the bench): start
      // the next model's process now, so that it is ready, runtime loaded, when that model comes.
      if (loads >= 2) keepSpare(script, limits, threads);
    },
  };
}

/** A started child and its private directory (root/cwd is its working directory). */
interface Started {
  child: ContainedChild;
  root: string;
  /** The test set a spare read ahead (see keepSpare): which array, and whether the read succeeded. */
  preload?: { data: Float32Array; shape: number[]; done: Promise<boolean> } | undefined;
}

async function startChild(
  script: string,
  limits: InferenceLimits,
  threads: number,
  spare: boolean,
): Promise<Started> {
  // root/cwd is the child's (empty) working directory; the test set's bytes go beside it.
  const root = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-onnx-'));
  try {
    const cwd = path.join(root, 'cwd');
    await mkdir(cwd);
    // spawn may throw (EAGAIN, ENOMEM)
    return { child: new ContainedChild(script, root, cwd, limits, threads, spare), root };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The pre-started process, if any. It has loaded onnxruntime and, when the last test set staged is
 * still alive, read that test set; it has loaded no model. The next model whose limits and threads
 * match takes it, and it serves that one model and ends with it, like any other: a spare only moves
 * the process's start-up (and the test set's copy) off the check's path, never shares a process
 * between two models.
 */
let spare: (Started & { signature: string; expiry: NodeJS.Timeout }) | undefined;
/** The spare being started (its directory made, its process spawned), until `spare` is set. */
let spareStarting: Promise<void> | undefined;
/** Models loaded by this process (a spare is kept only from the second on). */
let loads = 0;
/** The last test set staged, for a spare to read ahead; weak, so it never holds the test set alive. */
let lastStaged: { data: WeakRef<Float32Array>; shape: number[] } | undefined;
/** A spare left unused this long is closed (a long-lived grader should not hold one forever). */
const SPARE_IDLE_MS = 60_000;

function signatureOf(limits: InferenceLimits, threads: number): string {
  return JSON.stringify([limits.seconds, limits.memoryMiB, threads]);
}

/** The spare, when it was started with these limits and threads and is still running. */
function takeSpare(limits: InferenceLimits, threads: number): Started | undefined {
  const taken = spare;
  spare = undefined;
  if (!taken) return undefined;
  clearTimeout(taken.expiry);
  if (taken.signature === signatureOf(limits, threads) && taken.child.adopt()) return taken;
  void taken.child.close();
  return undefined;
}

/** Starts a spare in the background (errors only mean there is none: the next load starts its own). */
function keepSpare(script: string, limits: InferenceLimits, threads: number): void {
  if (spare) return;
  if (spareStarting) return;
  const signature = signatureOf(limits, threads);
  const last = lastStaged;
  const starting: Promise<void> = startChild(script, limits, threads, true).then(
    (started) => {
      if (spare) {
        void started.child.close(); // another dispose started one meanwhile
        return;
      }
      const expiry = setTimeout(() => {
        if (spare?.child === started.child) spare = undefined;
        void started.child.close();
      }, SPARE_IDLE_MS);
      expiry.unref();
      const data = last?.data.deref();
      if (data) started.preload = { data, shape: last!.shape, done: preloadValues(started, data) };
      spare = { ...started, signature, expiry };
      if (!exitHooked) {
        exitHooked = true;
        // The spare ends itself when this process's channel closes; its directory is removed here.
        process.once('exit', () => {
          if (spare) rmSync(spare.root, { recursive: true, force: true });
        });
      }
    },
    () => undefined,
  );
  spareStarting = starting.finally(() => {
    spareStarting = undefined;
  });
}

let exitHooked = false;

/** Sends `data` to a spare's process through a file in its directory; true when it was read. */
async function preloadValues(started: Started, data: Float32Array): Promise<boolean> {
  const file = path.join(started.root, 'preload.f32');
  try {
    await writeValues(file, data);
    await started.child.request({ kind: 'preload', file });
    return true;
  } catch {
    return false; // the model that takes this process is sent the test set as usual
  } finally {
    await rm(file, { force: true });
  }
}

async function writeValues(file: string, data: Float32Array): Promise<void> {
  const { buffer, byteOffset, byteLength } = data;
  await writeFile(file, new Uint8Array(buffer, byteOffset, byteLength), { mode: 0o600 });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/** A request before it is given its id (Omit on each member of the union, not on the union). */
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
type Request = WithoutId<OnnxRequest>;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const WATCH_MS = 50;
const PAGE_BYTES = 4096;

class ContainedChild {
  private readonly process: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Milliseconds of inference left; spent only while a request is pending. */
  private remainingMs: number;
  private busySince = 0;
  private deadline: NodeJS.Timeout | undefined;
  private readonly watch: NodeJS.Timeout | undefined;
  private stopped: InferenceLimitError | undefined;
  private stderr = '';
  private readonly exited: Promise<void>;

  constructor(
    script: string,
    private readonly root: string,
    cwd: string,
    private readonly limits: InferenceLimits,
    threads: number,
    /** A spare (see keepSpare) never keeps the grader alive, even while it reads a test set ahead. */
    private spare: boolean,
  ) {
    this.remainingMs = limits.seconds * 1000;
    const capBytes = limits.memoryMiB * 1024 * 1024;
    const prlimit = findPrlimit();
    // CUDA's driver maps memory in ways a data limit may refuse; on GPU runners the watch alone caps it.
    const hardCap = prlimit && !cudaProviderInstalled();
    const cpuSeconds = Math.ceil(limits.seconds * (threads + 1)) + 60;
    const node = [process.execPath, script];
    const [command, ...args] = prlimit
      ? [prlimit, ...(hardCap ? [`--data=${capBytes}`] : []), `--cpu=${cpuSeconds}`, '--', ...node]
      : node;
    this.process = spawn(command!, args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    // 'close', not 'exit': a process that failed to start emits 'error' and 'close', never 'exit'.
    this.exited = new Promise((resolve) => this.process.once('close', () => resolve()));
    this.process.stderr?.setEncoding('utf8');
    // The stderr pipe would keep the grader alive while the child idles; while a request is pending
    // the child's own handle (see busy) does that.
    (this.process.stderr as { unref?(): void } | null)?.unref?.();
    this.process.stderr?.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-4000);
    });
    this.process.on('message', (answer: OnnxAnswer) => this.settle(answer));
    this.process.once('exit', (code, signal) => this.failAll(this.exitError(code, signal)));
    this.process.on('error', (error) =>
      this.failAll(
        this.process.pid === undefined
          ? new Error(`the inference process could not start: ${error.message}`)
          : error,
      ),
    );
    const pid = this.process.pid;
    if (pid !== undefined && existsSync(`/proc/${pid}/statm`)) {
      this.watch = setInterval(() => {
        if (residentBytes(pid) > capBytes) this.stop(this.memoryError());
      }, WATCH_MS);
      this.watch.unref();
    }
    this.idle();
  }

  /** Makes a spare an ordinary child with its whole time budget; false when it has ended. */
  adopt(): boolean {
    if (this.stopped || this.process.exitCode !== null || this.process.signalCode !== null) return false;
    if (!this.process.connected) return false;
    this.spare = false;
    this.remainingMs = this.limits.seconds * 1000;
    if (this.pending.size > 0) this.busy(); // a read ahead still running: now it counts
    return true;
  }

  request(request: Request): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.process.exitCode !== null || this.process.signalCode !== null || !this.process.connected) {
      return Promise.reject(new Error('the inference process has ended'));
    }
    const id = this.nextId++;
    if (this.pending.size === 0) this.busy();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.process.send({ ...request, id } as OnnxRequest, (error) => {
        if (error) this.settle({ id, ok: false, message: error.message });
      });
    });
  }

  /** Whether the process is still running and reachable. */
  alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null && this.process.connected;
  }

  /** Kills the process at once (the grader is exiting; nothing is awaited). */
  kill(): void {
    this.stopTimers();
    this.process.kill('SIGKILL');
  }

  async close(): Promise<void> {
    this.stopTimers();
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.ref(); // an unref'd child would let the grader's process exit before it is reaped
      this.process.kill('SIGKILL');
    }
    await this.exited;
    await rm(this.root, { recursive: true, force: true });
  }

  private settle(answer: OnnxAnswer): void {
    const entry = this.pending.get(answer.id);
    if (!entry) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.idle();
    if (answer.ok) entry.resolve(answer.result);
    else if (/Failed to allocate memory|bad_alloc/i.test(answer.message)) entry.reject(this.memoryError());
    else entry.reject(new Error(answer.message));
  }

  /** A request is pending: the time limit runs and the child keeps the grader alive. */
  private busy(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.busySince = performance.now();
    this.deadline = setTimeout(() => this.stop(this.timeError()), Math.max(0, this.remainingMs));
    if (this.spare) {
      this.deadline.unref();
      return;
    }
    this.process.ref();
    (this.process.channel as { ref?(): void } | undefined)?.ref?.();
  }

  /** No request is pending: the clock stops and the child never keeps the grader alive. */
  private idle(): void {
    if (this.deadline) {
      clearTimeout(this.deadline);
      this.deadline = undefined;
      this.remainingMs -= performance.now() - this.busySince;
    }
    this.process.unref();
    (this.process.channel as { unref?(): void } | undefined)?.unref?.();
  }

  private stop(error: InferenceLimitError): void {
    if (this.stopped) return;
    this.stopped = error;
    this.stopTimers();
    this.process.kill('SIGKILL');
  }

  private stopTimers(): void {
    if (this.watch) clearInterval(this.watch);
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private failAll(error: Error): void {
    this.stopTimers();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const entry of waiting) entry.reject(error);
  }

  private exitError(code: number | null, signal: NodeJS.Signals | null): Error {
    if (this.stopped) return this.stopped;
    if (signal === 'SIGXCPU') return this.timeError();
    const last = this.stderr.trim().split('\n').at(-1)?.slice(0, 300);
    return new Error(
      `the inference process ended unexpectedly (${signal ?? `exit code ${code}`})${last ? `: ${last}` : ''}`,
    );
  }

  private timeError(): InferenceLimitError {
    return new InferenceLimitError(
      `inference ran past its time limit of ${this.limits.seconds} s and was stopped (max_inference_seconds); make the model faster, or ask the instructor to raise the limit`,
    );
  }

  private memoryError(): InferenceLimitError {
    return new InferenceLimitError(
      `inference needed more than ${this.limits.memoryMiB} MiB of memory and was stopped (max_inference_memory_mib); make the model smaller or its intermediate tensors fewer, or ask the instructor to raise the limit`,
    );
  }
}

function residentBytes(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(fields[1]) * PAGE_BYTES;
  } catch {
    return 0; // the process has just ended
  }
}

let prlimitPath: string | null | undefined;

/** `prlimit` from util-linux on PATH, or null (macOS, minimal images): then only the watch caps memory. */
function findPrlimit(): string | null {
  if (prlimitPath === undefined) {
    const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
    prlimitPath = dirs.map((dir) => path.join(dir, 'prlimit')).find((file) => existsSync(file)) ?? null;
  }
  return prlimitPath;
}

/**
 * The compiled child entry beside this module (onnx-child.cjs beside the action bundle), or under
 * build/ when this module runs from source (tests).
 */
function childScript(): string | undefined {
  for (const name of ['./onnx-child.js', './onnx-child.cjs']) {
    const beside = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(beside)) return beside;
  }
  const built = path.join(packageRoot(), 'build', 'src', 'models', 'onnx-child.js');
  return existsSync(built) ? built : undefined;
}
