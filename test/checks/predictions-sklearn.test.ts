/**
 * The predictions check against values computed outside mlgrade, by scikit-learn's conventions: the
 * labels are the union of the true and the predicted labels, a 0/0 precision or recall is 0
 * (`zero_division=0`), macro F1 is the plain mean over those labels. A student who predicts a label no
 * test example has gets a class of support 0 and F1 0, which lowers macro F1 and adds a zero-F1 class.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type PredictionsSpec, predictionsCheck } from '../../src/checks/predictions.js';
import { DEFAULT_LIMITS, type GradingContext } from '../../src/checks/types.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'predictions');

type Options = Omit<PredictionsSpec, 'id' | 'kind' | 'labels'> & { labels?: string };

function grade(options: Options, context: GradingContext) {
  return predictionsCheck.run(
    { id: 'predictions', kind: 'predictions', labels: 'labels.csv', ...options },
    context,
  );
}

const TOLERANCE = 1e-9;

function expectClose(actual: number | null | undefined, expected: number, what: string) {
  expect(actual, what).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    TOLERANCE,
  );
}

describe('predictions check: scikit-learn conventions without `classes`', () => {
  /*
   * test/fixtures/predictions/predicted-only: 618 test examples with string ids ("img-10959.png"),
   * rows shuffled differently in labels.csv and predictions.csv, every id predicted once. The values
   * below were printed by `python3 test/fixtures/predictions/predicted-only/make.py` (numpy only; the
   * script spells out the rules and the tp/fp/fn of every class). Labels = sorted union of truth and
   * predictions = 10 classes: five common ones, rare c2 (support 3), c10 (7) and gnu (2, never
   * predicted right), yak (11, never predicted) and okapi (predicted 8 times, support 0).
   */
  const EXPECTED = {
    accuracy: 0.7378640776699029,
    macro_f1: 0.45205543066201503,
    weighted_f1: 0.7367824747497055,
    zero_f1_classes: 3,
  };
  // [class, tp, fp, fn, precision, recall, F1]; support = tp + fn.
  const PER_CLASS: [string, number, number, number, number, number, number][] = [
    ['bird', 101, 31, 33, 0.7651515151515151, 0.753731343283582, 0.7593984962406015],
    ['c2', 2, 2, 1, 0.5, 0.6666666666666666, 0.5714285714285714],
    ['c10', 1, 5, 6, 0.16666666666666666, 0.14285714285714285, 0.15384615384615385],
    ['cat', 98, 28, 26, 0.7777777777777778, 0.7903225806451613, 0.784],
    ['deer', 86, 29, 36, 0.7478260869565218, 0.7049180327868853, 0.7257383966244726],
    ['dog', 71, 30, 24, 0.7029702970297029, 0.7473684210526316, 0.7244897959183674],
    ['frog', 97, 25, 23, 0.7950819672131147, 0.8083333333333333, 0.8016528925619835],
    ['gnu', 0, 4, 2, 0, 0, 0],
    ['okapi', 0, 8, 0, 0, 0, 0],
    ['yak', 0, 0, 11, 0, 0, 0],
  ];
  const context: GradingContext = {
    submissionDir: path.join(FIXTURES, 'predicted-only'),
    dataDir: path.join(FIXTURES, 'predicted-only'),
    limits: DEFAULT_LIMITS,
  };

  it('matches accuracy, macro and weighted F1 and the zero-F1 count to 1e-9', async () => {
    const outcome = await grade({}, context);
    expect(outcome.status).toBe('pass');
    const m = outcome.metrics!;
    expectClose(m.accuracy, EXPECTED.accuracy, 'accuracy');
    expectClose(m.macro_f1, EXPECTED.macro_f1, 'macro_f1');
    expectClose(m.weighted_f1, EXPECTED.weighted_f1, 'weighted_f1');
    expect(m.zero_f1_classes).toBe(EXPECTED.zero_f1_classes);
    expect(m).toMatchObject({ classes: 10, rows: 618, prediction_rows: 618, missing: 0, unknown_ids: 0 });
    // The 8 okapi rows are predictions outside the labels' classes, scored as a class of their own.
    expect(m.unknown_labels).toBe(8);
  });

  it('matches every class’s precision, recall, F1 and support, predicted-only okapi included', async () => {
    const m = (await grade({}, context)).metrics!;
    for (const [name, tp, , fn, precision, recall, f1] of PER_CLASS) {
      expectClose(m[`class.${name}.precision`], precision, `${name} precision`);
      expectClose(m[`class.${name}.recall`], recall, `${name} recall`);
      expectClose(m[`class.${name}.f1`], f1, `${name} f1`);
      expect(m[`class.${name}.support`], `${name} support`).toBe(tp + fn);
    }
  });

  it('lists the predicted-only class in natural order in the tables, with its own matrix column', async () => {
    const outcome = await grade({}, context);
    const [perClass, matrix] = outcome.tables!;
    expect(perClass!.rows.map((row) => row[0])).toEqual(PER_CLASS.map(([name]) => name));
    expect(perClass!.rows.find((row) => row[0] === 'okapi')).toEqual(['okapi', 0, 0, 0, 0]);
    const okapi = matrix!.columns.indexOf('okapi');
    expect(okapi).toBeGreaterThan(0);
    // Column sums are tp + fp: every okapi prediction is a false positive of okapi.
    expect(matrix!.rows.reduce((sum, row) => sum + (row[okapi] as number), 0)).toBe(8);
    expect(matrix!.rows.every((row) => row.at(-1) === 0)).toBe(true);
  });

  it('puts a predicted-only class in the tier its training count gives (rare below rare_below)', async () => {
    // Training counts (train-labels.csv): okapi 4, gnu 9, c2 12, c10 20 < 25 → rare; yak 30 and the
    // common classes → common. Means of the F1 values above: rare (0.5714… + 0.1538… + 0 + 0) / 4,
    // common (six F1s incl. yak's 0) / 6, both printed by make.py.
    const outcome = await grade({ tiers: { train_labels: 'train-labels.csv', rare_below: 25 } }, context);
    const m = outcome.metrics!;
    expectClose(m['tier.rare.f1'], 0.1813186813186813, 'rare F1');
    expectClose(m['tier.common.f1'], 0.6325465968909042, 'common F1');
    expect(m).toMatchObject({
      'tier.rare.classes': 4,
      'tier.rare.zero_f1': 2,
      'tier.common.classes': 6,
      'tier.common.zero_f1': 1,
    });
    expect(outcome.tables![0]!.rows.find((row) => row[0] === 'okapi')).toEqual(['okapi', 0, 0, 0, 0, 'rare']);
  });

  it('warns about each predicted-only label, saying how it is scored', async () => {
    const outcome = await grade({}, context);
    const warnings = (outcome.findings ?? []).filter((finding) => finding.message.includes('"okapi"'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warning', file: 'predictions.csv' });
    expect(warnings[0]!.message).toMatch(
      /label "okapi" is not one of the 9 classes of the test labels \(8 rows, first on this line\); it is scored as a class no test example has: these examples count as wrong, and its F1 of 0 counts in macro F1 and the zero-F1 count\. The classes are "bird", "c2", "c10", "cat", "deer", "dog", "frog", "gnu", "yak"\.$/,
    );
  });
});

