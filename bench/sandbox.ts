/**
 * Sandbox start-up overhead: wall time of `true` run through runSandboxed (copy of a small
 * submission, bubblewrap, dedicated uid, limits, tree sweep) against spawning `true` directly.
 * Runs alone too: `npm run build && node build/bench/sandbox.js`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runSandboxed } from '../src/sandbox/run-sandboxed.js';
import { sandboxPolicy } from '../src/sandbox/sandbox-spec.js';
import { type BenchFigure, median } from './figure.js';

const RUNS = 20;

/** Median wall time of `true` inside and outside the sandbox. */
export async function run(): Promise<BenchFigure[]> {
  const submission = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-sandbox-'));
  await writeFile(path.join(submission, 'train.py'), 'print("hello")\n');
  const policy = sandboxPolicy({});
  try {
    const outside: number[] = [];
    const inside: number[] = [];
    let mode = '';
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      spawnSync('true');
      outside.push(performance.now() - start);
      const begin = performance.now();
      const { session, result } = await runSandboxed({ submissionDir: submission, command: 'true', policy });
      inside.push(performance.now() - begin);
      mode = result.mode;
      await session.dispose();
    }
    const out = median(outside);
    const sandboxed = median(inside);
    return [
      { name: '`true` outside the sandbox (spawn)', value: out, unit: 'ms' },
      {
        name: `\`true\` in the sandbox (${mode}, copy + limits + sweep)`,
        value: sandboxed,
        unit: 'ms',
        ratio: { value: sandboxed / out, against: 'outside' },
      },
    ];
  } finally {
    await rm(submission, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figure of await run())
    console.log(
      `${figure.name.padEnd(52)} ${figure.value.toFixed(2)} ${figure.unit}${figure.ratio ? `  (ratio ${figure.ratio.value.toFixed(1)} vs ${figure.ratio.against})` : ''}`,
    );
}
