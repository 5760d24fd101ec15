/**
 * A generated class: `mlgrade grade-all` over N submissions (default 300; MLGRADE_BENCH_CLASS_SIZE),
 * a third each of the example ONNX model (milestone-2-onnx), TF.js CNN (milestone-2) and predictions
 * file (milestone-4), copied under student names. Reports the total time, the time per submission,
 * the peak resident memory of the grader and its children together (sampled from /proc every 100 ms),
 * and the share of the time spent in inference: as the model checks timed it (examples ÷ throughput,
 * summed over their results files; checks run side by side, so this sum can exceed the wall time),
 * and as the bare runtimes take for the same predictions (onnxruntime-node and TF.js `predict` in
 * this process, same test set, batch 256, one model at a time).
 * Runs alone too: `npm run build && node build/bench/grade-all-class.js`.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelSpec } from '../src/checks/model-spec.js';
import { loadConfig } from '../src/config/load-config.js';
import { loadDataset } from '../src/data/load-dataset.js';
import { type PreprocessOptions, preprocess } from '../src/data/preprocess.js';
import { loadModel } from '../src/models/load-model.js';
import { predictClasses } from '../src/models/predict-classes.js';
import { packageRoot } from '../src/package-root.js';
import type { BenchFigure } from './figure.js';

const KINDS = [
  { example: 'mnist-onnx-passing', prefix: 'mnist-onnx', assignment: 'tinytorch/milestone-2-onnx' },
  { example: 'mnist-cnn-passing', prefix: 'mnist-cnn', assignment: 'tinytorch/milestone-2' },
  { example: 'm4-passing', prefix: 'm4', assignment: 'milestone-4' },
] as const;

/** Resident kilobytes of `pid` and every descendant, read from /proc (0 when it is gone). */
function treeRssKb(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      rss.set(Number(entry), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Ended while we looked.
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    total += rss.get(next) ?? 0;
    queue.push(...(children.get(next) ?? []));
  }
  return total;
}

/** Runs grade-all, sampling the tree's memory; resolves with wall seconds and peak kilobytes. */
function gradeAll(args: string[]): Promise<{ seconds: number; peakKb: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [path.join(packageRoot(), 'bin', 'mlgrade.js'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = `${stderr}${chunk}`.slice(-4000);
    });
    let peakKb = 0;
    const timer = setInterval(() => {
      peakKb = Math.max(peakKb, treeRssKb(child.pid!));
    }, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`grade-all exited ${code}: ${stderr}`));
      else resolve({ seconds: (performance.now() - start) / 1000, peakKb });
    });
  });
}

/** Seconds the bare runtimes take to predict each model kind's test set once, in this process. */
async function bareInferenceSeconds(configFile: string): Promise<Record<string, number>> {
  const root = packageRoot();
  const { config } = await loadConfig(configFile);
  const dataDir = path.resolve(path.dirname(configFile), config!.course.data_dir!);
  const out: Record<string, number> = {};
  for (const kind of KINDS.slice(0, 2)) {
    const assignment = config!.assignments.find((a) => a.id === kind.assignment)!;
    const spec = assignment.checks.find((check) => check.kind === 'model') as unknown as ModelSpec;
    const loaded = await loadDataset(spec.dataset, dataDir, 200 * 1024 * 1024);
    const inputs = preprocess(loaded.examples, (spec.preprocess ?? {}) as PreprocessOptions);
    const dir = path.join(root, 'examples', 'submissions', kind.example);
    let predict: () => Promise<unknown>;
    let dispose: () => Promise<void>;
    if (kind.prefix === 'mnist-onnx') {
      const ort = await import('onnxruntime-node');
      const session = await ort.InferenceSession.create(
        await readFile(path.join(dir, spec.model ?? 'model.onnx')),
      );
      const size = inputs.data.length / inputs.shape[0]!;
      predict = async () => {
        for (let start = 0; start < inputs.shape[0]!; start += 256) {
          const count = Math.min(256, inputs.shape[0]! - start);
          const tensor = new ort.Tensor(
            'float32',
            inputs.data.subarray(start * size, (start + count) * size),
            [count, ...inputs.shape.slice(1)],
          );
          await session.run({ [session.inputNames[0]!]: tensor });
        }
      };
      dispose = () => session.release();
    } else {
      const model = await loadModel(dir, spec.model ?? 'model/model.json', 'tfjs', 200 * 1024 * 1024);
      predict = () => predictClasses(model.model, inputs, 256);
      dispose = () => model.model.dispose();
    }
    await predict(); // warm-up
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      const begin = performance.now();
      await predict();
      times.push((performance.now() - begin) / 1000);
    }
    await dispose();
    out[kind.prefix] = times.sort((a, b) => a - b)[1]!;
  }
  return out;
}

