import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { type PredictionsSpec, predictionsCheck } from '../../src/checks/predictions.js';
import { DEFAULT_LIMITS, type GradingContext, type GradingLimits } from '../../src/checks/types.js';
import { type Finding, FindingSchema, TableSchema } from '../../src/results/results-schema.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'predictions');
const THREE_LABELS = 'id,label\n1,cat\n2,cat\n3,cat\n4,dog\n5,dog\n6,bird\n';

type Options = Omit<PredictionsSpec, 'id' | 'kind' | 'labels'> & { labels?: string };

/** Runs the check with `labels` defaulting to labels.csv. */
function grade(options: Options, context: GradingContext) {
  return predictionsCheck.run(
    { id: 'predictions', kind: 'predictions', labels: 'labels.csv', ...options },
    context,
  );
}

/** A context over a fixture directory used as both the submission and the hidden data directory. */
function fixture(name: string): GradingContext {
  const dir = path.join(FIXTURES, name);
  return { submissionDir: dir, dataDir: dir, limits: DEFAULT_LIMITS };
}

/** A context over fresh temporary directories holding the given files. */
async function dirs(
  submission: Record<string, string | Uint8Array>,
  data: Record<string, string | Uint8Array> = { 'labels.csv': THREE_LABELS },
  limits: Partial<GradingLimits> = {},
): Promise<GradingContext> {
  return {
    submissionDir: await tempDir(submission),
    dataDir: await tempDir(data),
    limits: { ...DEFAULT_LIMITS, ...limits },
  };
}

function messages(findings: Finding[] | undefined, level?: Finding['level']): string[] {
  return (findings ?? [])
    .filter((finding) => !level || finding.level === level)
    .map((finding) => finding.message);
}

