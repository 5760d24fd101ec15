/**
 * What `bench:burst` and `bench:faults` share: runs scenarios of the load harness
 * (test/e2e/load-scenario.ts) one after the other, prints each one's figures as a table, writes them
 * all to bench/out/<name>.json and sets exit code 1 when an invariant failed (a missed target does
 * not: targets are measured, invariants are promised).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { formatLoadFigures, type LoadFigures } from '../test/e2e/load-figures.js';
import { type LoadScenario, runLoadScenario } from '../test/e2e/load-scenario.js';

/** Runs `scenarios` (each built when its turn comes, so that a database is made only when needed). */
export async function runLoadBench(
  name: string,
  scenarios: (() => Promise<{ scenario: LoadScenario; cleanup?: () => Promise<void> } | string>)[],
): Promise<void> {
  const root = packageRoot();
  const results: LoadFigures[] = [];
  const notRun: string[] = [];
  const started = performance.now();
  for (const make of scenarios) {
    const made = await make();
    if (typeof made === 'string') {
      console.log(`\n== not run: ${made}`);
      notRun.push(made);
      continue;
    }
    const { scenario, cleanup } = made;
    console.log(
      `\n${scenario.name}: scale ${scenario.scale}× — GitHub's minute is ${60 / scenario.scale} s and its hour ${3600 / scenario.scale} s here; the app's budget and timings are scaled the same way`,
    );
    try {
      const { appOutput, ...figures } = (await runLoadScenario(root, {
        ...scenario,
        progress: (line) => console.log(`  ${line}`),
      })) as LoadFigures & { appOutput?: string };
      console.log(`\n${formatLoadFigures(figures)}`);
      if (figures.failures.length > 0 && appOutput) console.log(`\napp output (tail):\n${appOutput}`);
      results.push(figures);
    } finally {
      await cleanup?.();
    }
  }
  const out = path.join(root, 'bench', 'out');
  await mkdir(out, { recursive: true });
  const file = path.join(out, `${name}.json`);
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  await writeFile(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), seconds, results, notRun }, null, 2)}\n`,
  );
  console.log(`\n${name}: ${seconds} s in all; figures written to ${path.relative(process.cwd(), file)}`);
  const failed = results.filter((figures) => figures.failures.length > 0);
  if (failed.length > 0) {
    console.log(`invariants FAILED in: ${failed.map((figures) => figures.scenario).join(', ')}`);
    process.exitCode = 1;
  }
}
