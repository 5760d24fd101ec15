/**
 * The bundled CLI (scripts/bundle-cli.ts) is what `bin/mlgrade.js` runs after `npm run build`. It
 * must grade exactly as the compiled modules do, including the parts that start code by file name
 * from beside themselves: the TF.js inference workers and the ONNX child process.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../../scripts/bundle-cli.js';

const ROOT = path.resolve('.');
// Inside the package, as build/cli is: the bundle finds node_modules and package.json by walking up.
const OUT = path.join(ROOT, 'build', `cli-test-${process.pid}`);

/** Timing metrics differ from run to run; everything else a grade reports must not. */
const TIMING = /latency|throughput/;

async function grade(entry: string, submission: string, assignment: string) {
  const name = path.basename(path.dirname(entry));
  const runner = path.join(OUT, `run-${name}.mjs`);
  const json = path.join(OUT, `${name}-${submission}.json`);
  await writeFile(
    runner,
    `const cli = await import(${JSON.stringify(entry)});\nprocess.exitCode = await cli.main(process.argv.slice(2));\n`,
  );
  await promisify(execFile)(
    process.execPath,
    [
      runner,
      'grade',
      path.join('examples', 'submissions', submission),
      '--config',
      'examples/course/mlgrade.yml',
      '--assignment',
      assignment,
      '--json',
      json,
    ],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
  );
  const results = JSON.parse(await readFile(json, 'utf8')) as {
    environment: { backend?: string };
    score: { points: number; criteria: unknown[] };
    checks: { id: string; status: string; metrics: Record<string, number | null> }[];
  };
  return {
    backend: results.environment.backend,
    points: results.score.points,
    criteria: results.score.criteria,
    checks: results.checks.map((check) => ({
      id: check.id,
      status: check.status,
      metrics: Object.fromEntries(Object.entries(check.metrics).filter(([key]) => !TIMING.test(key))),
    })),
  };
}

describe('the bundled CLI', () => {
  beforeAll(async () => {
    await mkdir(OUT, { recursive: true });
    expect(await bundleCli(path.join(OUT, 'bundle'))).toBe(true);
    // What the modules start by file name must be beside them in the bundle.
    for (const entry of ['main.js', 'predict-worker.js', 'onnx-child.js'])
      expect(existsSync(path.join(OUT, 'bundle', entry))).toBe(true);
  }, 120_000);
  afterAll(() => rm(OUT, { recursive: true, force: true }));

  it.each([
    [
      'an ONNX model (the inference child beside the bundle)',
      'mnist-onnx-passing',
      'tinytorch/milestone-2-onnx',
    ],
    ['a TF.js model (the sharding workers beside the bundle)', 'mnist-cnn-passing', 'tinytorch/milestone-2'],
    ['a predictions file', 'm4-passing', 'milestone-4'],
  ])(
    'grades %s as the compiled CLI does',
    async (_, submission, assignment) => {
      const bundled = await grade(path.join(OUT, 'bundle', 'main.js'), submission, assignment);
      const compiled = await grade(path.join(ROOT, 'build', 'src', 'cli', 'main.js'), submission, assignment);
      expect(bundled.checks.length).toBeGreaterThan(0);
      expect(bundled).toEqual(compiled);
    },
    120_000,
  );
});
