/**
 * A class in one process: `mlgrade grade-all` over the 12 example submissions against 12 `mlgrade
 * grade` processes one after the other (what a script looping over submissions does). Issue 14's
 * target is ≥ 3× faster; the service load test (about 8 s, graded alone) bounds what this set can gain,
 * so the 11 examples without it are measured too.
 * Runs alone too: `npm run build && node build/bench/grade-all.js`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/package-root.js';
import type { BenchFigure } from './figure.js';

function cli(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, [path.join(packageRoot(), 'bin', 'mlgrade.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`grade-all bench: mlgrade ${args[0]} exited ${run.status}: ${run.stderr}`);
  return (performance.now() - start) / 1000;
}

/** Seconds for the 12 examples: one process against twelve. */
export async function run(): Promise<BenchFigure[]> {
  const root = packageRoot();
  const config = path.join(root, 'examples', 'course', 'mlgrade.yml');
  const submissions = path.join(root, 'examples', 'submissions');
  const names = (await readdir(submissions)).sort();
  const out = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-grade-all-'));
  try {
    const seconds = new Map<string, number>();
    for (const name of names)
      seconds.set(name, cli(['grade', path.join(submissions, name), '--config', config]));
    const separate = [...seconds.values()].reduce((a, b) => a + b, 0);
    const together = cli(['grade-all', submissions, '--config', config, '--out', out]);
    // The service example's load test runs for as long as its config says, alone, in both ways of
    // grading; without it the ratio shows what one process saves on everything else.
    const untimed = names.filter((name) => !name.startsWith('service-'));
    const untimedSeparate = untimed.reduce((sum, name) => sum + seconds.get(name)!, 0);
    // A directory of its own: the first run's results there would be resumed, not graded.
    const untimedOut = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-grade-all-'));
    const untimedTogether = cli([
      'grade-all',
      ...untimed.map((name) => path.join(submissions, name)),
      '--config',
      config,
      '--out',
      untimedOut,
    ]);
    await rm(untimedOut, { recursive: true, force: true });
    return [
      {
        name: `${names.length} examples as ${names.length} mlgrade grade processes`,
        value: separate,
        unit: 's',
      },
      {
        name: `${names.length} examples with mlgrade grade-all (one process)`,
        value: together,
        unit: 's',
        ratio: {
          value: together / separate,
          against: 'separate processes',
          target: '≤ 0.33 (≥ 3× faster)',
          met: together / separate <= 1 / 3,
        },
      },
      {
        name: `${untimed.length} examples without the load-tested service, grade-all`,
        value: untimedTogether,
        unit: 's',
        ratio: {
          value: untimedTogether / untimedSeparate,
          against: `${untimed.length} separate processes`,
          target: '≤ 0.33 (≥ 3× faster)',
          met: untimedTogether / untimedSeparate <= 1 / 3,
        },
      },
    ];
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figure of await run())
    console.log(
      `${figure.name.padEnd(56)} ${figure.value.toFixed(2)} ${figure.unit}${figure.ratio ? `  (ratio ${figure.ratio.value.toFixed(3)} vs ${figure.ratio.against})` : ''}`,
    );
}
