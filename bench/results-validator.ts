/**
 * Cold cost of the first results validation (every `mlgrade grade` writes and validates its results
 * file): a fresh Node process loading validate-results.js and validating once, with the precompiled
 * validator, against the same process compiling the schema with ajv (what it did before). Medians of
 * interleaved runs. Runs alone too: `npm run build && node build/bench/results-validator.js`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/package-root.js';
import { type BenchFigure, median } from './figure.js';

const RUNS = 7;

function timed(script: string): number {
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`results-validator bench: ${out.stderr}`);
  return Number(out.stdout.trim());
}

/** Milliseconds from the first import to the first verdict, precompiled against compiled at run time. */
export async function run(): Promise<BenchFigure[]> {
  const build = path.join(packageRoot(), 'build', 'src', 'results');
  const url = (file: string) => pathToFileURL(path.join(build, file)).href;
  const precompiled = `const t = performance.now(); const m = await import(${JSON.stringify(url('validate-results.js'))}); m.validateResults({}); console.log(performance.now() - t);`;
  const compiling = `const t = performance.now(); const { createRequire } = await import('node:module'); const { Ajv } = createRequire(${JSON.stringify(url('validate-results.js'))})('ajv'); const s = await import(${JSON.stringify(url('results-schema.js'))}); const v = await import(${JSON.stringify(url('validate-results.js'))}); new Ajv(v.RESULTS_AJV_OPTIONS).compile(s.ResultsSchema)({}); console.log(performance.now() - t);`;
  const fast: number[] = [];
  const slow: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    slow.push(timed(compiling));
    fast.push(timed(precompiled));
  }
  const before = median(slow);
  const after = median(fast);
  return [
    { name: 'first results validation, schema compiled by ajv (cold)', value: before, unit: 'ms' },
    {
      name: 'first results validation, precompiled validator (cold)',
      value: after,
      unit: 'ms',
      ratio: { value: after / before, against: 'compiled by ajv' },
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figure of await run())
    console.log(
      `${figure.name.padEnd(58)} ${figure.value.toFixed(1)} ${figure.unit}${figure.ratio ? `  (ratio ${figure.ratio.value.toFixed(3)} vs ${figure.ratio.against})` : ''}`,
    );
}
