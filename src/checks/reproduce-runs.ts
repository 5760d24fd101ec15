/** Runs the declared command once per seed in the sandbox and collects the metrics each run wrote. */

import { InputFileError } from '../files/input-files.js';
import type { Finding } from '../results/results-schema.js';
import { describeSandbox, explainRun } from '../sandbox/explain-run.js';
import { runSandboxed } from '../sandbox/run-sandboxed.js';
import type { SandboxPolicy } from '../sandbox/sandbox-spec.js';
import { readMetricsFile } from './reproduce-metrics.js';
import type { ReproduceSpec } from './reproduce-spec.js';
import type { GradingContext } from './types.js';

/** What the runs produced. */
export interface SeedRuns {
  seeds: number[];
  /** Metrics of each successful run, in seed order. */
  metrics: Map<string, number>[];
  findings: Finding[];
  /** Output tails of failed runs, for the log. */
  logs: string[];
  seconds: number;
  device: string;
  /** The sandbox mechanism used (none = unsandboxed, warned). */
  mode: string;
}

interface RunInput {
  experiment: { file: string; command: string; seeds: number[] };
  options: ReproduceSpec;
  policy: SandboxPolicy;
  context: GradingContext;
  produced: string;
}

/** Runs each seed in turn; stops at the first run that fails (the rest would fail the same way). */
export async function runSeeds(input: RunInput): Promise<SeedRuns> {
  const { experiment, policy, context, produced } = input;
  const base = experiment.seeds;
  const seeds = Array.from({ length: input.options.seeds ?? 1 }, (_, i) => base[i] ?? base[0]! + i);
  const runs: SeedRuns = {
    seeds,
    metrics: [],
    findings: [],
    logs: [],
    seconds: 0,
    device: 'cpu',
    mode: 'none',
  };
  for (const seed of seeds) {
    const command = experiment.command.replaceAll('{seed}', String(seed));
    const { session, result } = await runSandboxed({
      submissionDir: context.submissionDir,
      command,
      policy,
      hiddenPaths: context.dataDir ? [context.dataDir] : [],
      env: { SEED: String(seed) },
      clearPaths: [produced],
    });
    runs.seconds += result.wallMs / 1000;
    runs.device = session.device;
    runs.mode = session.mode;
    // Which isolation, runtime and bounds applied: the first thing a reader of a failed run needs.
    if (runs.logs.length === 0) runs.logs.push(describeSandbox(result));
    try {
      const what = `\`${command}\` (seed ${seed})`;
      const ok = result.exitCode === 0 && !result.timedOut && !result.outputExceeded;
      if (!ok) {
        runs.findings.push(...explainRun(result, policy, what).map((f) => ({ ...f, file: experiment.file })));
        runs.logs.push(
          `$ ${command}   # seed ${seed}, exit ${result.exitCode ?? result.signal}`,
          result.output,
        );
        break;
      }
      runs.metrics.push(await readMetricsFile(session.workDir, produced));
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      const message = `${command} finished but ${error.message}: the command must write its metrics to ${produced}.`;
      runs.findings.push({ level: 'error', file: experiment.file, message });
      runs.logs.push(`$ ${command}   # seed ${seed}`, result.output);
      break;
    } finally {
      await session.dispose();
    }
  }
  return runs;
}
