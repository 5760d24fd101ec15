/**
 * Deterministic data for the predictions benchmark: a labels file with a long-tailed class
 * distribution (so frequency tiers mean something) and a predictions file that is right about
 * `accuracy` of the time, both `id,label` CSV with integer ids in the same order.
 */
import { writeFile } from 'node:fs/promises';
import { seededRandom } from '../scripts/seeded-random.js';

/** What to generate. */
export interface PredictionsDataOptions {
  rows: number;
  classes: number;
  /** Share of predictions equal to the true label; the rest are uniform over the classes. */
  accuracy: number;
  seed: number;
  /** `int`: labels "0".."99"; `name`: words like "label17" (the general dictionary path, not the ≤3-byte cache). */
  labelStyle?: 'int' | 'name';
  /** Write the predictions in a shuffled id order (the join then needs an index, not a straight walk). */
  shuffle?: boolean;
}

/** Cumulative Zipf-like weights 1/(k+1)^1.1, for drawing long-tailed labels. */
function cumulativeWeights(classes: number): Float64Array {
  const cumulative = new Float64Array(classes);
  let total = 0;
  for (let k = 0; k < classes; k++) {
    total += 1 / (k + 1) ** 1.1;
    cumulative[k] = total;
  }
  return cumulative.map((value) => value / total);
}

function draw(cumulative: Float64Array, u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! < u) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Label and prediction class per row. */
export function makeRows(options: PredictionsDataOptions): { truth: Int32Array; predicted: Int32Array } {
  const next = seededRandom(options.seed);
  const cumulative = cumulativeWeights(options.classes);
  const truth = new Int32Array(options.rows);
  const predicted = new Int32Array(options.rows);
  for (let row = 0; row < options.rows; row++) {
    truth[row] = draw(cumulative, next());
    predicted[row] = next() < options.accuracy ? truth[row]! : Math.floor(next() * options.classes);
  }
  return { truth, predicted };
}

/** A seeded Fisher–Yates permutation of 0 … length - 1. */
function permutation(length: number, seed: number): Int32Array {
  const next = seededRandom(seed);
  const order = Int32Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** `id,label` CSV text (row `order[i]` on line i + 2), built in chunks to keep string sizes sane. */
export function csvText(classes: Int32Array, labelStyle: 'int' | 'name' = 'int', order?: Int32Array): string {
  const chunks: string[] = ['id,label\n'];
  let lines: string[] = [];
  for (let i = 0; i < classes.length; i++) {
    const row = order ? order[i]! : i;
    lines.push(`${row},${labelStyle === 'int' ? classes[row] : `label${classes[row]}`}`);
    if (lines.length === 65_536) {
      chunks.push(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) chunks.push(`${lines.join('\n')}\n`);
  return chunks.join('');
}

/** Writes `labels.csv` to `dataDir` and `predictions.csv` to `submissionDir`. */
export async function writePredictionsData(
  dataDir: string,
  submissionDir: string,
  options: PredictionsDataOptions,
) {
  const { truth, predicted } = makeRows(options);
  await writeFile(`${dataDir}/labels.csv`, csvText(truth, options.labelStyle));
  const order = options.shuffle ? permutation(options.rows, options.seed + 1) : undefined;
  await writeFile(`${submissionDir}/predictions.csv`, csvText(predicted, options.labelStyle, order));
}