describe('predictions check: predicted-only labels at the class limit', () => {
  it('scores no more than 2,000 classes: labels past that count as wrong, lumped in one finding', async () => {
    const labels = Array.from({ length: 2000 }, (_, k) => `${k},c${k}`).join('\n');
    const guesses = Array.from({ length: 2000 }, (_, k) => `${k},${k < 3 ? `new${k}` : `c${k}`}`).join('\n');
    const context = {
      submissionDir: await tempDir({ 'predictions.csv': `id,label\n${guesses}\n` }),
      dataDir: await tempDir({ 'labels.csv': `id,label\n${labels}\n` }),
      limits: DEFAULT_LIMITS,
    };
    const outcome = await grade({}, context);
    // c0, c1, c2 have F1 0 (never predicted), the other 1,997 F1 1; new0–new2 are no classes.
    expect(outcome.metrics).toMatchObject({ classes: 2000, unknown_labels: 3, zero_f1_classes: 3 });
    expectClose(outcome.metrics!.macro_f1, 1997 / 2000, 'macro_f1');
    expect(outcome.findings!.map((finding) => finding.message)).toContain(
      'predictions.csv line 2: labels outside the class set (3 rows, first on this line); these examples count as wrong. Past 1,000 new labels or 2,000 classes in all, further labels are lumped together here: not named, and not scored as classes.',
    );
  });
});

