/**
 * Regenerates the example hidden labels and student predictions under examples/ (committed output).
 * Deterministic: the same seed always writes the same files, so `git diff` after running it is empty.
 *
 * The predictions are synthetic: each student is modelled by a confusion pattern with a target
 * accuracy (errors fall mostly on the visually similar CIFAR-10 pairs, as real models' errors do).
 * Real trained models on real data come with the `model` check (issue 3).
 *
 * Usage: npm run build && node build/scripts/make-examples.js
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CIFAR_CLASSES } from '../src/data/cifar-reader.js';
import { packageRoot } from '../src/package-root.js';
import { seededRandom } from './seeded-random.js';

const CLASSES = CIFAR_CLASSES;
/** Pairs a CIFAR-10 model confuses most, so synthetic errors look like real ones. */
const CONFUSED_WITH: Record<string, string> = {
  airplane: 'ship',
  automobile: 'truck',
  bird: 'airplane',
  cat: 'dog',
  deer: 'horse',
  dog: 'cat',
  frog: 'cat',
  horse: 'deer',
  ship: 'airplane',
  truck: 'automobile',
};
const TEST_SIZE = 2000;

function hiddenLabels(): string[] {
  const next = seededRandom(7);
  return Array.from({ length: TEST_SIZE }, () => CLASSES[Math.floor(next() * CLASSES.length)]!);
}

/** Predictions that are right with probability `accuracy`; errors go to the confusable class 70% of the time. */
function predictions(truth: string[], accuracy: number, seed: number): string[] {
  const next = seededRandom(seed);
  return truth.map((label) => {
    if (next() < accuracy) return label;
    return next() < 0.7 ? CONFUSED_WITH[label]! : CLASSES[Math.floor(next() * CLASSES.length)]!;
  });
}

function csv(ids: number[], labels: string[]): string {
  return `id,label\n${ids.map((id, i) => `${id},${labels[i]}`).join('\n')}\n`;
}

async function write(relative: string, content: string) {
  const target = path.join(packageRoot(), 'examples', relative);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
}

async function main() {
  const truth = hiddenLabels();
  const ids = truth.map((_, i) => 10_000 + i);
  await write('hidden-data/cifar10-test-labels.csv', csv(ids, truth));
  // Students submit predictions for the test images in the order they like: shuffle one of them.
  await write('submissions/m4-passing/predictions.csv', csv(ids, predictions(truth, 0.83, 11)));
  await write('submissions/m4-under-threshold/predictions.csv', csv(ids, predictions(truth, 0.66, 12)));
  const broken = predictions(truth, 0.8, 13);
  const lines = ids.slice(0, 1500).map((id, i) => `${id},${broken[i]}`);
  lines[3] = `${ids[3]},NaN`; // a label that is not a class
  lines[10] = `${ids[9]},cat`; // a duplicate id
  lines[20] = '99999999,dog'; // an id that is not in the test set
  lines[30] = `${ids[30]};bird`; // wrong delimiter
  lines[40] = `${ids[40]},submarine`; // outside the label set
  await write('submissions/m4-broken/predictions.csv', `id,label\n${lines.join('\n')}\n`);
  console.log(`wrote ${TEST_SIZE} hidden labels and 3 prediction files under examples/`);
}

await main();