/** Generates the class, grades it in one process, and reports. */
export async function run(): Promise<BenchFigure[]> {
  const size = Number(process.env.MLGRADE_BENCH_CLASS_SIZE ?? 300);
  const root = packageRoot();
  const config = path.join(root, 'examples', 'course', 'mlgrade.yml');
  const work = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-class-'));
  try {
    const classDir = path.join(work, 'class');
    await mkdir(classDir);
    const perKind = new Map<string, number>();
    for (let index = 0; index < size; index++) {
      const kind = KINDS[index % KINDS.length]!;
      perKind.set(kind.prefix, (perKind.get(kind.prefix) ?? 0) + 1);
      const name = `${kind.prefix}-s${String(index).padStart(4, '0')}`;
      await cp(path.join(root, 'examples', 'submissions', kind.example), path.join(classDir, name), {
        recursive: true,
      });
    }
    const out = path.join(work, 'out');
    await mkdir(out);
    const graded = await gradeAll(['grade-all', classDir, '--config', config, '--out', out]);
    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as {
      submission: string;
      status: string;
    }[];
    const failed = summary.filter((row) => row.status === 'failed').length;
    // Inference time as the checks measured it: examples ÷ throughput of every model check.
    let measured = 0;
    for (const row of summary) {
      if (!row.submission.startsWith('mnist-')) continue;
      const results = JSON.parse(await readFile(path.join(out, `${row.submission}.json`), 'utf8')) as {
        checks: { kind: string; metrics: Record<string, number | null> }[];
      };
      for (const check of results.checks.filter((c) => c.kind === 'model')) {
        const { examples, throughput } = check.metrics;
        if (examples && throughput) measured += examples / throughput;
      }
    }
    const bare = await bareInferenceSeconds(config);
    const bareTotal = Object.entries(bare).reduce(
      (sum, [prefix, seconds]) => sum + seconds * (perKind.get(prefix) ?? 0),
      0,
    );
    const label = `grade-all, ${size} generated submissions (ONNX, TF.js, predictions)`;
    return [
      { name: `${label}: total`, value: graded.seconds, unit: 's' },
      { name: `${label}: per submission`, value: graded.seconds / size, unit: 's' },
      { name: `${label}: not graded`, value: failed, unit: 'submissions' },
      { name: `${label}: peak memory, grader and children`, value: graded.peakKb / 1024, unit: 'MiB' },
      {
        name: `${label}: inference as the checks timed it (summed over checks running side by side)`,
        value: measured,
        unit: 's',
        ratio: { value: measured / graded.seconds, against: 'total time (share)' },
      },
      {
        name: `${label}: the same predictions on the bare runtimes`,
        value: bareTotal,
        unit: 's',
        ratio: { value: bareTotal / graded.seconds, against: 'total time (share)' },
      },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figure of await run())
    console.log(
      `${figure.name.padEnd(90)} ${Number(figure.value.toPrecision(4))} ${figure.unit}${figure.ratio ? `  (ratio ${figure.ratio.value.toFixed(3)} vs ${figure.ratio.against})` : ''}`,
    );
}
