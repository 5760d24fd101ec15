/**
 * Hostile ONNX submissions (issue 10): external data anywhere in the model, loops hidden in nested
 * graphs. The fixtures in test/fixtures/models/hostile/ are written by scripts/write-hostile-onnx.ts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hostileOnnxModels } from '../../scripts/write-hostile-onnx.js';
import { modelCheck } from '../../src/checks/model.js';
import type { ModelSpec } from '../../src/checks/model-spec.js';
import { DEFAULT_LIMITS } from '../../src/checks/types.js';
import { writeNpy } from '../../src/data/npy-reader.js';
import { OnnxRefusal, onnxParameterCount } from '../../src/models/onnx-parameters.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOSTILE = path.join(ROOT, 'test', 'fixtures', 'models', 'hostile');

const fixture = (name: string) => readFile(path.join(HOSTILE, name));

function refusal(bytes: Uint8Array): OnnxRefusal {
  try {
    onnxParameterCount(bytes);
  } catch (error) {
    if (error instanceof OnnxRefusal) return error;
    throw error;
  }
  throw new Error('the model was not refused');
}

/** A 2-class test set of `count` examples with 4 features, pinned, in a fresh data directory. */
async function fourFeatures(count = 8): Promise<{ dataDir: string; dataset: ModelSpec['dataset'] }> {
  // Even examples are class 0 (the first two features set), odd ones class 1 (the last two).
  const labels = Int32Array.from({ length: count }, (_, i) => i % 2);
  const x = Float32Array.from({ length: count * 4 }, (_, i) =>
    Math.floor((i % 4) / 2) === labels[i >> 2] ? 1 : 0,
  );
  const files = { 'x.npy': writeNpy([count, 4], x), 'y.npy': writeNpy([count], labels) };
  const dataDir = await tempDir(files);
  const pin = (file: keyof typeof files) => ({
    path: file,
    sha256: createHash('sha256').update(files[file]).digest('hex'),
  });
  return { dataDir, dataset: { format: 'npy', inputs: pin('x.npy'), labels: pin('y.npy') } };
}

/** Runs the `model` check on fixture `name` committed as model.onnx in a fresh submission. */
async function gradeFixture(name: string, options: Partial<ModelSpec> = {}, examples = 8) {
  const submissionDir = await tempDir({ 'model.onnx': await fixture(name) });
  const { dataDir, dataset } = await fourFeatures(examples);
  const spec: ModelSpec = {
    id: 'model',
    kind: 'model',
    model: 'model.onnx',
    dataset,
    latency_runs: 2,
    ...options,
  };
  return modelCheck.run(spec, { submissionDir, dataDir, limits: DEFAULT_LIMITS });
}

describe('hostile ONNX fixtures', () => {
  it('are what scripts/write-hostile-onnx.ts writes', async () => {
    for (const [name, bytes] of Object.entries(hostileOnnxModels())) {
      expect(Buffer.from(bytes).equals(await fixture(name)), name).toBe(true);
    }
  });
});

describe('external data anywhere in an ONNX model is refused', () => {
  it('refuses a Constant node whose value names a file relative to the working directory', async () => {
    const error = refusal(await fixture('constant-external.onnx'));
    expect(error.message).toMatch(
      /a tensor in the value attribute of the Constant node "leaked" in the main graph \(tensor "leak"\) stores its data in an external file; export with the weights inside the \.onnx file/,
    );
    expect(error.message).toMatch(/the grader never opens files a model names; it names "package\.json"/);
  });

  it('refuses external data inside a model-local function', async () => {
    const error = refusal(await fixture('function-external.onnx'));
    expect(error.message).toMatch(/Constant node "out" in the model-local function "Leak".*external file/);
  });

  it('refuses external data in sparse initializers and in nested subgraphs (raw protobuf)', () => {
    // graph { sparse_initializer { values { dims: 1, data_location: EXTERNAL } } }
    const sparse = Uint8Array.of(0x3a, 0x08, 0x7a, 0x06, 0x0a, 0x04, 0x08, 0x01, 0x70, 0x01);
    expect(refusal(sparse).message).toMatch(
      /a sparse initializer of the main graph stores its data in an external file/,
    );
    // graph { node { op_type: "If", attribute { name: "g", g { initializer { external_data { key: "location" } } } } } }
    const tensor = [0x6a, 0x0a, 0x0a, 0x08, ...Buffer.from('location')];
    const graph = [0x2a, tensor.length, ...tensor];
    const attribute = [0x0a, 0x01, 0x67, 0x32, graph.length, ...graph];
    const node = [0x22, 0x02, ...Buffer.from('If'), 0x2a, attribute.length, ...attribute];
    const nested = Uint8Array.of(0x3a, node.length + 2, 0x0a, node.length, ...node);
    expect(refusal(nested).message).toMatch(
      /an initializer of the subgraph in the g attribute of the If node in the main graph stores its data in an external file/,
    );
  });

  it('is a finding on the model file, and the model never reaches onnxruntime', async () => {
    const outcome = await gradeFixture('constant-external.onnx');
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toEqual([
      expect.objectContaining({
        level: 'error',
        file: 'model.onnx',
        message: expect.stringMatching(/^model\.onnx was refused: .*Constant node "leaked".*external file/),
      }),
    ]);
  });
});