describe('predictions check: a predicted-only label, worked by hand', () => {
  // Labels 1–6: cat cat cat dog dog bird. Predictions: cat cat fish dog dog bird.
  //   cat  tp 2 fp 0 fn 1 → P 1, R 2/3, F1 2·2/(4+0+1) = 0.8
  //   dog  tp 2 fp 0 fn 0 → F1 1;  bird tp 1 → F1 1
  //   fish tp 0 fp 1 fn 0 → P 0, R 0/0 = 0, F1 0 (support 0)
  // Labels = {bird, cat, dog, fish}: macro F1 (0.8 + 1 + 1 + 0) / 4 = 0.7, one zero-F1 class;
  // weighted F1 (0.8·3 + 1·2 + 1·1 + 0·0) / 6 = 5.4 / 6 = 0.9; accuracy 5/6.
  const labels = 'id,label\n1,cat\n2,cat\n3,cat\n4,dog\n5,dog\n6,bird\n';
  const predictions = 'id,label\n6,bird\n3,fish\n1,cat\n5,dog\n2,cat\n4,dog\n';

  it('scores it as a class of support 0 when `classes` is not given', async () => {
    const context = {
      submissionDir: await tempDir({ 'predictions.csv': predictions }),
      dataDir: await tempDir({ 'labels.csv': labels }),
      limits: DEFAULT_LIMITS,
    };
    const m = (await grade({}, context)).metrics!;
    expectClose(m.macro_f1, 0.7, 'macro_f1');
    expectClose(m.weighted_f1, 0.9, 'weighted_f1');
    expectClose(m.accuracy, 5 / 6, 'accuracy');
    expect(m).toMatchObject({ zero_f1_classes: 1, classes: 4, 'class.fish.support': 0, 'class.fish.f1': 0 });
  });

  it('makes no class of a label that only ignored rows use (an unknown id, a repeated id)', async () => {
    const context = {
      submissionDir: await tempDir({ 'predictions.csv': `${predictions}99,zebra\n1,gnu\n` }),
      dataDir: await tempDir({ 'labels.csv': labels }),
      limits: DEFAULT_LIMITS,
    };
    const outcome = await grade({}, context);
    expectClose(outcome.metrics!.macro_f1, 0.7, 'macro_f1');
    expect(outcome.metrics).toMatchObject({ classes: 4, unknown_ids: 1, duplicates: 1, unknown_labels: 1 });
    expect(outcome.tables![0]!.rows.map((row) => row[0])).toEqual(['bird', 'cat', 'dog', 'fish']);
  });

  it('counts it wrong and leaves it out of macro F1 when `classes` is given', async () => {
    // With classes [cat, dog, bird] the fish row is a miss for cat and no class's false positive
    // (scikit-learn's `labels=[…]` does the same): macro F1 (0.8 + 1 + 1) / 3.
    const context = {
      submissionDir: await tempDir({ 'predictions.csv': predictions }),
      dataDir: await tempDir({ 'labels.csv': labels }),
      limits: DEFAULT_LIMITS,
    };
    const outcome = await grade({ classes: ['cat', 'dog', 'bird'] }, context);
    const m = outcome.metrics!;
    expectClose(m.macro_f1, 2.8 / 3, 'macro_f1');
    expect(m).toMatchObject({ zero_f1_classes: 0, classes: 3, unknown_labels: 1 });
    expect(m['class.fish.f1']).toBeUndefined();
    expect(outcome.findings!.map((finding) => finding.message)).toContain(
      'predictions.csv line 3: label "fish" is not one of the 3 classes (1 row, first on this line); these examples count as wrong. The classes are "cat", "dog", "bird".',
    );
  });
});