describe('predictions check: scores', () => {
  it('computes accuracy, macro/weighted F1 and per-class scores of a hand-worked 3-class case', async () => {
    // cat: P 2/3 R 2/3 F1 2/3; dog: P 1/3 R 1/2 F1 2/5; bird: never predicted, F1 0.
    const outcome = await grade({}, fixture('three-classes'));
    expect(outcome.status).toBe('pass');
    const m = outcome.metrics!;
    expect(m.accuracy).toBeCloseTo(0.5, 12);
    expect(m.macro_f1).toBeCloseTo(16 / 45, 12);
    expect(m.weighted_f1).toBeCloseTo(7 / 15, 12);
    expect(m.zero_f1_classes).toBe(1);
    expect(m['class.dog.precision']).toBeCloseTo(1 / 3, 12);
    expect(m['class.dog.recall']).toBeCloseTo(1 / 2, 12);
    expect(m['class.dog.f1']).toBeCloseTo(2 / 5, 12);
    expect(m['class.cat.support']).toBe(3);
    expect(m).toMatchObject({
      rows: 6,
      prediction_rows: 6,
      missing: 0,
      unknown_ids: 0,
      duplicates: 0,
      classes: 3,
    });
    expect(outcome.summary).toContain('accuracy 0.5000, macro F1 0.3556, 1 zero-F1 class');
  });

  it('reports per-class and confusion-matrix tables (rows true, columns predicted)', async () => {
    const outcome = await grade({}, fixture('three-classes'));
    const [perClass, matrix] = outcome.tables!;
    expect(perClass!.columns).toEqual(['class', 'precision', 'recall', 'f1', 'support']);
    expect(perClass!.rows).toEqual([
      ['bird', 0, 0, 0, 1],
      ['cat', 0.6667, 0.6667, 0.6667, 3],
      ['dog', 0.3333, 0.5, 0.4, 2],
    ]);
    expect(matrix!.columns).toEqual(['true \\ predicted', 'bird', 'cat', 'dog', '(no valid prediction)']);
    expect(matrix!.rows).toEqual([
      ['bird', 0, 0, 1, 0],
      ['cat', 0, 2, 1, 0],
      ['dog', 0, 1, 1, 0],
    ]);
  });

  it('matches by id, not by position', async () => {
    const reversed = await grade({ predictions: 'predictions-reversed.csv' }, fixture('three-classes'));
    const inOrder = await grade({}, fixture('three-classes'));
    expect(reversed.metrics).toEqual(inOrder.metrics);
  });

  it('reports mean F1 and zero-F1 count per frequency tier', async () => {
    // Training counts: cat 10, dog 5, bird 1 → bird is rare below 3.
    const outcome = await grade(
      { tiers: { train_labels: 'train-labels.csv', rare_below: 3 } },
      fixture('three-classes'),
    );
    expect(outcome.metrics).toMatchObject({
      'tier.rare.f1': 0,
      'tier.rare.zero_f1': 1,
      'tier.rare.classes': 1,
    });
    expect(outcome.metrics!['tier.common.f1']).toBeCloseTo((2 / 3 + 2 / 5) / 2, 12);
    expect(outcome.metrics).toMatchObject({ 'tier.common.zero_f1': 0, 'tier.common.classes': 2 });
    expect(outcome.tables![0]!.rows[0]).toEqual(['bird', 0, 0, 0, 1, 'rare']);
    expect(outcome.summary).toContain('rare F1 0.0000; common F1 0.5333');
  });

  it('passes or fails on pass_when thresholds', async () => {
    const met = await grade({ pass_when: { accuracy: 0.5, macro_f1: 0.3 } }, fixture('three-classes'));
    expect(met.status).toBe('pass');
    const unmet = await grade({ pass_when: { accuracy: 0.6 } }, fixture('three-classes'));
    expect(unmet.status).toBe('fail');
    expect(unmet.summary).toContain('below pass_when: accuracy 0.5000 < 0.6');
  });

  it('with explicit classes, leaves out classes nobody has or predicts, and counts predicted-only ones', async () => {
    const context = await dirs({
      'predictions.csv': 'id,label\n1,cat\n2,cat\n3,fish\n4,dog\n5,dog\n6,bird\n',
    });
    const outcome = await grade({ classes: ['cat', 'dog', 'bird', 'fish', 'cow'] }, context);
    // fish: predicted once, no support → F1 0, scored. cow: neither → not scored.
    expect(outcome.metrics).toMatchObject({ classes: 4, zero_f1_classes: 1, 'class.cow.f1': 0 });
    expect(outcome.metrics!.macro_f1).toBeCloseTo((0.8 + 1 + 1 + 0) / 4, 12);
    expect(outcome.tables![0]!.rows.map((row) => row[0])).toEqual(['cat', 'dog', 'bird', 'fish', 'cow']);
  });
});

