/**
 * `mlgrade validate` on a realistic course config: 20 assignments, each with three checks and a
 * five-criterion rubric. Spawns the built CLI (`node bin/mlgrade.js validate FILE`) so the figure
 * includes what an instructor waits for: process start, module loading, schema compilation,
 * parsing and validation. Target: median under 300 ms.
 *
 * Runs alone too: `npm run build && node build/bench/validate.js`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/package-root.js';
import { type BenchFigure, median } from './figure.js';

const ASSIGNMENTS = 20;
const RUNS = 10;
const TARGET_MS = 300;

/** One assignment in the style of the experiments preset, varied so no two are identical. */
function assignment(n: number): string {
  return `
  - id: unit-${n}
    title: "Unit ${n}: experiment and write-up"
    repository: "unit-${n}-{login}"
    due: 2026-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 27)).padStart(2, '0')}T23:59
    weight: ${1 + (n % 3)}
    late: { grace_minutes: 15, per_day: 10, max_penalty: 50 }
    attempts: { max: 10, keep: best }
    checks:
      - id: deliverables
        kind: files
        title: Deliverables
        required: [README.md, experiment.yaml, "results/**"]
        max_file_bytes: 52428800
        readme: { sections: [Reproduction, Data, Results], min_words: 20 }
      - id: experiment
        kind: experiment
        title: Experiment config and data version
        max_data_bytes: 1073741824
      - id: size
        kind: files
        max_total_bytes: 104857600
    rubric:
      - { id: deliverables, title: Deliverables, points: 10, pass: deliverables }
      - id: sections
        title: README sections
        points: 10
        metric: deliverables.sections_missing
        scale: { zero_at: 3, full_at: 0 }
      - id: data
        title: Data files verified
        points: 10
        metric: experiment.data_files_verified
        levels:
          - { min: 2, points: 10, label: Complete }
          - { min: 1, points: 5, label: Partial }
      - { id: size, title: Submission size, points: 5, pass: size }
      - { id: analysis, title: Analysis, points: 65, manual: true, description: Judged by the instructor. }
`;
}

/** The whole generated config. */
export function benchConfig(): string {
  const body = Array.from({ length: ASSIGNMENTS }, (_, i) => assignment(i + 1)).join('');
  return `course:\n  id: bench-course\n  title: Benchmark course\n  timezone: Europe/Vienna\nassignments:${body}`;
}

/** Median wall time of `mlgrade validate` over the generated config, process start included. */
export async function run(): Promise<BenchFigure[]> {
  const root = packageRoot();
  const dir = await mkdtemp(path.join(tmpdir(), 'mlgrade-bench-validate-'));
  try {
    const file = path.join(dir, 'mlgrade.yml');
    await writeFile(file, benchConfig());
    const once = () => {
      const started = performance.now();
      const result = spawnSync(process.execPath, [path.join(root, 'bin', 'mlgrade.js'), 'validate', file], {
        encoding: 'utf8',
      });
      const elapsed = performance.now() - started;
      if (result.status !== 0) {
        throw new Error(`mlgrade validate exited ${result.status}:\n${result.stdout}${result.stderr}`);
      }
      return elapsed;
    };
    once(); // warm the file system cache, as an instructor's second run would be
    const times = Array.from({ length: RUNS }, once);
    const value = median(times);
    const ratio = value / TARGET_MS;
    return [
      {
        name: `validate ${ASSIGNMENTS} assignments: CLI wall time (median of ${RUNS})`,
        value,
        unit: 'ms',
        ratio: { value: ratio, against: `${TARGET_MS} ms`, target: '< 1.0', met: ratio < 1 },
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(JSON.stringify(figure));
}
