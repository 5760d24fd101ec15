/**
 * `npm run bench`: runs every benchmark in bench/ and prints its figures as one table (and as JSON
 * to bench/out/results.json for the record). Benchmarks measure; they never fail the build.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../src/package-root.js';
import type { BenchFigure } from './figure.js';

/** Each benchmark module exports `run(): Promise<BenchFigure[]>`. */
const BENCHMARKS = [
  './predictions.js',
  './validate.js',
  './model.js',
  './load.js',
  './sandbox.js',
  './github-loop.js',
  './rescore.js',
  './grade-all.js',
  './grade-all-class.js',
  './results-validator.js',
  './cold-grade.js',
];

function formatFigure(figure: BenchFigure): string {
  const value = `${Number(figure.value.toPrecision(4))} ${figure.unit}`;
  if (!figure.ratio) return `${figure.name.padEnd(58)} ${value}`;
  const { ratio } = figure;
  const verdict = ratio.met === undefined ? '' : ratio.met ? '  ✓ met' : '  ✗ NOT met';
  const target = ratio.target ? `, target ${ratio.target}` : '';
  return `${figure.name.padEnd(58)} ${value.padEnd(14)} ratio ${ratio.value.toFixed(3)} vs ${ratio.against}${target}${verdict}`;
}

async function main() {
  const only = process.argv.slice(2);
  const all: { benchmark: string; figures: BenchFigure[] }[] = [];
  for (const modulePath of BENCHMARKS) {
    const name = path.basename(modulePath, '.js');
    if (only.length > 0 && !only.includes(name)) continue;
    console.log(`\n== ${name}`);
    const { run } = (await import(modulePath)) as { run: () => Promise<BenchFigure[]> };
    const figures = await run();
    for (const figure of figures) console.log(formatFigure(figure));
    all.push({ benchmark: name, figures });
  }
  const out = path.join(packageRoot(), 'bench', 'out');
  await mkdir(out, { recursive: true });
  await writeFile(
    path.join(out, 'results.json'),
    `${JSON.stringify({ at: new Date().toISOString(), results: all }, null, 2)}\n`,
  );
  console.log(`\nFigures written to ${path.relative(process.cwd(), path.join(out, 'results.json'))}`);
}

await main();