describe('predictions check: bad rows are scored by stated rules', () => {
  it('keeps the first of duplicate ids, ignores unknown ids, counts missing, empty, NaN and unknown labels as wrong', async () => {
    const context: GradingContext = { ...fixture('bad-rows'), dataDir: path.join(FIXTURES, 'three-classes') };
    const outcome = await grade({}, context);
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({
      missing: 1,
      unknown_ids: 1,
      duplicates: 1,
      invalid_labels: 2,
      unknown_labels: 1,
    });
    expect(outcome.metrics!.accuracy).toBeCloseTo(2 / 6, 12);
    expect(outcome.metrics!['class.cat.f1']).toBeCloseTo(0.8, 12);
    const warnings = messages(outcome.findings, 'warning');
    expect(warnings).toEqual(
      expect.arrayContaining([
        'predictions.csv: 1 of 6 test examples have no prediction (ids "6"); each counts as wrong. Write one row per test id.',
        'predictions.csv line 7: id "7" is not in the test set; the row is ignored. Test ids look like "1", "2", "3".',
        'predictions.csv line 4: id "2" already has a prediction on line 3; the first prediction is kept and this row is ignored.',
        'predictions.csv line 5: the label for id "3" is empty or NaN; the example counts as wrong.',
        'predictions.csv line 6: the label for id "4" is empty or NaN; the example counts as wrong.',
        'predictions.csv line 8: label "cow" is not one of the 3 classes of the test labels (1 row, first on this line); it is scored as a class no test example has: these examples count as wrong, and its F1 of 0 counts in macro F1 and the zero-F1 count. The classes are "bird", "cat", "dog".',
      ]),
    );
    const lines = outcome
      .findings!.filter((finding) => finding.line !== undefined)
      .map((finding) => [finding.file, finding.line]);
    expect(lines).toContainEqual(['predictions.csv', 4]);
    // Missing and invalid predictions land in the last confusion-matrix column (rows bird, cat, cow,
    // dog); "cow" for id 5 (a dog) has a column of its own, as a class without examples.
    expect(outcome.tables![1]!.rows.map((row) => row.at(-1))).toEqual([1, 1, 0, 1]);
    expect(outcome.tables![1]!.rows.find((row) => row[0] === 'dog')).toEqual(['dog', 0, 0, 1, 0, 1]);
  });

  it('hints at the intended label when a number is written differently or the case differs', async () => {
    const context = await dirs(
      { 'predictions.csv': 'id,label\n1,3.0\n2,Cat\n' },
      { 'labels.csv': 'id,label\n1,3\n2,cat\n' },
    );
    const warnings = messages((await grade({}, context)).findings, 'warning');
    expect(warnings.join('\n')).toContain(
      'label "3.0" is not one of the 2 classes of the test labels (1 row, first on this line); it is scored as a class no test example has: these examples count as wrong, and its F1 of 0 counts in macro F1 and the zero-F1 count. Did you mean "3"?',
    );
    expect(warnings.join('\n')).toContain('Did you mean "cat"? Labels are case-sensitive.');
  });

  it('lists the classes in an unknown-label finding in the natural order the tables use', async () => {
    const context = await dirs(
      { 'predictions.csv': 'id,label\n1,c10\n2,c2\n3,x\n' },
      { 'labels.csv': 'id,label\n1,c10\n2,c2\n3,b\n' },
    );
    const outcome = await grade({}, context);
    expect(outcome.tables![0]!.rows.map((row) => row[0])).toEqual(['b', 'c2', 'c10', 'x']);
    const unknown = messages(outcome.findings, 'warning').find((message) => message.includes('"x"'));
    expect(unknown).toMatch(/The classes are "b", "c2", "c10"\.$/);
    // With `classes`, their configured order is the display order, in tables and findings alike.
    const configured = await grade({ classes: ['c10', 'b', 'c2'] }, context);
    expect(messages(configured.findings, 'warning').join('\n')).toContain(
      'The classes are "c10", "b", "c2".',
    );
  });

  it('lists at most 20 findings of a kind, then says how many more', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `${100 + i},cat`).join('\n');
    const context = await dirs({ 'predictions.csv': `id,label\n1,cat\n${rows}\n` });
    const outcome = await grade({}, context);
    const unknown = messages(outcome.findings).filter((message) => message.includes('not in the test set'));
    expect(unknown).toHaveLength(21);
    expect(unknown.at(-1)).toBe('predictions.csv: 5 more ids were not in the test set and were ignored.');
    expect(outcome.metrics!.unknown_ids).toBe(25);
  });

  it('skips a line over the line limit with its line number, and its id counts as missing', async () => {
    const long = 'x'.repeat(500);
    const context = await dirs({ 'predictions.csv': `id,label\n1,cat\n2,${long}\n3,cat\n` }, undefined, {
      maxLineBytes: 100,
    });
    const outcome = await grade({}, context);
    const finding = outcome.findings!.find((f) => f.message.includes('line limit'))!;
    expect(finding).toMatchObject({ level: 'warning', file: 'predictions.csv', line: 3 });
    expect(finding.message).toBe(
      'predictions.csv line 3: the line is 502 bytes, over the 100-byte line limit; the row is skipped (an id it held counts as missing).',
    );
    expect(outcome.metrics).toMatchObject({ skipped_rows: 1, missing: 4 });
  });

  it('skips a 50 MB line under the default limits without trouble', async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 'y');
    const file = Buffer.concat([Buffer.from('id,label\n1,cat\n2,'), huge, Buffer.from('\n3,cat\n')]);
    const outcome = await grade({}, await dirs({ 'predictions.csv': file }));
    expect(outcome.status).toBe('pass');
    const finding = outcome.findings!.find((f) => f.message.includes('line limit'))!;
    expect(finding).toMatchObject({ file: 'predictions.csv', line: 3 });
    expect(finding.message).toContain('the line is 52,428,802 bytes, over the 1,048,576-byte line limit');
    expect(outcome.metrics).toMatchObject({ prediction_rows: 2, skipped_rows: 1 });
  });

  it('skips rows with the wrong number of fields and says to quote commas', async () => {
    const context = await dirs({ 'predictions.csv': 'id,label\n1,cat\n2,dog,extra\n' });
    const outcome = await grade({}, context);
    expect(messages(outcome.findings)).toContain(
      'predictions.csv line 3: the row has 3 fields where the header has 2 (a value containing a comma must be in double quotes); the row is skipped (an id it held counts as missing).',
    );
  });
});

