/**
 * Benchmark: the `predictions` check end to end (file reading, parsing, id alignment, metrics,
 * findings, tables) on 1,000,000 rows × 100 classes, against numpy doing the same work
 * (bench/predictions_numpy.py). Target: mlgrade's wall time / numpy's ≤ 1.0.
 *
 * Scenarios: predictions in the labels' id order (the usual case, and the headline figure), in a
 * shuffled order (the join needs an index), and with word labels ("label17": numpy reads them with a
 * structured dtype and interns them with np.unique). Figures are medians of repeated runs in one warm
 * process, like numpy's; the first (cold JIT) mlgrade run is reported on its own. mlgrade and numpy
 * take turns (ROUNDS rounds of a few runs each), so that a machine that slows down for a while slows
 * both rather than skewing the ratio.
 *
 * Runs alone too: `npm run build && node build/bench/predictions.js`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { predictionsCheck } from '../src/checks/predictions.js';
import { DEFAULT_LIMITS, type GradingContext } from '../src/checks/types.js';
import { type BenchFigure, median } from './figure.js';
import { type PredictionsDataOptions, writePredictionsData } from './make-predictions-data.js';

const ROWS = 1_000_000;
const CLASSES = 100;
const ROUNDS = 3;
const RUNS_PER_ROUND = 3;
const LABEL = `predictions ${ROWS / 1e6}M x ${CLASSES}`;

interface Scenario {
  name: string;
  data: Partial<PredictionsDataOptions>;
  /** Extra arguments for the numpy script. */
  numpyArgs: string[];
  /** numpy runs per round (its word-label path takes about a second per run). */
  numpyRuns: number;
}

const SCENARIOS: Scenario[] = [
  { name: '', data: {}, numpyArgs: [], numpyRuns: RUNS_PER_ROUND },
  { name: ', shuffled ids', data: { shuffle: true }, numpyArgs: [], numpyRuns: RUNS_PER_ROUND },
  { name: ', word labels', data: { labelStyle: 'name' }, numpyArgs: ['--string-labels'], numpyRuns: 1 },
];

type Metrics = Record<string, number | null>;

interface NumpyResult {
  numpy: string;
  runs_ms: number[];
  metrics: Metrics;
}

type NumpyAnswer = NumpyResult | { unavailable: string };

/** Generates the data, times mlgrade and numpy per scenario, and returns the figures. */
export async function run(): Promise<BenchFigure[]> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-predictions-'));
  try {
    const figures: BenchFigure[] = [];
    for (const [index, scenario] of SCENARIOS.entries()) {
      figures.push(...(await runScenario(path.join(root, String(index)), scenario, index === 0)));
    }
    return figures;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function runScenario(root: string, scenario: Scenario, reportCold: boolean): Promise<BenchFigure[]> {
  const context: GradingContext = {
    submissionDir: path.join(root, 'submission'),
    dataDir: path.join(root, 'data'),
    limits: DEFAULT_LIMITS,
  };
  const dataDir = context.dataDir!;
  await Promise.all([mkdir(context.submissionDir, { recursive: true }), mkdir(dataDir, { recursive: true })]);
  await writePredictionsData(dataDir, context.submissionDir, {
    rows: ROWS,
    classes: CLASSES,
    accuracy: 0.8,
    seed: 42,
    ...scenario.data,
  });
  const label = `${LABEL}${scenario.name}`;
  const cold = await timeCheck(context, 1);
  const figures: BenchFigure[] = reportCold
    ? [{ name: `${label}: mlgrade first run (cold JIT)`, value: cold.times[0]!, unit: 'ms' }]
    : [];
  const files = [path.join(dataDir, 'labels.csv'), path.join(context.submissionDir, 'predictions.csv')];
  const numpyArgs = [...files, String(scenario.numpyRuns), ...scenario.numpyArgs];
  const mlgradeTimes: number[] = [];
  const numpyTimes: number[] = [];
  let numpy: NumpyAnswer | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    mlgradeTimes.push(...(await timeCheck(context, RUNS_PER_ROUND)).times);
    if (numpy && 'unavailable' in numpy) continue;
    numpy = await timeNumpy(numpyArgs);
    if (!('unavailable' in numpy)) numpyTimes.push(...numpy.runs_ms);
  }
  return [...figures, ...compare(label, median(mlgradeTimes), cold.metrics, numpy!, numpyTimes)];
}

/** The numpy figure and mlgrade's with its ratio, or mlgrade's alone with the reason numpy is missing. */
function compare(
  label: string,
  mlgrade: number,
  metrics: Metrics,
  numpy: NumpyAnswer,
  numpyTimes: number[],
): BenchFigure[] {
  if ('unavailable' in numpy) {
    console.warn(`numpy reference skipped: ${numpy.unavailable}`);
    return [
      {
        name: `${label}: mlgrade wall time (no numpy reference: ${numpy.unavailable})`,
        value: mlgrade,
        unit: 'ms',
      },
    ];
  }
  const agree = sameMetrics(numpy.metrics, metrics);
  if (!agree)
    console.warn(
      `metrics differ: mlgrade ${JSON.stringify(metrics)}, numpy ${JSON.stringify(numpy.metrics)}`,
    );
  const reference = median(numpyTimes);
  const ratio = mlgrade / reference;
  return [
    { name: `${label}: numpy ${numpy.numpy} wall time`, value: reference, unit: 'ms' },
    {
      name: `${label}: mlgrade wall time${agree ? '' : ' (METRICS DIFFER from numpy)'}`,
      value: mlgrade,
      unit: 'ms',
      ratio: { value: ratio, against: 'numpy', target: '≤ 1.0', met: ratio <= 1 && agree },
    },
  ];
}

/** Runs the check `runs` times end to end; returns the wall times and the metrics. */
async function timeCheck(context: GradingContext, runs: number) {
  const spec = { id: 'bench', kind: 'predictions' as const, labels: 'labels.csv' };
  const times: number[] = [];
  let outcome: Awaited<ReturnType<typeof predictionsCheck.run>> | undefined;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    outcome = await predictionsCheck.run(spec, context);
    times.push(performance.now() - started);
  }
  if (outcome?.status !== 'pass') throw new Error(`the check did not pass: ${outcome?.summary}`);
  return { times, metrics: outcome.metrics ?? {} };
}

/** True when every metric numpy reports equals mlgrade's to 1e-12. */
function sameMetrics(numpy: Metrics, mlgrade: Metrics): boolean {
  return Object.entries(numpy).every(
    ([name, value]) => Math.abs((mlgrade[name] ?? Number.NaN) - (value ?? 0)) < 1e-12,
  );
}

/** Runs bench/predictions_numpy.py with `args`; says why when python3 or numpy is missing. */
async function timeNumpy(args: string[]): Promise<NumpyAnswer> {
  const script = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    'bench',
    'predictions_numpy.py',
  );
  try {
    const { stdout } = await promisify(execFile)('python3', [script, ...args], { timeout: 120_000 });
    return JSON.parse(stdout) as NumpyResult;
  } catch (error) {
    const text = String((error as { stderr?: string }).stderr || (error as Error).message);
    if (/No module named .?numpy/.test(text)) return { unavailable: 'numpy is not installed' };
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { unavailable: 'python3 was not found' };
    return { unavailable: text.trim().split('\n').at(-1)!.slice(0, 200) };
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(JSON.stringify(figure));
}
