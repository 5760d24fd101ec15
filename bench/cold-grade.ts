/**
 * A cold `mlgrade grade` of the ONNX example, each run a fresh process (what a runner job or a
 * script pays per submission): through `bin/mlgrade.js` (the bundled CLI after `npm run build`) and
 * through the compiled modules (build/src) for comparison, against starting a bare `node` that does
 * nothing. Medians of ROUNDS interleaved runs. Issue 14's target: ≤ 400 ms.
 * Runs alone too: `npm run build && node build/bench/cold-grade.js`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/package-root.js';
import { type BenchFigure, median } from './figure.js';

const ROUNDS = 7;

function timed(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: packageRoot(), encoding: 'utf8' });
  if (run.status !== 0)
    throw new Error(`cold-grade bench: ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return performance.now() - start;
}

/** Medians of a fresh `mlgrade grade` (bundled and not) and of a bare node start. */
export async function run(): Promise<BenchFigure[]> {
  const root = packageRoot();
  const work = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-cold-'));
  try {
    const compiled = path.join(work, 'compiled.mjs');
    await writeFile(
      compiled,
      `const cli = await import(${JSON.stringify(pathToFileURL(path.join(root, 'build', 'src', 'cli', 'main.js')).href)});\nprocess.exitCode = await cli.main(process.argv.slice(2));\n`,
    );
    const grade = [
      'grade',
      'examples/submissions/mnist-onnx-passing',
      '--config',
      'examples/course/mlgrade.yml',
      '--assignment',
      'tinytorch/milestone-2-onnx',
    ];
    const times = { bare: [] as number[], bundled: [] as number[], compiled: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      times.bare.push(timed(['-e', '0']));
      times.bundled.push(timed([path.join(root, 'bin', 'mlgrade.js'), ...grade]));
      times.compiled.push(timed([compiled, ...grade]));
    }
    const bare = median(times.bare);
    const bundled = median(times.bundled);
    const unbundled = median(times.compiled);
    return [
      { name: 'cold start: bare `node -e 0`', value: bare, unit: 'ms' },
      {
        name: 'cold `mlgrade grade`, ONNX example (bin, bundled CLI)',
        value: bundled,
        unit: 'ms',
        ratio: { value: bundled / 400, against: 'the 400 ms target', target: '≤ 1', met: bundled <= 400 },
      },
      {
        name: 'cold `mlgrade grade`, ONNX example (compiled modules, unbundled)',
        value: unbundled,
        unit: 'ms',
        ratio: { value: bundled / unbundled, against: 'bundled ÷ unbundled' },
      },
      {
        name: 'cold `mlgrade grade`, ONNX example, beyond a bare node start',
        value: bundled - bare,
        unit: 'ms',
        ratio: { value: bundled / bare, against: 'bare node start' },
      },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figure of await run())
    console.log(
      `${figure.name.padEnd(66)} ${figure.value.toFixed(1)} ${figure.unit}${figure.ratio ? `  (ratio ${figure.ratio.value.toFixed(3)} vs ${figure.ratio.against})` : ''}`,
    );
}