describe('predictions check: formats', () => {
  it('reads JSONL, reporting a malformed line by number and a null label as invalid', async () => {
    const outcome = await grade(
      { labels: 'labels.jsonl', predictions: 'predictions.jsonl' },
      fixture('jsonl'),
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({
      rows: 6,
      prediction_rows: 5,
      missing: 1,
      invalid_labels: 1,
      skipped_rows: 1,
    });
    expect(outcome.metrics!.accuracy).toBeCloseTo(2 / 6, 12);
    const bad = outcome.findings!.find((finding) => finding.message.includes('not valid JSON'))!;
    expect(bad).toMatchObject({ file: 'predictions.jsonl', line: 3 });
  });

  it('reads quoted CSV with commas and doubled quotes inside values', async () => {
    const outcome = await grade({}, fixture('quoted'));
    expect(outcome.metrics).toMatchObject({ accuracy: 1, rows: 3, unknown_labels: 0 });
    expect(outcome.tables![0]!.rows.map((row) => row[0])).toEqual(['New York, NY', 'Paris', 'say "hi"']);
  });

  it('accepts CRLF line ends, a UTF-8 BOM, blank lines, spaces, and no final newline', async () => {
    const bom = '\uFEFF';
    const context = await dirs({
      'predictions.csv': `${bom}id , label\r\n1,cat\r\n\r\n 2 , cat \r\n3,dog\r\n4,dog\r\n5,cat\r\n6,dog`,
    });
    const outcome = await grade({}, context);
    expect(outcome.metrics).toMatchObject({ prediction_rows: 6, skipped_rows: 0, missing: 0 });
    expect(outcome.metrics!.macro_f1).toBeCloseTo(16 / 45, 12);
  });

  it('chooses the format by extension unless told, for both files', async () => {
    const context = await dirs(
      { 'out.txt': '{"id": 1, "label": "a"}\n{"id": 2, "label": "b"}\n' },
      { 'truth.txt': '{"id": 1, "label": "a"}\n{"id": 2, "label": "a"}\n' },
    );
    const outcome = await grade({ labels: 'truth.txt', predictions: 'out.txt', format: 'jsonl' }, context);
    expect(outcome.metrics!.accuracy).toBe(0.5);
  });

  it('uses configured column names, in any order, and ignores other columns', async () => {
    const context = await dirs(
      { 'predictions.csv': 'score,truth,example\n0.9,cat,1\n0.1,dog,2\n' },
      { 'labels.csv': 'example,truth\n1,cat\n2,cat\n' },
    );
    const outcome = await grade({ id_column: 'example', label_column: 'truth' }, context);
    expect(outcome.metrics).toMatchObject({ accuracy: 0.5, rows: 2, skipped_rows: 0 });
  });
});

describe('predictions check: unusable predictions fail', () => {
  const cases: [string, Record<string, string | Uint8Array>, Partial<GradingLimits>, string][] = [
    ['a missing file', {}, {}, 'predictions.csv was not found'],
    [
      'an empty file',
      { 'predictions.csv': '' },
      {},
      'predictions.csv is empty; it needs a header row and one row per example',
    ],
    [
      'a header without rows',
      { 'predictions.csv': 'id,label\n' },
      {},
      'predictions.csv has a header but no data rows',
    ],
    [
      'a binary file',
      { 'predictions.csv': new Uint8Array([105, 100, 0, 1, 2]) },
      {},
      'looks like a binary file',
    ],
    [
      'a file over the size cap',
      { 'predictions.csv': `id,label\n${'1,cat\n'.repeat(100)}` },
      { maxFileBytes: 100 },
      'over the 100 bytes limit',
    ],
    [
      'a file without a header',
      { 'predictions.csv': '1,cat\n2,dog\n' },
      {},
      'the first line holds "1", "cat", which looks like data, not a header: add the header row "id,label"',
    ],
    [
      'a misnamed column',
      { 'predictions.csv': 'ID,prediction\n1,cat\n' },
      {},
      'Did you mean "ID" for "id"? Did you mean "prediction" for "label"?',
    ],
  ];
  for (const [what, files, limits, expected] of cases) {
    it(`fails on ${what}, naming the file`, async () => {
      const outcome = await grade({}, await dirs(files, undefined, limits));
      expect(outcome.status).toBe('fail');
      const [finding] = outcome.findings!;
      expect(finding).toMatchObject({ level: 'error', file: 'predictions.csv' });
      expect(finding!.message).toContain(expected);
      expect(outcome.metrics).toMatchObject({ accuracy: null, rows: 6 });
    });
  }

  it('refuses a path that leaves the submission', async () => {
    const outcome = await grade({ predictions: '../../etc/passwd' }, await dirs({}));
    expect(outcome.status).toBe('fail');
    expect(messages(outcome.findings)[0]).toContain('must be relative and stay inside its directory');
  });

  it('refuses a symbolic link that points outside the submission', async () => {
    const context = await dirs({});
    await symlink('/etc/passwd', path.join(context.submissionDir, 'predictions.csv'));
    const outcome = await grade({}, context);
    expect(outcome.status).toBe('fail');
    expect(messages(outcome.findings)[0]).toContain('points outside the submission');
  });
});

describe('predictions check: instructor-side problems are errors', () => {
  it('says how to give the data directory when there is none', async () => {
    const context = { ...(await dirs({ 'predictions.csv': 'id,label\n1,cat\n' })), dataDir: undefined };
    const outcome = await grade({}, context);
    expect(outcome.status).toBe('error');
    expect(messages(outcome.findings)[0]).toBe(
      'No hidden data directory was given, so labels.csv cannot be read. Pass --data DIR to mlgrade, or set course.data_dir in the course config, to the directory that holds it.',
    );
  });

  it('names the missing labels file', async () => {
    const outcome = await grade(
      { labels: 'test-labels.csv' },
      await dirs({ 'predictions.csv': 'id,label\n1,cat\n' }),
    );
    expect(outcome.status).toBe('error');
    expect(outcome.findings![0]).toMatchObject({ level: 'error', file: 'test-labels.csv' });
    expect(messages(outcome.findings)[0]).toMatch(
      /^test-labels\.csv was not found in the hidden data directory .*--data DIR/,
    );
  });

  const broken: [string, string, string][] = [
    [
      'an empty label',
      'id,label\n1,cat\n2,\n',
      'labels.csv line 3: the label is empty or NaN (hidden labels file)',
    ],
    ['a repeated id', 'id,label\n1,cat\n1,dog\n', 'labels.csv (hidden labels) repeats ids on lines 3'],
    ['a missing column', 'id,class\n1,cat\n', 'labels.csv line 1: no "label" column'],
    [
      'a bad row',
      'id,label\n1,cat\n2,dog,x\n',
      'labels.csv line 3: the row has 3 fields where the header has 2',
    ],
  ];
  for (const [what, labels, expected] of broken) {
    it(`reports a labels file with ${what}`, async () => {
      const outcome = await grade(
        {},
        await dirs({ 'predictions.csv': 'id,label\n1,cat\n2,dog\n' }, { 'labels.csv': labels }),
      );
      expect(outcome.status).toBe('error');
      expect(messages(outcome.findings, 'error')[0]).toContain(expected);
    });
  }

  it('reports labels outside the configured classes', async () => {
    const outcome = await grade(
      { classes: ['cat', 'dog'] },
      await dirs({ 'predictions.csv': 'id,label\n1,cat\n' }),
    );
    expect(outcome.status).toBe('error');
    expect(messages(outcome.findings)[0]).toBe(
      'labels.csv line 7: label "bird" is not in the configured `classes`; add it there or fix the file (hidden labels file)',
    );
  });
});

describe('predictions check: large label sets', () => {
  it('caps the confusion-matrix table at 50 classes and says so', async () => {
    const labels = Array.from({ length: 60 }, (_, k) => `${k},c${k}`).join('\n');
    const context = await dirs(
      { 'predictions.csv': `id,label\n${labels}\n` },
      { 'labels.csv': `id,label\n${labels}\n` },
    );
    const outcome = await grade({}, context);
    expect(outcome.metrics!.accuracy).toBe(1);
    const matrix = outcome.tables![1]!;
    expect(matrix.rows).toHaveLength(50);
    expect(matrix.columns).toHaveLength(53);
    expect(matrix.columns.at(-2)).toBe('(other classes)');
    expect(messages(outcome.findings, 'notice')[0]).toContain('shows the 50 most frequent of 60 classes');
  });
});

describe('predictions check: agrees with a plain reference implementation', () => {
  /** Deterministic pseudo-random numbers (a linear congruential generator). */
  function random(seed: number) {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
  }

  /**
   * The scoring rules written the obvious way: first prediction per id, others wrong; the classes are
   * the true labels and the labels predicted for test ids (scikit-learn's union), macro over those.
   */
  function reference(labels: [string, string][], predictions: [string, string][]) {
    const first = new Map<string, string>();
    for (const [id, label] of predictions) if (!first.has(id)) first.set(id, label);
    const guesses = labels.map(([id]) => first.get(id)?.trim() ?? '').filter((guess) => guess !== '');
    const classes = [...new Set([...labels.map(([, label]) => label), ...guesses])];
    const count = (test: (truth: string, guess: string | undefined) => boolean) =>
      labels.filter(([id, truth]) => test(truth, first.get(id)?.trim())).length;
    const f1s = classes.map((k) => {
      const hits = count((truth, guess) => truth === k && guess === k);
      const support = count((truth) => truth === k);
      const predicted = count((_, guess) => guess === k);
      const precision = predicted ? hits / predicted : 0;
      const recall = support ? hits / support : 0;
      return {
        f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
        support,
        predicted,
      };
    });
    const scored = f1s.filter((c) => c.support > 0 || c.predicted > 0);
    return {
      accuracy: count((truth, guess) => truth === guess) / labels.length,
      macro_f1: scored.reduce((sum, c) => sum + c.f1, 0) / scored.length,
      weighted_f1: f1s.reduce((sum, c) => sum + c.f1 * c.support, 0) / labels.length,
      zero_f1_classes: scored.filter((c) => c.f1 === 0).length,
    };
  }

  for (const [name, idOf] of [
    ['integer ids', (i: number) => String(i * 2)],
    ['text ids', (i: number) => `img-${i}.png`],
  ] as const) {
    it(`on shuffled rows with gaps, repeats, strangers and bad labels (${name})`, async () => {
      const next = random(7);
      const classes = ['0', '1', '2', 'cat', 'mouse', 'x', '12345'];
      const labels = Array.from({ length: 3000 }, (_, i): [string, string] => [
        idOf(i),
        classes[Math.floor(next() ** 2 * 7)]!,
      ]);
      const predictions: [string, string][] = [];
      for (const [id, truth] of labels) {
        const roll = next();
        if (roll < 0.05) continue;
        const guess =
          roll < 0.6 ? truth : roll < 0.9 ? classes[Math.floor(next() * 7)]! : roll < 0.95 ? 'NaN' : 'dog';
        predictions.push([id, guess]);
        if (roll > 0.97) predictions.push([id, classes[0]!]);
      }
      predictions.push(['stranger', 'cat']);
      predictions.sort(() => next() - 0.5);
      const csv = (rows: [string, string][]) => `id,label\n${rows.map((row) => row.join(',')).join('\n')}\n`;
      const outcome = await grade(
        {},
        await dirs({ 'predictions.csv': csv(predictions) }, { 'labels.csv': csv(labels) }),
      );
      const expected = reference(
        labels,
        predictions.map(([id, label]) => [id, label === 'NaN' ? '' : label]),
      );
      for (const [metric, value] of Object.entries(expected))
        expect(outcome.metrics![metric]).toBeCloseTo(value, 12);
      expect(outcome.metrics!.unknown_ids).toBe(1);
    });
  }
});

describe('predictions check: hostile input', () => {
  /** Deterministic pseudo-random integers below `n`. */
  function randomInts(seed: number) {
    let state = seed;
    return (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return Math.floor((state / 2147483648) * n);
    };
  }

  const PIECES = [
    '"',
    ',',
    '\n',
    '\r\n',
    '\r',
    ' ',
    'NaN',
    '',
    '{"id": 1}',
    '\uFEFF',
    'é',
    '💥',
    '0',
    '007',
    '-1',
    'x'.repeat(3000),
  ];

  /** The base file with a few random edits: inserted pieces, deleted ranges, repeated lines. */
  function mutate(base: string, next: (n: number) => number): string {
    let text = base;
    for (let edit = 0, edits = 1 + next(6); edit < edits; edit++) {
      const at = next(text.length + 1);
      const kind = next(3);
      if (kind === 0) text = text.slice(0, at) + PIECES[next(PIECES.length)] + text.slice(at);
      else if (kind === 1) text = text.slice(0, at) + text.slice(at + next(20));
      else text = text.slice(0, at) + text.slice(at, at + 40) + text.slice(at);
    }
    return text;
  }

  it('never throws, and every outcome fits the results schema, on 150 mangled files', async () => {
    const next = randomInts(11);
    const bases = [
      `id,label\n1,cat\n2,cat\n3,dog\n4,dog\n5,cat\n6,bird\n`,
      '"id","label"\n"1","cat"\n"2","dog"\n',
    ];
    const jsonl = '{"id": 1, "label": "cat"}\n{"id": 2, "label": "dog"}\n';
    for (let round = 0; round < 150; round++) {
      const jsonRound = round % 5 === 0;
      const file = jsonRound ? 'predictions.jsonl' : 'predictions.csv';
      const text = mutate(jsonRound ? jsonl : bases[round % 2]!, next);
      const context = await dirs({ [file]: text }, undefined, { maxLineBytes: 2048 });
      const outcome = await grade({ predictions: file }, context);
      expect(['pass', 'fail']).toContain(outcome.status);
      for (const finding of outcome.findings ?? []) expect(Value.Check(FindingSchema, finding)).toBe(true);
      for (const table of outcome.tables ?? []) expect(Value.Check(TableSchema, table)).toBe(true);
      for (const name of Object.keys(outcome.metrics ?? {})) expect(name.length).toBeLessThanOrEqual(200);
    }
  });

  it('keeps findings short when ids, labels and column names are huge', async () => {
    const huge = 'q'.repeat(1500);
    const context = await dirs({ 'predictions.csv': `id,label\n${huge},${huge}\n1,${huge}\n` });
    const outcome = await grade({}, context);
    for (const finding of outcome.findings!) expect(finding.message.length).toBeLessThan(600);
    const header = await grade({}, await dirs({ 'predictions.csv': `${huge},${'w,'.repeat(500)}\n1,2\n` }));
    expect(header.findings![0]!.message.length).toBeLessThan(2000);
  });
});