describe('loops are refused at any depth', () => {
  it('refuses a Loop inside the then-branch of an If, quickly', async () => {
    const bytes = await fixture('loop-in-if.onnx');
    const started = performance.now();
    const error = refusal(bytes);
    expect(performance.now() - started).toBeLessThan(100);
    expect(error.message).toMatch(
      /uses the Loop operator, which grading does not run \(a loop may never finish\): the Loop node "looped" in the subgraph in the then_branch attribute of the If node "branch" in the main graph; export the model without loops/,
    );
  });

  it('is a finding from the check, not a hung grader', async () => {
    const outcome = await gradeFixture('loop-in-if.onnx');
    expect(outcome.status).toBe('fail');
    expect(outcome.findings?.[0]).toMatchObject({
      file: 'model.onnx',
      message: expect.stringMatching(/refused: .*Loop/),
    });
  }, 10_000);

  it('refuses subgraphs nested deeper than 32 levels', () => {
    let graph: number[] = [];
    for (let depth = 0; depth < 40; depth++) {
      const attribute = [0x32, ...length(graph.length), ...graph];
      const node = [0x22, 0x02, ...Buffer.from('If'), 0x2a, ...length(attribute.length), ...attribute];
      graph = [0x0a, ...length(node.length), ...node];
    }
    const model = Uint8Array.of(0x3a, ...length(graph.length), ...graph);
    expect(refusal(model).message).toMatch(/nests subgraphs more than 32 deep/);
  });
});

describe('ONNX inference runs in a child process, within time and memory limits', () => {
  it("runs a well-behaved model there: the fixtures' weights give every example its class", async () => {
    const outcome = await gradeFixture('constant-of-shape.onnx', {}, 8);
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({ accuracy: 1, examples: 8 });
  });

  // The memory cap needs Linux (prlimit, /proc); elsewhere only the time limit applies.
  it.skipIf(process.platform !== 'linux')(
    'stops a model that allocates 2 GiB per batch at the memory limit, as a finding',
    async () => {
      const outcome = await gradeFixture('constant-of-shape.onnx', { max_inference_memory_mib: 512 }, 300);
      expect(outcome.status).toBe('fail');
      expect(outcome.findings).toEqual([
        expect.objectContaining({
          level: 'error',
          file: 'model.onnx',
          message: expect.stringMatching(
            /^model\.onnx failed while predicting: inference needed more than 512 MiB of memory and was stopped \(max_inference_memory_mib\); make the model smaller/,
          ),
        }),
      ]);
    },
    30_000,
  );

  it('stops a model that runs past the time limit while the grader stays responsive', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const started = performance.now();
    const outcome = await gradeFixture('slow.onnx', { max_inference_seconds: 1 });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(ticker);
    expect(outcome.status).toBe('fail');
    expect(outcome.findings?.[0]?.message).toMatch(
      /^model\.onnx failed while predicting: inference ran past its time limit of 1 s and was stopped \(max_inference_seconds\); make the model faster/,
    );
    expect(seconds).toBeLessThan(10);
    expect(ticks).toBeGreaterThan(seconds * 10); // the event loop kept turning (a tick is due every 20 ms)
  }, 30_000);

  it('never keeps the grader from exiting while a loaded model idles (needs `npm run build`)', async () => {
    const started = performance.now();
    const { stdout } = await loadInNode('constant-of-shape.onnx');
    expect(stdout.trim()).toBe('loaded');
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('rejects, leaving no temporary directory, when the inference process cannot start', async () => {
    // A `prlimit` on PATH whose interpreter is missing: spawning it fails (ENOENT), no process runs.
    const bin = await tempDir({ prlimit: '#!/nonexistent/interpreter\n' });
    await chmod(path.join(bin, 'prlimit'), 0o755);
    const tmp = await tempDir({});
    const { stdout } = await loadInNode('constant-of-shape.onnx', {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      TMPDIR: tmp,
    });
    expect(stdout.trim()).toMatch(/^rejected: .*ENOENT/);
    expect(await readdir(tmp)).toEqual([]);
  }, 30_000);
});

/** Loads fixture `name` with the built onnx-process.js in a fresh Node process (needs `npm run build`). */
function loadInNode(name: string, env: Record<string, string> = {}) {
  const onnxProcess = pathToFileURL(path.join(ROOT, 'build', 'src', 'models', 'onnx-process.js')).href;
  const script = [
    `import { readFile } from 'node:fs/promises';`,
    `import { loadContainedOnnxModel } from ${JSON.stringify(onnxProcess)};`,
    `const bytes = await readFile(${JSON.stringify(path.join(HOSTILE, name))});`,
    `await loadContainedOnnxModel(bytes).then(() => console.log('loaded'), (e) => console.log('rejected: ' + e.message));`,
  ].join('\n');
  return promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
}

function length(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return out;
}
